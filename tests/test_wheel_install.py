"""Outside the repository: the suite installs from a built wheel (weights and widget JavaScript included) into a
fresh virtual environment and runs notebook 01 there.

The fresh environment gets the suite only from the wheel; its third-party dependencies are borrowed from the test's
own environment (a ``.pth`` line to its site-packages, which does not carry the checkout's editable install), so
the test needs no network and checks what the wheel holds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import nbformat
import pytest

from gimefive_lib.notebook.runner import notebook_paths
from gimefive_lib.settings import PROJECT_DIR

pytestmark = pytest.mark.slow


def _run(command: list[str], cwd: Path, env: dict | None = None, timeout: int = 600) -> str:
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv with the suite installed from a wheel built from this checkout; returns its python."""
    root = tmp_path_factory.mktemp("wheel")
    _run([sys.executable, "-m", "pip", "wheel", str(PROJECT_DIR), "--no-deps", "--no-build-isolation", "-q",
          "-w", str(root / "dist")], cwd=root)
    wheel = next((root / "dist").glob("gimefive_lib-*.whl"))
    venv.EnvBuilder(with_pip=True).create(root / "venv")
    python = root / "venv" / "bin" / "python"
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site = Path(_run([str(python), "-c", purelib], cwd=root).strip())
    (site / "borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], cwd=root)
    _run([str(python), "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"], cwd=root)
    return python


def test_the_wheel_carries_the_weights_the_widget_javascript_and_the_measured_tables(installed, tmp_path):
    code = ("import gimefive_lib, pathlib; from gimefive_lib.settings import SHIPPED_CHECKPOINT, PROJECT_DIR; "
            "package = pathlib.Path(gimefive_lib.__file__).parent; "
            "print(package); print(SHIPPED_CHECKPOINT.stat().st_size); "
            "print((package / 'video' / 'webcam.js').is_file()); print(PROJECT_DIR); "
            "print(len(list((package / 'evaluation' / 'measured').glob('03_baseline_comparison_*.json'))))")
    package, weights, script, project, tables = _run([str(installed), "-c", code], cwd=tmp_path).split()
    assert Path(package).is_relative_to(installed.parent.parent) and "site-packages" in package
    assert int(weights) > 10_000_000 and script == "True"
    assert int(tables) == 4  # notebook 03's measured comparisons (RAF-DB after 8, 24 and 120 epochs; synthetic)
    assert Path(project) == tmp_path  # an installed suite writes runs and figures under the working folder
    assert "usage: python -m gimefive_lib" in _run([str(installed), "-m", "gimefive_lib", "--help"], cwd=tmp_path)


def test_notebook_01_runs_from_the_wheel(installed, tmp_path):
    shutil.copy(notebook_paths()[0], tmp_path / "lesson.ipynb")
    env = {**os.environ, "GIMEFIVE_FAST": "1", "JUPYTER_PLATFORM_DIRS": "1", "JUPYTER_DATA_DIR": str(tmp_path / "jd")}
    code = ("from pathlib import Path; from gimefive_lib.notebook.runner import execute_notebook; "
            "execute_notebook(Path('lesson.ipynb'), Path('executed.ipynb'), timeout=600)")
    _run([str(installed), "-c", code], cwd=tmp_path, env=env)
    executed = nbformat.read(tmp_path / "executed.ipynb", as_version=4)
    outputs = [out for cell in executed.cells if cell.cell_type == "code" for out in cell.outputs]
    assert outputs and not [out for out in outputs if out.output_type == "error"]
    assert list((tmp_path / "figures").glob("01_*.png"))  # figures went to the working folder, not site-packages
