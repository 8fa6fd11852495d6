"""Landmark classifiers: class-balanced binary models per emotion (small MLP or randomised network), and six-way."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from torch import nn

from gimefive_lib.labels import NUM_CLASSES
from gimefive_lib.landmarks.features import flatten

KINDS: tuple[str, ...] = ("random", "mlp")
KIND_NAMES: dict[str, tuple[str, str]] = {  # singular and plural, for tables
    "random": ("randomised network", "randomised networks"),
    "mlp": ("MLP", "MLPs"),
}
INFERENCE_BATCH = 256
INFERENCE_REPEATS = 50


@dataclass(frozen=True)
class ClassifierConfig:
    """How landmark classifiers are built and trained (random: closed-form ridge; MLP: Adam on minibatches).

    The default is the randomised network, the model family of Di Luzio et al.'s earlier work.
    """

    kind: str = "random"
    hidden: tuple[int, ...] = (64, 32)
    epochs: int = 25
    batch_size: int = 256
    lr: float = 5e-3
    weight_decay: float = 1e-4
    random_hidden: tuple[int, ...] = (128, 32)
    ridge: float = 10.0
    seed: int = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown classifier kind {self.kind!r}; expected one of {', '.join(KINDS)}")


class Standardize(nn.Module):
    """Subtract the training mean and divide by the training standard deviation of every input."""

    def __init__(self, features: np.ndarray) -> None:
        super().__init__()
        self.register_buffer("mean", torch.as_tensor(features.mean(axis=0), dtype=torch.float32))
        self.register_buffer("std", torch.as_tensor(features.std(axis=0) + 1e-6, dtype=torch.float32))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return (x - self.mean) / self.std


class RandomizedNetwork(nn.Module):
    """Deep randomised network: fixed random tanh layers, a trained linear read-out of all hidden layers."""

    def __init__(self, standardize: Standardize, n_inputs: int, hidden: tuple[int, ...], n_outputs: int,
                 generator: torch.Generator) -> None:
        super().__init__()
        self.standardize = standardize
        layers, width = [], n_inputs
        for size in hidden:
            layer = nn.Linear(width, size)
            with torch.no_grad():
                layer.weight.copy_(torch.randn(size, width, generator=generator) / np.sqrt(width))
                layer.bias.copy_(torch.rand(size, generator=generator) * 2 - 1)
            layer.requires_grad_(False)
            layers.append(layer)
            width = size
        self.hidden = nn.ModuleList(layers)
        self.readout = nn.Linear(sum(hidden), n_outputs)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The concatenated outputs of all random hidden layers."""
        h, outputs = self.standardize(x), []
        for layer in self.hidden:
            h = torch.tanh(layer(h))
            outputs.append(h)
        return torch.cat(outputs, dim=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.readout(self.features(x))


@dataclass
class LandmarkClassifier:
    """A trained network on the flattened normalised coordinates of ``landmarks``; ``emotion`` None = six-way."""

    network: nn.Module
    landmarks: np.ndarray
    kind: str
    emotion: int | None
    train_seconds: float

    def inputs(self, points: np.ndarray) -> torch.Tensor:
        """The network input ``(N, 2k)`` of normalised ``(N, L, 2)`` landmarks."""
        return torch.from_numpy(flatten(points, self.landmarks))

    @torch.inference_mode()
    def logits(self, points: np.ndarray) -> np.ndarray:
        """Raw outputs: ``(N,)`` emotion-vs-rest scores (> 0 = emotion) or ``(N, 6)`` class logits."""
        self.network.eval()
        out = self.network(self.inputs(points)).numpy()
        return out[:, 0] if self.emotion is not None else out

    def predict(self, points: np.ndarray) -> np.ndarray:
        """Binary models: 1 = the emotion, 0 = rest; six-way models: the GiMeFive class id."""
        out = self.logits(points)
        return (out > 0).astype(np.int64) if self.emotion is not None else out.argmax(axis=1)

    @property
    def n_parameters(self) -> int:
        """Number of parameters (trained and fixed random ones)."""
        return sum(p.numel() for p in self.network.parameters())

    def evaluate(self, points: np.ndarray, labels: np.ndarray) -> dict[str, float]:
        """Accuracy and balanced accuracy on GiMeFive ``labels`` (binary models: emotion vs rest)."""
        target = binary_targets(labels, self.emotion) if self.emotion is not None else np.asarray(labels)
        predicted = self.predict(points)
        return {"accuracy": float(accuracy_score(target, predicted)),
                "balanced_accuracy": float(balanced_accuracy_score(target, predicted))}


def binary_targets(labels: np.ndarray, emotion: int) -> np.ndarray:
    """1 where the label is ``emotion``, else 0."""
    return (np.asarray(labels) == emotion).astype(np.int64)


def balanced_weights(targets: np.ndarray, n_classes: int) -> np.ndarray:
    """Per-sample weights that give every class the same total weight (mean weight 1)."""
    counts = np.bincount(targets, minlength=n_classes).astype(np.float64)
    if np.any(counts == 0):
        missing = [int(c) for c in np.flatnonzero(counts == 0)]
        raise ValueError(f"cannot balance classes: no training samples of class(es) {missing}")
    return (len(targets) / (n_classes * counts))[targets]


def _mlp(standardize: Standardize, n_inputs: int, hidden: tuple[int, ...], n_outputs: int) -> nn.Sequential:
    layers: list[nn.Module] = [standardize]
    width = n_inputs
    for size in hidden:
        layers += [nn.Linear(width, size), nn.ReLU()]
        width = size
    layers.append(nn.Linear(width, n_outputs))
    return nn.Sequential(*layers)


def _train_mlp(network: nn.Module, x: torch.Tensor, targets: np.ndarray, weights: np.ndarray, binary: bool,
               config: ClassifierConfig, generator: torch.Generator) -> None:
    """Adam on shuffled minibatches with the class-balancing sample weights."""
    optimizer = torch.optim.Adam(network.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    y = torch.as_tensor(targets, dtype=torch.float32 if binary else torch.int64)
    w = torch.as_tensor(weights, dtype=torch.float32)
    network.train()
    for _ in range(config.epochs):
        for batch in torch.randperm(len(x), generator=generator).split(config.batch_size):
            out = network(x[batch])
            if binary:
                loss = nn.functional.binary_cross_entropy_with_logits(out[:, 0], y[batch], reduction="none")
            else:
                loss = nn.functional.cross_entropy(out, y[batch], reduction="none")
            optimizer.zero_grad()
            (loss * w[batch]).mean().backward()
            optimizer.step()
    network.eval()


@torch.no_grad()
def _fit_readout(network: RandomizedNetwork, x: torch.Tensor, targets: np.ndarray, weights: np.ndarray,
                 n_outputs: int, ridge: float) -> None:
    """Closed-form weighted ridge regression of the read-out onto +-1 targets (float64, torch's solver)."""
    h = network.features(x).double()
    design = torch.cat([h, torch.ones(len(h), 1, dtype=torch.float64)], dim=1)
    labels = torch.as_tensor(targets)
    if n_outputs == 1:
        y = (2.0 * labels.double() - 1.0)[:, None]
    else:
        y = -torch.ones(len(labels), n_outputs, dtype=torch.float64)
        y[torch.arange(len(labels)), labels] = 1.0
    weighted = design * torch.as_tensor(weights, dtype=torch.float64)[:, None]
    penalty = ridge * torch.eye(design.shape[1], dtype=torch.float64)
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    beta = torch.linalg.solve(design.T @ weighted + penalty, weighted.T @ y)
    network.readout.weight.copy_(beta[:-1].T.float())
    network.readout.bias.copy_(beta[-1].float())


def fit_classifier(points: np.ndarray, labels: np.ndarray, emotion: int | None, config: ClassifierConfig | None = None,
                   landmarks: np.ndarray | None = None) -> LandmarkClassifier:
    """Train on normalised ``(N, L, 2)`` landmarks: emotion vs rest (``emotion`` id) or six-way (``emotion`` None).

    Only the ``landmarks`` indices are used (default: all). Classes are balanced by sample weights.
    """
    config = config or ClassifierConfig()
    n_total = points.shape[1]
    landmarks = np.arange(n_total) if landmarks is None else np.asarray(landmarks, dtype=np.int64)
    if len(landmarks) == 0 or landmarks.min() < 0 or landmarks.max() >= n_total:
        raise ValueError(f"landmark indices must be a non-empty subset of 0..{n_total - 1}")
    binary = emotion is not None
    targets = binary_targets(labels, emotion) if binary else np.asarray(labels, dtype=np.int64)
    n_outputs = 1 if binary else NUM_CLASSES
    weights = balanced_weights(targets, 2 if binary else NUM_CLASSES)
    features = flatten(points, landmarks)
    x = torch.from_numpy(features)
    generator = torch.Generator().manual_seed(config.seed + (0 if emotion is None else 1 + emotion))
    with single_thread():
        started = time.perf_counter()
        standardize = Standardize(features)
        if config.kind == "mlp":
            torch.manual_seed(int(torch.randint(2**31, (1,), generator=generator)))
            network = _mlp(standardize, x.shape[1], config.hidden, n_outputs)
            _train_mlp(network, x, targets, weights, binary, config, generator)
        else:
            network = RandomizedNetwork(standardize, x.shape[1], config.random_hidden, n_outputs, generator)
            _fit_readout(network, x, targets, weights, n_outputs, config.ridge)
        seconds = time.perf_counter() - started
    network.eval()
    return LandmarkClassifier(network, landmarks, config.kind, emotion, seconds)


def fit_binary_models(points: np.ndarray, labels: np.ndarray, config: ClassifierConfig | None = None,
                      landmarks: np.ndarray | None = None) -> list[LandmarkClassifier]:
    """One emotion-vs-rest classifier per GiMeFive emotion, in label order."""
    return [fit_classifier(points, labels, emotion, config, landmarks) for emotion in range(NUM_CLASSES)]


def ensemble_predict(models: list[LandmarkClassifier], points: np.ndarray) -> np.ndarray:
    """Six-way prediction of the binary models: the emotion whose model scores highest."""
    if [m.emotion for m in models] != list(range(NUM_CLASSES)):
        raise ValueError("ensemble_predict needs one binary model per emotion, in label order")
    return np.stack([m.logits(points) for m in models], axis=1).argmax(axis=1)


@contextmanager
def single_thread() -> Iterator[None]:
    """Run torch on one CPU thread inside the block (tiny networks gain nothing from more, and time steadier)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@torch.inference_mode()
def inference_seconds(models: list[LandmarkClassifier], points: np.ndarray, batch_size: int = INFERENCE_BATCH,
                      repeats: int = INFERENCE_REPEATS) -> list[float]:
    """Seconds per sample of each model's forward pass on one thread, features given.

    The median over ``repeats`` rounds of one ``batch_size`` batch per model; the models take turns in a random
    order within a round so that load changes on the machine hit them all alike.
    """
    inputs = []
    for model in models:
        x = model.inputs(points)
        inputs.append(x.repeat(int(np.ceil(batch_size / len(x))), 1)[:batch_size].contiguous())
        model.network.eval()
    times = np.zeros((repeats, len(models)))
    rng = np.random.default_rng(0)
    with single_thread():
        for model, x in zip(models, inputs, strict=True):
            model.network(x)  # warm-up
        for r in range(repeats):
            for i in rng.permutation(len(models)):
                started = time.perf_counter()
                models[i].network(inputs[i])
                times[r, i] = time.perf_counter() - started
    return (np.median(times, axis=0) / batch_size).tolist()
