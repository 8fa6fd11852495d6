"""The layout reads as the pipeline: layers enforced, no hidden cycles, small modules, small notebook imports."""

from __future__ import annotations

import ast
import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gimefive_lib"
STAGES = ("data", "models", "training", "evaluation", "explain", "video", "landmarks", "notebook", "cli")
MAX_MODULE_LINES = 400


def _lint_imports(cwd: Path, pythonpath: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(pythonpath)}
    command = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command as c; c()"]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


def test_the_layer_contract_holds():
    result = _lint_imports(ROOT, ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


def test_a_wrong_way_import_breaks_the_contract(tmp_path):
    shutil.copytree(PACKAGE, tmp_path / "gimefive_lib", ignore=shutil.ignore_patterns("weights", "__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    faceset = tmp_path / "gimefive_lib" / "data" / "faceset.py"
    faceset.write_text(faceset.read_text() + "\nimport gimefive_lib.explain.cams  # the data stage reaching up\n")
    result = _lint_imports(tmp_path, tmp_path)
    assert result.returncode == 1, result.stdout
    assert "BROKEN" in result.stdout
    assert "gimefive_lib.data.faceset -> gimefive_lib.explain.cams" in result.stdout


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_no_module_over_the_line_limit():
    lines = {str(p.relative_to(ROOT)): len(p.read_text().splitlines()) for p in _modules()}
    long = {name: n for name, n in lines.items() if n > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_no_import_of_the_suite_inside_a_function():
    """A function-level import of gimefive_lib would hide a cycle from the layer contract."""
    hidden = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom) and (inner.module or "").startswith("gimefive_lib"):
                        hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
                    if isinstance(inner, ast.Import) and any(a.name.startswith("gimefive_lib") for a in inner.names):
                        hidden.append(f"{path.relative_to(ROOT)}:{inner.lineno}")
    assert not hidden


def test_only_the_stages_and_the_shared_vocabulary_sit_at_the_top():
    top = {p.stem for p in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert top == {"labels", "settings", "devices", "files"}
    assert packages == set(STAGES)


def test_no_module_shadows_the_standard_library():
    shadowing = {str(p.relative_to(ROOT)) for p in _modules() if p.stem in sys.stdlib_module_names}
    assert not shadowing


@pytest.mark.parametrize("stage", STAGES[:-1])
def test_every_name_of_a_stage_api_resolves(stage):
    module = importlib.import_module(f"gimefive_lib.{stage}")
    missing = [name for name in module.__all__ if getattr(module, name, None) is None]
    assert not missing and len(module.__all__) >= 3


def _notebook_import_paths(notebook: Path) -> set[str]:
    paths = set()
    for cell in json.loads(notebook.read_text())["cells"]:
        if cell["cell_type"] == "code":
            for node in ast.walk(ast.parse("".join(cell["source"]))):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("gimefive_lib"):
                    paths.add(node.module)
                if isinstance(node, ast.Import):
                    paths |= {a.name for a in node.names if a.name.startswith("gimefive_lib")}
    return paths


def test_notebooks_import_from_few_paths():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    per_notebook = {nb.name: _notebook_import_paths(nb) for nb in notebooks}
    assert len(notebooks) == 7
    assert all(len(paths) <= 4 for paths in per_notebook.values()), per_notebook
    assert len(set().union(*per_notebook.values())) <= 10
