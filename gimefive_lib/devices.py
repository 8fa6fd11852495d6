"""Device auto-selection (cuda > mps > cpu) and the matching precision settings."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from functools import lru_cache

import torch

DEVICE_CHOICES: tuple[str, ...] = ("auto", "cpu", "cuda", "cuda:N", "mps")


def _mps_available() -> bool:
    return getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available()


def select_device(preferred: str | None = "auto") -> torch.device:
    """Return ``preferred`` as a device, or the best available one for ``auto``/None (cuda > mps > cpu).

    The one place ``GIMEFIVE_DEVICE`` and ``--device`` are read: an unknown name, or a GPU this machine does not
    have, raises ValueError naming the value, the choices and what was found.
    """
    name = (preferred or "auto").strip().lower()
    kind, _, index = name.partition(":")
    if kind not in ("auto", "cpu", "cuda", "mps") or (index and not (kind == "cuda" and index.isdigit())):
        raise ValueError(f"device {preferred!r}: choose one of {', '.join(DEVICE_CHOICES)} (--device, GIMEFIVE_DEVICE)")
    if kind != "auto":
        found = "cuda" if torch.cuda.is_available() else "mps" if _mps_available() else "cpu only"
        if kind == "cuda" and (not torch.cuda.is_available() or int(index or 0) >= torch.cuda.device_count()):
            raise ValueError(f"device {preferred!r} requested, but this machine has no such CUDA GPU (found: {found})")
        if kind == "mps" and not _mps_available():
            raise ValueError(f"device {preferred!r} requested, but Apple's MPS is not available here (found: {found})")
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if _mps_available():
        return torch.device("mps")
    return torch.device("cpu")


def model_device(model: torch.nn.Module) -> torch.device:
    """The device a model's weights are on now (the CPU for a model without weights)."""
    return next((parameter.device for parameter in model.parameters()), torch.device("cpu"))


@lru_cache(maxsize=1)
def cpu_supports_bf16() -> bool:
    """True when this CPU has native bf16 matrix instructions (AVX512-BF16 or AMX)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = f.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def autocast_dtype(device: torch.device) -> torch.dtype | None:
    """The mixed-precision dtype for ``device``: fp16/bf16 on CUDA, bf16 on capable CPUs, else None."""
    if device.type == "cuda":
        return torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
    if device.type == "cpu" and cpu_supports_bf16():
        return torch.bfloat16
    return None


def autocast(device: torch.device, enabled: bool = True) -> contextlib.AbstractContextManager:
    """An autocast context for ``device`` (a no-op where mixed precision is off or unsupported)."""
    dtype = autocast_dtype(device) if enabled else None
    if dtype is None:
        return contextlib.nullcontext()
    return torch.autocast(device_type=device.type, dtype=dtype)


def use_channels_last(device: torch.device) -> bool:
    """channels_last pays off on CUDA and on CPUs with bf16 support."""
    return device.type == "cuda" or (device.type == "cpu" and cpu_supports_bf16())


def device_report(preferred: str | None = "auto") -> dict:
    """What this machine offers for training: device, GPU name, precision, channels_last, CPU threads."""
    device = select_device(preferred)
    dtype = autocast_dtype(device)
    return {
        "device": str(device),
        "gpu": torch.cuda.get_device_name(device) if device.type == "cuda" else None,
        "gpus": torch.cuda.device_count(),
        "mixed_precision": str(dtype).replace("torch.", "") if dtype else "off (fp32)",
        "channels_last": use_channels_last(device),
        "cpu_threads": torch.get_num_threads(),
    }


@contextlib.contextmanager
def torch_threads(count: int | None) -> Iterator[None]:
    """Run torch on ``count`` CPU threads for a while (None or 0: leave its setting alone), then restore it."""
    before = torch.get_num_threads()
    if count and count != before:
        torch.set_num_threads(count)
    try:
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)
