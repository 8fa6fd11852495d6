"""Dataset-level Integrated Gradients (Captum): per-landmark importance and a global ranking per emotion."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from captum.attr import IntegratedGradients

from gimefive_lib.labels import EMOTIONS
from gimefive_lib.landmarks.classifiers import LandmarkClassifier, single_thread
from gimefive_lib.landmarks.features import flatten

BASELINES: tuple[str, ...] = ("zeros", "neutral", "others")


def make_baseline(kind: str, points: np.ndarray, labels: np.ndarray, emotion: int,
                  neutral: np.ndarray | None = None) -> np.ndarray:
    """The IG baseline face ``(L, 2)`` (normalised coordinates) of one emotion.

    ``zeros``: every coordinate 0; ``neutral``: the mean of the ``neutral`` faces; ``others``: the mean face of
    the training samples (``points``, ``labels``) of the other emotions.
    """
    if kind == "zeros":
        return np.zeros(points.shape[1:], np.float32)
    if kind == "neutral":
        if neutral is None or not len(neutral):
            raise ValueError("the neutral baseline needs neutral faces; none are available for this dataset "
                             "(use the 'others' or 'zeros' baseline)")
        return neutral.mean(axis=0).astype(np.float32)
    if kind == "others":
        others = points[np.asarray(labels) != emotion]
        if not len(others):
            raise ValueError(f"the 'others' baseline of {EMOTIONS[emotion]} needs samples of other emotions")
        return others.mean(axis=0).astype(np.float32)
    raise ValueError(f"unknown baseline {kind!r}; expected one of {', '.join(BASELINES)}")


def landmark_attributions(model: LandmarkClassifier, points: np.ndarray, baseline: np.ndarray,
                          n_steps: int = 32, target: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Integrated Gradients of ``model``'s output ``target`` for normalised ``(N, L, 2)`` landmarks.

    Returns ``(importance, delta)``: ``(N, k)`` absolute attributions summed over x and y for each of the k
    landmarks the model reads, and Captum's ``(N,)`` convergence delta (completeness error).
    """
    x = model.inputs(points)
    base = torch.from_numpy(flatten(np.asarray(baseline, np.float32)[None], model.landmarks))
    model.network.eval()
    with single_thread():
        attributions, delta = IntegratedGradients(model.network).attribute(
            x, baselines=base, target=target, n_steps=n_steps, internal_batch_size=4096,
            return_convergence_delta=True)
    per_landmark = attributions.detach().abs().reshape(len(x), -1, 2).sum(dim=2)
    return per_landmark.numpy(), delta.detach().numpy()


@dataclass
class LandmarkRanking:
    """Global landmark importance of one emotion: mean |IG| over its samples, normalised to sum 1."""

    emotion: int
    landmarks: np.ndarray
    importance: np.ndarray
    relative_delta: float

    @property
    def order(self) -> np.ndarray:
        """The landmark indices, most important first."""
        return self.landmarks[np.argsort(-self.importance, kind="stable")]

    def top(self, k: int) -> np.ndarray:
        """The ``k`` most important landmark indices (sorted by index)."""
        if not 1 <= k <= len(self.landmarks):
            raise ValueError(f"k must be in 1..{len(self.landmarks)}, got {k}")
        return np.sort(self.order[:k])

    def full(self, n_landmarks: int) -> np.ndarray:
        """Importance of all ``n_landmarks`` points of the layout (0 for points the model does not read)."""
        out = np.zeros(n_landmarks)
        out[self.landmarks] = self.importance
        return out


def rank_landmarks(model: LandmarkClassifier, points: np.ndarray, labels: np.ndarray, baseline: np.ndarray,
                   n_steps: int = 32) -> LandmarkRanking:
    """The global ranking of a binary model's emotion from IG over all samples of that emotion in ``points``."""
    if model.emotion is None:
        raise ValueError("rank_landmarks needs a binary (emotion vs rest) model")
    samples = points[np.asarray(labels) == model.emotion]
    if not len(samples):
        raise ValueError(f"no samples of {EMOTIONS[model.emotion]} to attribute")
    importance, delta = landmark_attributions(model, samples, baseline, n_steps)
    total = importance.mean(axis=0)
    scale = importance.sum(axis=1).mean()
    return LandmarkRanking(model.emotion, model.landmarks.copy(), total / total.sum(),
                           float(np.abs(delta).mean() / max(scale, 1e-12)))
