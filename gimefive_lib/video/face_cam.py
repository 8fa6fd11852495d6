"""Grad-CAM of GiMeFive's last conv block for a batch of faces, with the backward pass stopping at that block.

As in the paper's video script (and the Grad-CAM paper), the last block is read before its max-pool: a 4 x 4
map at 64 x 64 input. The trunk (everything up to that point) runs once without gradients; pytorch-grad-cam
then runs only the head (max-pool, global pool, classifier) on the trunk's output, so the backward pass
never enters the conv layers. The maps equal ``GradCAM(model, [rectified output of the last block])`` on
the whole model.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Iterator

import numpy as np
import torch
from pytorch_grad_cam import GradCAM
from pytorch_grad_cam.utils.model_targets import ClassifierOutputTarget
from torch import Tensor, nn

from gimefive_lib.data.preprocess import FACE_SIZE
from gimefive_lib.models import GiMeFive, last_conv_block


class TappedHead(nn.Module):
    """The last block's max-pool, GiMeFive's pool and classifier, behind an identity ``tap`` read by Grad-CAM.

    ``dtype`` None shares the model's layers; a dtype (bf16, fp16) gives a copy whose layers hold weights of that
    type: the input is cast after the tap, so Grad-CAM reads activations and gradients in the input's type, and
    the output comes back in it too.
    """

    def __init__(self, model: GiMeFive, dtype: torch.dtype | None = None) -> None:
        super().__init__()
        self.tap = nn.Identity()
        self.block_pool = last_conv_block(model)[-1]
        self.pool = model.pool
        self.classifier = model.classifier if dtype is None else copy.deepcopy(model.classifier).to(dtype).eval()
        self.dtype = dtype

    def forward(self, rectified: Tensor) -> Tensor:
        tapped = self.tap(rectified)
        if self.dtype is None:
            return self.classifier(self.pool(self.block_pool(tapped)).flatten(1))
        return self.classifier(self.pool(self.block_pool(tapped.to(self.dtype))).flatten(1)).to(rectified.dtype)


class LastBlockGradCAM(GradCAM):
    """pytorch-grad-cam's GradCAM on a :class:`TappedHead`, maps scaled to the face size instead of the input's."""

    def __init__(self, head: TappedHead, size: int = FACE_SIZE) -> None:
        super().__init__(model=head, target_layers=[head.tap])
        self.size = size

    def get_target_width_height(self, input_tensor: Tensor) -> tuple[int, int]:
        return self.size, self.size


def split_gimefive(model: nn.Module, head_dtype: torch.dtype | None = None) -> tuple[nn.Sequential, TappedHead]:
    """``(trunk, head)`` sharing the model's layers: ``head(trunk(x)) == model(x)``, split before the last max-pool;
    with ``head_dtype`` the head is a copy in that type (see :class:`TappedHead`)."""
    if not isinstance(model, GiMeFive):
        raise ValueError(f"the video pipeline needs a GiMeFive model, got {type(model).__name__}")
    stages = list(model.features.children())
    last = last_conv_block(model)
    if stages[-1] is not last or not isinstance(last[-1], nn.MaxPool2d):
        raise ValueError("GiMeFive.features must end with the last conv block, itself ending with a max-pool")
    return nn.Sequential(*stages[:-1], *list(last)[:-1]), TappedHead(model, head_dtype)


@contextlib.contextmanager
def frozen(module: nn.Module) -> Iterator[None]:
    """Turn off ``requires_grad`` of the module's parameters for a while (no weight gradients), then restore it."""
    flags = [(p, p.requires_grad) for p in module.parameters()]
    try:
        for p, _ in flags:
            p.requires_grad_(False)
        yield
    finally:
        for p, flag in flags:
            p.requires_grad_(flag)


def last_block_cams(head: TappedHead, features: Tensor, labels: list[int], size: int = FACE_SIZE) -> np.ndarray:
    """Grad-CAM maps ``(N, size, size)`` in [0, 1] of class ``labels[i]`` from the trunk's ``features``."""
    leaf = features.detach().requires_grad_(True)
    with frozen(head), torch.enable_grad(), LastBlockGradCAM(head, size) as cam:
        return cam(input_tensor=leaf, targets=[ClassifierOutputTarget(int(k)) for k in labels])
