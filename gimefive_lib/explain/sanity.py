"""Model-randomisation sanity check (Adebayo et al. 2018): maps that explain the model must change with its weights."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd
import torch
from scipy.stats import spearmanr
from torch import nn

from gimefive_lib.explain.cams import Targets, compute_cams, resolve_targets
from gimefive_lib.models import conv_blocks


def randomisation_order(model: nn.Module) -> list[str]:
    """Names of the stages re-initialised one after another, from the top: classifier, then the last block down."""
    top = ["classifier"] if hasattr(model, "classifier") else ["fc"] if hasattr(model, "fc") else []
    return top + list(reversed(list(conv_blocks(model))))


def _stage(model: nn.Module, name: str) -> nn.Module:
    """The sub-module ``name`` (a whole conv block by name, or a top-level attribute such as the classifier)."""
    blocks = conv_blocks(model)
    return blocks[name] if name in blocks else getattr(model, name)


def reinitialise(module: nn.Module) -> None:
    """Fresh random weights for every layer inside ``module`` that has ``reset_parameters`` (conv, BN, linear)."""
    for layer in module.modules():
        if hasattr(layer, "reset_parameters"):
            layer.reset_parameters()
        if hasattr(layer, "reset_running_stats"):
            layer.reset_running_stats()


def cascading_randomisations(model: nn.Module, seed: int = 0) -> list[tuple[str, nn.Module]]:
    """Copies of ``model`` with stages randomised cumulatively from the top: ``[(stage randomised, copy), ...]``."""
    torch.manual_seed(seed)
    current = copy.deepcopy(model).eval()
    copies = []
    for name in randomisation_order(model):
        current = copy.deepcopy(current)
        reinitialise(_stage(current, name))
        copies.append((name, current.eval()))
    return copies


def rank_correlations(reference: np.ndarray, maps: np.ndarray) -> np.ndarray:
    """Spearman rank correlation between each pair of maps ``(N,)``; a constant map correlates 0 with anything."""
    out = np.zeros(len(reference), dtype=np.float32)
    for i, (a, b) in enumerate(zip(reference, maps, strict=True)):
        if np.ptp(a) > 0 and np.ptp(b) > 0:
            out[i] = spearmanr(a.ravel(), b.ravel()).statistic
    return out


def randomisation_test(
    model: nn.Module, images: np.ndarray, method: str = "gradcam", layer_name: str | None = None,
    targets: Targets = "predicted", seed: int = 0, batch_size: int = 32,
) -> pd.DataFrame:
    """Mean and spread of the rank correlation between the trained model's maps and the cascade's maps.

    The targets are fixed to those of the trained model so that only the weights change. One row per step:
    ``randomised_down_to`` (every stage from the top down to this one is re-initialised), ``spearman`` (mean),
    ``spearman_std``.
    """
    classes = resolve_targets(model, images, targets)
    reference = compute_cams(model, images, method, layer_name, classes, batch_size)
    rows = [{"step": 0, "randomised_down_to": "none", "spearman": 1.0, "spearman_std": 0.0}]
    for step, (name, randomised) in enumerate(cascading_randomisations(model, seed), start=1):
        rho = rank_correlations(reference, compute_cams(randomised, images, method, layer_name, classes, batch_size))
        rows.append({"step": step, "randomised_down_to": name, "spearman": float(rho.mean()),
                     "spearman_std": float(rho.std())})
    return pd.DataFrame(rows)
