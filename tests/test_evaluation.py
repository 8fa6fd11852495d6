"""Predictions and the report: flip test-time augmentation averages the mirrored face; the metrics match by hand."""

import numpy as np
import torch
from torch import nn

from gimefive_lib.evaluation.metrics import classification_report
from gimefive_lib.models.prediction import predict_labels, predict_proba


class LeftRightModel(nn.Module):
    """Votes class 0 when the left half of the face is brighter, class 1 otherwise: mirroring swaps its answer."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        half = x.shape[3] // 2
        difference = x[..., :half].mean(dim=(1, 2, 3)) - x[..., half:].mean(dim=(1, 2, 3))
        logits = torch.full((x.shape[0], 6), -10.0)
        logits[:, 0], logits[:, 1] = 5 * difference, -5 * difference
        return logits


def faces_brighter_on_the_left(n: int) -> np.ndarray:
    faces = np.zeros((n, 64, 64), dtype=np.uint8)
    faces[:, :, :32] = 200
    return faces


def test_flip_tta_averages_a_face_with_its_mirror():
    faces = faces_brighter_on_the_left(3)
    plain = predict_proba(LeftRightModel(), faces)
    averaged = predict_proba(LeftRightModel(), faces, flip_tta=True)
    assert (plain.argmax(1) == 0).all() and plain[:, 0].min() > 0.99
    np.testing.assert_allclose(averaged[:, 0], averaged[:, 1], atol=1e-5)
    np.testing.assert_allclose(averaged.sum(1), 1.0, atol=1e-5)


def test_predicted_labels_are_the_most_probable_classes_in_batches():
    faces = np.concatenate([faces_brighter_on_the_left(5), faces_brighter_on_the_left(4)[:, :, ::-1]])
    labels = predict_labels(LeftRightModel(), faces, batch_size=2)
    assert labels.tolist() == [0] * 5 + [1] * 4


def test_report_matches_a_hand_count():
    report = classification_report(np.array([0, 0, 1, 2]), np.array([0, 1, 1, 2]))
    assert report["accuracy"] == 0.75 and report["n"] == 4
    assert report["per_class_accuracy"]["happiness"] == 0.5 and report["per_class_accuracy"]["fear"] is None
    assert report["confusion_matrix"][0][:2] == [1, 1]


class DeviceRecorder(nn.Module):
    """Remembers the device of each batch it is given; its one weight lives on ``device``."""

    def __init__(self, device: str) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.zeros(1, device=device))
        self.seen: list[torch.device] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.seen.append(x.device)
        return torch.zeros(x.shape[0], 6)


def test_faces_go_to_the_device_of_the_model_unless_told_otherwise():
    # "meta" stands in for a GPU here: a model loaded onto cuda must not be fed CPU tensors.
    model = DeviceRecorder("meta")
    predict_proba(model, faces_brighter_on_the_left(2))
    predict_proba(model, faces_brighter_on_the_left(2), device="cpu")
    assert [device.type for device in model.seen] == ["meta", "cpu"]


class LayoutRecorder(nn.Module):
    """Remembers whether each batch it is given is laid out channels_last."""

    def __init__(self) -> None:
        super().__init__()
        self.channels_last: list[bool] = []

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.channels_last.append(x.is_contiguous(memory_format=torch.channels_last))
        return torch.zeros(x.shape[0], 6)


def test_batches_are_channels_last_only_where_it_pays_off(monkeypatch):
    faces = faces_brighter_on_the_left(2)
    for pays_off in (True, False):
        monkeypatch.setattr(
            "gimefive_lib.models.prediction.use_channels_last", lambda device, pays_off=pays_off: pays_off
        )
        model = LayoutRecorder()
        predict_proba(model, faces, flip_tta=True)
        assert model.channels_last == [pays_off, pays_off]


def test_channels_last_batches_give_the_same_probabilities(monkeypatch):
    torch.manual_seed(0)
    model = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
                          nn.Linear(8, 6))
    faces = np.random.default_rng(0).integers(0, 256, (4, 64, 64), dtype=np.uint8)
    monkeypatch.setattr("gimefive_lib.models.prediction.autocast", lambda device: torch.autocast("cpu", enabled=False))
    probabilities = {}
    for layout in (True, False):
        monkeypatch.setattr("gimefive_lib.models.prediction.use_channels_last", lambda device, layout=layout: layout)
        probabilities[layout] = predict_proba(model, faces, flip_tta=True)
    np.testing.assert_allclose(probabilities[True], probabilities[False], atol=1e-5)
