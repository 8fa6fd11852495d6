"""What a model costs: trainable parameters, FLOPs of one forward pass, latency and throughput on this machine."""

from __future__ import annotations

import time

import torch
from torch import nn
from torch.utils.flop_counter import FlopCounterMode

from gimefive_lib.devices import autocast, model_device
from gimefive_lib.models.registry import INPUT_SIZE


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
