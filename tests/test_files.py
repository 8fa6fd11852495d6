"""Files written whole or not at all: the one temp-file-and-rename writer every output of the suite goes through."""

from __future__ import annotations

import os

import pytest

from gimefive_lib.files import atomic_write, link_atomic, write_text_atomic


def test_a_finished_write_replaces_the_file_and_leaves_no_temp_file(tmp_path):
    path = tmp_path / "deep" / "table.csv"
    assert write_text_atomic(path, "old\n") == path
    with atomic_write(path, newline="") as f:
        f.write("a,b\r\n")
    assert path.read_bytes() == b"a,b\r\n"  # newline="" keeps what the CSV writer wrote
    with atomic_write(tmp_path / "state.bin", "wb", sync=True) as f:
        f.write(b"\x00\x01")
    assert (tmp_path / "state.bin").read_bytes() == b"\x00\x01"
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["deep", "state.bin", "table.csv"]


def test_a_failed_write_keeps_the_old_file_and_removes_its_temp_file(tmp_path):
    path = write_text_atomic(tmp_path / "report.json", '{"kept": true}')
    with pytest.raises(RuntimeError, match="killed"), atomic_write(path) as f:
        f.write('{"half": ')
        raise RuntimeError("killed half-way")
    assert path.read_text() == '{"kept": true}'
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_the_file_gets_the_usual_permissions_not_a_private_temp_files(tmp_path):
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    written = write_text_atomic(tmp_path / "atomic.txt", "x")
    assert os.stat(written).st_mode == os.stat(plain).st_mode


def test_only_write_modes_are_accepted(tmp_path):
    with pytest.raises(ValueError, match="mode must be"), atomic_write(tmp_path / "x", "a"):
        pass
    assert not list(tmp_path.iterdir())


def test_link_atomic_points_the_path_at_the_source_bytes(tmp_path):
    source = write_text_atomic(tmp_path / "best.pt", "weights")
    target = write_text_atomic(tmp_path / "last.pt", "older weights")
    link_atomic(source, target)
    assert target.read_text() == "weights"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.pt", "last.pt"]
