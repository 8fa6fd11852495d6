"""Interpretability: class activation maps, layer activations, their metrics, sanity checks and face regions."""
