"""Eval-only copies of conv stacks made faster for inference: BatchNorm folded into the convs, channels_last."""

from __future__ import annotations

import copy

import torch
from torch import Tensor, nn
from torch.fx.experimental.optimization import fuse


class InferenceTrunk(nn.Module):
    """A frozen, fused, channels_last copy of ``module`` for forward passes without gradients.

    With ``dtype`` (e.g. ``torch.bfloat16`` on a CPU with AVX512-BF16 or AMX) the copy's weights are stored in
    that type and inputs are cast to it, so no weight is converted at each call as under autocast; outputs come
    back in the input's type. The copy no longer follows later changes of the original's weights; build a new one
    after training. Outputs equal the original's in eval mode up to float rounding (bf16: about 0.5 % of the
    largest output).
    """

    def __init__(self, module: nn.Module, dtype: torch.dtype | None = None) -> None:
        super().__init__()
        fused = fuse(copy.deepcopy(module).eval()).to(memory_format=torch.channels_last)
        self.dtype = dtype
        self.module = (fused if dtype is None else fused.to(dtype)).requires_grad_(False)

    def forward(self, x: Tensor) -> Tensor:
        with torch.no_grad():
            x = x.contiguous(memory_format=torch.channels_last)
            if self.dtype is None or self.dtype == x.dtype:
                return self.module(x)
            return self.module(x.to(self.dtype)).to(x.dtype)
