"""Project-level promises: conda and pip list the same packages; the CLI lists every command; notebooks are clean."""

from __future__ import annotations

import importlib.metadata
import json
import re
from pathlib import Path

import tomllib
import yaml

from gimefive_lib.cli import COMMANDS, build_parser

ROOT = Path(__file__).resolve().parents[1]


def requirement_names(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~\[ ]", r.strip(), maxsplit=1)[0].lower() for r in requirements}


def test_environment_yml_lists_the_same_requirements_as_pyproject():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    pip_side = set(project["dependencies"])
    for extra in ("notebooks", "test"):
        pip_side |= set(project["optional-dependencies"][extra])
    conda = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip_list = next(item["pip"] for item in conda["dependencies"] if isinstance(item, dict))
    conda_side = {r for r in pip_list if not r.startswith("-e")}
    assert requirement_names(conda_side) == requirement_names(pip_side)
    assert conda_side == pip_side, "same packages, different version bounds"


def test_ipykernel_stays_below_7():
    """ipykernel 7 lost a cell's execute_reply in headless runs (notebook 05 hung at its widget cell)."""
    notebooks = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["notebooks"]
    assert any(r.startswith("ipykernel") and "<7" in r for r in notebooks)
    assert int(importlib.metadata.version("ipykernel").split(".")[0]) < 7, "reinstall: make install"


def test_every_command_is_registered():
    actions = [a for a in build_parser()._actions if a.dest == "command"]
    assert set(actions[0].choices) == set(COMMANDS)


def test_committed_notebooks_carry_no_widget_state_or_plotly_bundle():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        assert "widgets" not in notebook.get("metadata", {}), f"{path.name} stores widget state"
        assert path.stat().st_size < 3_000_000, f"{path.name} is {path.stat().st_size} bytes"
        assert "plotly.js v" not in path.read_text()[:3_000_000], f"{path.name} embeds the plotly.js bundle"


def test_committed_notebooks_read_without_a_kernel():
    """GitHub and nbviewer draw no plotly JSON and run no widget: each figure needs a static copy, and stderr noise
    from native libraries must not be what a reader sees."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        outputs = [out for cell in json.loads(path.read_text())["cells"] for out in cell.get("outputs", [])]
        for out in outputs:
            data = out.get("data", {})
            if "application/vnd.plotly.v1+json" in data:
                assert "image/png" in data, f"{path.name}: a plotly figure without its static PNG"
            assert out.get("name") != "stderr", f"{path.name}: stderr output {''.join(out['text'])[:80]!r}"


def test_every_notebook_installs_itself_on_colab_and_presents_as_slides():
    from gimefive_lib.notebook.colab import INSTALL_CELL, INSTALL_CELL_ID

    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        notebook = json.loads(path.read_text())
        install = notebook["cells"][1]
        assert install.get("id") == INSTALL_CELL_ID and "".join(install["source"]) == INSTALL_CELL, path.name
        types = [cell["metadata"].get("slideshow", {}).get("slide_type") for cell in notebook["cells"]]
        assert types[0] == "slide" and None not in types and types.count("slide") >= 4, path.name
        assert notebook["metadata"]["rise"]["scroll"] is True


def test_citation_and_licence_agree_with_pyproject_and_cite_both_papers():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["version"] == project["version"]
    assert citation["license"] == project["license"] == "MIT"
    assert project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    cited = {identifier["value"] for reference in citation["references"] for identifier in reference["identifiers"]}
    assert cited == {"arXiv:2402.15662", "arXiv:2407.14865"}


def test_every_notebook_is_a_lesson_with_goals_time_and_exercises():
    """Instructors plan a class from the first cell (goals, run time, prerequisites); students end on exercises."""
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        first = "".join(cells[0]["source"])
        sections = [line for cell in cells if cell["cell_type"] == "markdown"
                    for line in "".join(cell["source"]).splitlines() if line.startswith("## ")]
        assert cells[0]["cell_type"] == "markdown" and first.startswith("# "), f"{path.name} opens without a title"
        assert "goals" in first.lower() or "you will" in first.lower(), f"{path.name} states no learning goals"
        assert "**Time:**" in first and "**Needs:**" in first, f"{path.name}: no run time or prerequisites"
        assert sections[-1] == "## Exercises", f"{path.name} does not end with exercises"
