"""The whole method on one dataset: normalise, train binary models, rank landmarks with IG, prune, compare six-way."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from tqdm.auto import tqdm

from gimefive_lib.data.regions import landmark_regions
from gimefive_lib.labels import EMOTIONS, NUM_CLASSES
from gimefive_lib.landmarks.attribution import BASELINES, LandmarkRanking, make_baseline
from gimefive_lib.landmarks.classifiers import (
    KINDS,
    ClassifierConfig,
    LandmarkClassifier,
    ensemble_predict,
    fit_classifier,
    inference_seconds,
)
from gimefive_lib.landmarks.features import normalize_landmarks
from gimefive_lib.landmarks.landmark_splits import LandmarkSplits
from gimefive_lib.landmarks.pruning import SCHEDULES, PruningResult, check_schedule, prune_emotion

PARTS: tuple[str, ...] = ("train", "val", "test")


@dataclass(frozen=True)
class StudyConfig:
    """Choices of one run: classifier kind, IG baseline, pruning schedule (None = the layout's default)."""

    model: str = "random"
    baseline: str = "neutral"
    schedule: tuple[int, ...] | None = None
    rerank: bool = True
    n_steps: int = 32
    scale: str = "interocular"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.model not in KINDS:
            raise ValueError(f"unknown model {self.model!r}; expected one of {', '.join(KINDS)}")
        if self.baseline not in BASELINES:
            raise ValueError(f"unknown baseline {self.baseline!r}; expected one of {', '.join(BASELINES)}")

    @property
    def classifier(self) -> ClassifierConfig:
        """The classifier settings of this run."""
        return ClassifierConfig(kind=self.model, seed=self.seed)


@dataclass
class LandmarkStudy:
    """Everything one run produced: normalised landmarks, baselines, pruning per emotion, the six-way model."""

    splits: LandmarkSplits
    config: StudyConfig
    points: dict[str, np.ndarray]
    labels: dict[str, np.ndarray]
    baselines: list[np.ndarray]
    pruning: list[PruningResult] = field(default_factory=list)
    six_way: LandmarkClassifier | None = None
    seconds: float = 0.0

    @property
    def schedule(self) -> tuple[int, ...]:
        """The pruning schedule that was run."""
        return tuple(step.k for step in self.pruning[0].steps)

    @property
    def rankings(self) -> list[LandmarkRanking]:
        """The global landmark ranking of each emotion (from its all-landmark model)."""
        return [result.full.ranking for result in self.pruning]

    @property
    def reference_face(self) -> np.ndarray:
        """The mean normalised training face ``(L, 2)``, for drawing."""
        return self.points["train"].mean(axis=0)

    @property
    def regions(self) -> np.ndarray:
        """The face region of every landmark."""
        return landmark_regions(self.splits.layout, self.reference_face)

    def binary_models(self, chosen: bool = True) -> list[LandmarkClassifier]:
        """The binary model of each emotion at its chosen k (or with all landmarks)."""
        return [result.chosen.model if chosen else result.full.model for result in self.pruning]

    def six_way_scores(self, part: str) -> dict[str, dict[str, float]]:
        """Six-way accuracy on ``part`` of the six-way model and of the binary ensembles (all / chosen landmarks)."""
        points, labels = self.points[part], self.labels[part]
        out = {"six-way model": self.six_way.evaluate(points, labels)}
        for name, chosen in (("binary ensemble, all landmarks", False), ("binary ensemble, chosen k", True)):
            predicted = ensemble_predict(self.binary_models(chosen), points)
            out[name] = {"accuracy": float(np.mean(predicted == labels))}
        return out


def normalised_parts(splits: LandmarkSplits, scale: str = "interocular") -> dict[str, np.ndarray]:
    """Normalised landmarks of train, val, test (and neutral when there are neutral faces)."""
    parts = {name: getattr(splits, name) for name in PARTS}
    if splits.neutral is not None:
        parts["neutral"] = splits.neutral
    return {name: normalize_landmarks(part.points, splits.layout, scale) for name, part in parts.items()}


def run_study(splits: LandmarkSplits, config: StudyConfig | None = None, progress: bool = True) -> LandmarkStudy:
    """Run the method: per emotion train, rank (IG on train), prune and choose k on val; plus a six-way model."""
    config = config or StudyConfig()
    started = time.perf_counter()
    schedule = check_schedule(config.schedule or SCHEDULES[splits.layout], splits.train.n_landmarks)
    for name in PARTS:
        missing = [EMOTIONS[c] for c in range(NUM_CLASSES) if getattr(splits, name).class_counts()[c] == 0]
        if missing:
            raise ValueError(f"{getattr(splits, name).name}: no samples of {', '.join(missing)}")
    points = normalised_parts(splits, config.scale)
    labels = {name: getattr(splits, name).labels for name in PARTS}
    baselines = [make_baseline(config.baseline, points["train"], labels["train"], e, points.get("neutral"))
                 for e in range(NUM_CLASSES)]
    study = LandmarkStudy(splits, config, points, labels, baselines)
    for emotion in tqdm(range(NUM_CLASSES), desc="emotions", disable=not progress, leave=False):
        study.pruning.append(prune_emotion(
            emotion, (points["train"], labels["train"]), (points["val"], labels["val"]), baselines[emotion],
            schedule, config.classifier, config.rerank, config.n_steps))
    study.six_way = fit_classifier(points["train"], labels["train"], None, config.classifier)
    study.seconds = time.perf_counter() - started
    return study


def six_way_inference_seconds(study: LandmarkStudy) -> dict[str, float]:
    """Seconds per sample of the six-way model and of the binary ensembles (six forwards each)."""
    full, chosen = study.binary_models(False), study.binary_models(True)
    times = inference_seconds([study.six_way, *full, *chosen], study.points["val"])
    return {"six-way model": times[0], "binary ensemble, all landmarks": float(sum(times[1:7])),
            "binary ensemble, chosen k": float(sum(times[7:]))}
