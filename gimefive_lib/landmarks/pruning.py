"""Progressive landmark pruning: retrain each binary model on its top-k landmarks for a schedule of k; pick k on val."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from gimefive_lib.data.regions import FACEMESH468, IBUG68
from gimefive_lib.landmarks.attribution import LandmarkRanking, rank_landmarks
from gimefive_lib.landmarks.classifiers import ClassifierConfig, LandmarkClassifier, fit_classifier, inference_seconds

SCHEDULES: dict[str, tuple[int, ...]] = {
    FACEMESH468: (468, 256, 128, 64, 32, 16, 8),
    IBUG68: (68, 48, 32, 24, 16, 8, 4),
}


def check_schedule(schedule: Sequence[int], n_landmarks: int) -> tuple[int, ...]:
    """The schedule sorted from all landmarks down, starting with ``n_landmarks``; k out of 1..n raises ValueError."""
    ks = sorted({int(k) for k in schedule}, reverse=True)
    too_large = [k for k in ks if k > n_landmarks]
    if too_large:
        raise ValueError(f"pruning schedule asks for {too_large} landmarks but the faces have only {n_landmarks}")
    if not ks or ks[-1] < 1:
        raise ValueError(f"pruning schedule must be a non-empty list of k >= 1, got {list(schedule)}")
    return tuple([n_landmarks] + ks if ks[0] != n_landmarks else ks)


@dataclass
class PruningStep:
    """One k of the schedule: the model trained on its top-k landmarks and what it scored and cost."""

    k: int
    model: LandmarkClassifier
    ranking: LandmarkRanking
    val: dict[str, float]
    inference_seconds: float = float("nan")

    def summary(self) -> dict:
        """The JSON-friendly figures of this step."""
        return {
            "k": self.k,
            "val_accuracy": self.val["accuracy"],
            "val_balanced_accuracy": self.val["balanced_accuracy"],
            "train_seconds": self.model.train_seconds,
            "inference_us_per_sample": self.inference_seconds * 1e6,
            "parameters": self.model.n_parameters,
        }


@dataclass
class PruningResult:
    """The pruning schedule of one emotion and the k chosen on validation."""

    emotion: int
    steps: list[PruningStep] = field(default_factory=list)

    @property
    def full(self) -> PruningStep:
        """The step with all landmarks."""
        return self.steps[0]

    @property
    def chosen(self) -> PruningStep:
        """Highest validation balanced accuracy; ties go to the higher accuracy, then to fewer landmarks."""
        return max(self.steps, key=lambda s: (s.val["balanced_accuracy"], s.val["accuracy"], -s.k))

    def no_worse(self) -> list[int]:
        """Pruned k whose validation accuracy and balanced accuracy are no worse than all landmarks' and run faster."""
        full = self.full
        return [s.k for s in self.steps[1:] if s.inference_seconds < full.inference_seconds
                and all(s.val[metric] >= full.val[metric] for metric in ("accuracy", "balanced_accuracy"))]


def prune_emotion(emotion: int, train: tuple[np.ndarray, np.ndarray], val: tuple[np.ndarray, np.ndarray],
                  baseline: np.ndarray, schedule: Sequence[int], config: ClassifierConfig | None = None,
                  rerank: bool = True, n_steps: int = 32) -> PruningResult:
    """Train on all landmarks, rank them with IG on the training samples, then retrain on the top-k for each k.

    ``train`` and ``val`` are ``(normalised points, labels)``. With ``rerank`` each step keeps the top-k of the
    previous step's model (progressive pruning); otherwise every k takes the top-k of the all-landmark ranking.
    """
    (train_points, train_labels), (val_points, val_labels) = train, val
    config = config or ClassifierConfig()
    result = PruningResult(emotion)
    ranking = None
    for k in check_schedule(schedule, train_points.shape[1]):
        landmarks = None if ranking is None else ranking.top(k)
        model = fit_classifier(train_points, train_labels, emotion, config, landmarks)
        step_ranking = rank_landmarks(model, train_points, train_labels, baseline, n_steps)
        result.steps.append(PruningStep(k, model, step_ranking, model.evaluate(val_points, val_labels)))
        if ranking is None or rerank:
            ranking = step_ranking
    timings = inference_seconds([step.model for step in result.steps], val_points)
    for step, seconds in zip(result.steps, timings, strict=True):
        step.inference_seconds = seconds
    return result


def pruning_gap(points: dict[str, np.ndarray], labels: dict[str, np.ndarray], emotion: int, landmarks: np.ndarray,
                config: ClassifierConfig | None = None) -> dict[str, float]:
    """Validation balanced accuracy of one emotion's model on all landmarks and on ``landmarks`` only (both trained
    with ``config`` on ``points["train"]``), and the gap: subset minus all (> 0: pruning pays off)."""
    scores = {}
    for name, subset in (("all", None), ("subset", landmarks)):
        model = fit_classifier(points["train"], labels["train"], emotion, config, subset)
        scores[name] = model.evaluate(points["val"], labels["val"])["balanced_accuracy"]
    return {**scores, "gap": scores["subset"] - scores["all"]}
