"""How real the synthetic faces look to a model trained on real faces: its accuracy on apex synthetic faces."""

from __future__ import annotations

from torch import nn

from gimefive_lib.data.synthetic.render import generate_synthetic
from gimefive_lib.evaluation.metrics import classification_report
from gimefive_lib.models.prediction import predict_labels

REALISM_SEED = 0


def realism_report(model: nn.Module, n: int = 1200, seed: int = REALISM_SEED, style: str = "realistic",
                   size: int = 64) -> dict:
    """:func:`classification_report` of ``model`` (flip-averaged) on ``n`` balanced apex synthetic faces.

    The faces are unoccluded, at intensity 1.0, drawn in ``style`` from ``seed``: a real-face model reads them as
    well as it reads real faces only if they look like real faces (chance is 1/6). Adds ``style`` and ``seed``.
    """
    faces = generate_synthetic(n, size=size, seed=seed, intensity=1.0, occlusion=0.0, style=style, au_spread=0.0)
    report = classification_report(faces.labels, predict_labels(model, faces, flip_tta=True))
    report.update(style=style, seed=seed)
    return report
