"""Models by name, and the convolutional blocks that explainers look at."""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from gimefive_lib.models.baselines import resnet18, resnet34, vgg
from gimefive_lib.models.gimefive import gimefive, gimefive_baseline, gimefive_se

MODELS: dict[str, Callable[[], nn.Module]] = {
    "gimefive": gimefive,
    "gimefive_se": gimefive_se,
    "gimefive_baseline": gimefive_baseline,
    "vgg": vgg,
    "resnet18": resnet18,
    "resnet34": resnet34,
}


MODEL_NAMES: tuple[str, ...] = tuple(MODELS)


INPUT_SIZE = 64


def build_model(name: str) -> nn.Module:
    """Return a freshly initialised model by name (one of ``MODEL_NAMES``)."""
    try:
        return MODELS[name]()
    except KeyError:
        raise ValueError(f"unknown model {name!r}; choose one of {', '.join(MODEL_NAMES)}") from None


def conv_blocks(model: nn.Module) -> dict[str, nn.Module]:
    """The named convolutional stages of a model, first to last (targets for Grad-CAM and activations)."""
    if hasattr(model, "features"):
        return {name: layer for name, layer in model.features.named_children() if name.startswith("block")}
    if hasattr(model, "layer4"):
        return {name: getattr(model, name) for name in ("layer1", "layer2", "layer3", "layer4")}
    raise ValueError(f"{type(model).__name__} has no known conv blocks")


def last_conv_block(model: nn.Module) -> nn.Module:
    """The last convolutional stage, Grad-CAM's usual target layer."""
    return list(conv_blocks(model).values())[-1]
