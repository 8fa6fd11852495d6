"""Landmark explainability after Di Luzio, Rosato & Panella (2024): landmarks, binary models, IG ranking, pruning.

Modules, in the order of the method: ``facemesh`` (MediaPipe 468 points), ``landmarkset``, ``datasets`` and
``cache`` (landmark splits of the synthetic default and of real datasets), ``features`` (normalisation),
``classifiers`` (binary MLP / randomised network, six-way), ``attribution`` (dataset-level Integrated Gradients),
``pruning``, ``study`` (the whole run), ``report`` (JSON), ``aucheck`` (the synthetic action-unit check),
``regions``, ``compare`` (CNN, Grad-CAM), ``plots``, ``widgets`` and ``sources`` (what notebook 07 uses).
"""
