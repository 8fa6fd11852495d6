"""Inference speed of a model on this machine: latency at batch 1 and throughput at a larger batch."""

from __future__ import annotations

import time

import torch
from torch import nn

from gimefive_lib.devices import autocast


@torch.no_grad()
def images_per_second(
    model: nn.Module, batch_size: int = 64, size: int = 64, repeats: int = 5, device: torch.device | str = "cpu"
) -> float:
    """Median forward throughput (images/s) on random input of ``batch_size`` faces, after one warm-up pass."""
    device = torch.device(device)
    model = model.eval().to(device)
    x = torch.randn(batch_size, 3, size, size, device=device)
    times = []
    for i in range(repeats + 1):
        started = time.perf_counter()
        with autocast(device):
            model(x)
        if device.type == "cuda":
            torch.cuda.synchronize()
        if i:
            times.append(time.perf_counter() - started)
    return batch_size / sorted(times)[len(times) // 2]


def latency_ms(model: nn.Module, size: int = 64, repeats: int = 20, device: torch.device | str = "cpu") -> float:
    """Median milliseconds for one face (batch 1)."""
    return 1000.0 / images_per_second(model, batch_size=1, size=size, repeats=repeats, device=device)
