"""Eval-only copies of conv stacks made faster for inference: BatchNorm folded into the convs, channels_last."""

from __future__ import annotations

import copy

import torch
from torch import Tensor, nn
from torch.fx.experimental.optimization import fuse


class InferenceTrunk(nn.Module):
    """A frozen, fused, channels_last copy of ``module`` for forward passes without gradients.

    The copy no longer follows later changes of the original's weights; build a new one after training.
    Outputs equal the original's in eval mode up to float rounding.
    """

    def __init__(self, module: nn.Module) -> None:
        super().__init__()
        fused = fuse(copy.deepcopy(module).eval())
        self.module = fused.to(memory_format=torch.channels_last).requires_grad_(False)

    def forward(self, x: Tensor) -> Tensor:
        with torch.no_grad():
            return self.module(x.contiguous(memory_format=torch.channels_last))
