"""Checkpoints are read with ``weights_only=True``: a hostile pickle is refused before its payload can run."""

from __future__ import annotations

import os

import pytest
import torch

from gimefive_lib.settings import SHIPPED_CHECKPOINT
from gimefive_lib.training.checkpoint import CheckpointError, read_checkpoint


class _Payload:
    """Unpickling this object would create ``marker``: the test fails if it ever exists."""

    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


def test_hostile_pickle_is_refused_and_its_payload_never_runs(tmp_path):
    marker = tmp_path / "payload-ran"
    evil = tmp_path / "evil.pt"
    torch.save({"model_name": "gimefive", "model": {}, "x": _Payload(str(marker))}, evil)
    with pytest.raises(CheckpointError, match=r"evil\.pt: refused to load"):
        read_checkpoint(evil)
    assert not marker.exists()


@pytest.mark.parametrize("content", [b"", b"not a zip archive at all", b"PK\x03\x04truncated"])
def test_corrupt_or_truncated_file_names_itself(tmp_path, content):
    broken = tmp_path / "broken.pt"
    broken.write_bytes(content)
    with pytest.raises(CheckpointError, match=r"broken\.pt: not a readable PyTorch checkpoint"):
        read_checkpoint(broken)


def test_truncated_real_checkpoint_names_itself(tmp_path):
    cut = tmp_path / "cut.pt"
    cut.write_bytes(SHIPPED_CHECKPOINT.read_bytes()[:100_000])
    with pytest.raises(CheckpointError, match=r"cut\.pt"):
        read_checkpoint(cut)


def test_folder_given_as_checkpoint(tmp_path):
    with pytest.raises(CheckpointError, match="is a folder"):
        read_checkpoint(tmp_path)


def test_shipped_checkpoint_loads_safely():
    state = read_checkpoint(SHIPPED_CHECKPOINT)
    assert state["model_name"] == "gimefive" and len(state["model"]) > 10
