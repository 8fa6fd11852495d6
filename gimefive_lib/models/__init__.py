"""Models by name, parameter counts, FLOPs and the layers explainers look at."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from gimefive_lib.devices import model_device
from gimefive_lib.models.baselines import resnet18, resnet34, vgg
from gimefive_lib.models.gimefive import GiMeFive, gimefive, gimefive_baseline, gimefive_se

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


def count_parameters(model: nn.Module) -> int:
    """Number of trainable parameters."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def count_flops(model: nn.Module, input_size: int = INPUT_SIZE) -> int:
    """FLOPs of one forward pass on a single ``3 x input_size x input_size`` image (torch.utils.flop_counter)."""
    was_training = model.training
    model.eval()
    device = model_device(model)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(torch.zeros(1, 3, input_size, input_size, device=device))
    model.train(was_training)
    return int(counter.get_total_flops())


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


__all__ = [
    "MODEL_NAMES",
    "GiMeFive",
    "build_model",
    "count_parameters",
    "count_flops",
    "conv_blocks",
    "last_conv_block",
]
