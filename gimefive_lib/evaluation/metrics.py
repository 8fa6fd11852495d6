"""The metrics reported for a model: accuracy, per-class accuracy, macro F1, confusion matrix."""

from __future__ import annotations

import numpy as np
import torch
from sklearn.metrics import confusion_matrix, f1_score
from torch import nn

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.labels import EMOTIONS, NUM_CLASSES
from gimefive_lib.models.prediction import predict_labels


def classification_report(labels: np.ndarray, predictions: np.ndarray) -> dict:
    """Accuracy, per-class accuracy (by emotion name), macro F1, confusion matrix (rows = truth) and n."""
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    cm = confusion_matrix(labels, predictions, labels=list(range(NUM_CLASSES)))
    support = cm.sum(axis=1)
    per_class = {name: (float(cm[i, i] / support[i]) if support[i] else None) for i, name in enumerate(EMOTIONS)}
    return {
        "accuracy": float((labels == predictions).mean()) if len(labels) else float("nan"),
        "per_class_accuracy": per_class,
        "macro_f1": float(
            f1_score(labels, predictions, labels=list(range(NUM_CLASSES)), average="macro", zero_division=0)
        ),
        "confusion_matrix": cm.tolist(),
        "n": int(len(labels)),
    }


def evaluate_model(
    model: nn.Module,
    faces: FaceSet,
    device: torch.device | str | None = None,
    flip_tta: bool = True,
    batch_size: int = 256,
) -> dict:
    """Evaluate a model on a FaceSet and return :func:`classification_report` of its predictions."""
    return classification_report(faces.labels, predict_labels(model, faces, device, batch_size, flip_tta))
