"""One settings object, read from ``GIMEFIVE_*`` environment variables with documented defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _project_dir() -> Path:
    """The source checkout that holds the package; an installed package (a wheel, Colab) uses the working folder,
    so that runs and figures never land in site-packages."""
    checkout = PACKAGE_DIR.parent
    return checkout if (checkout / "pyproject.toml").is_file() and (checkout / "notebooks").is_dir() else Path.cwd()


PROJECT_DIR = _project_dir()
SHIPPED_CHECKPOINT = PACKAGE_DIR / "weights" / "gimefive_rafdb.pt"
# GiMeFive trained on the synthetic default with the long budget: the model of lessons 04, 05 and 07 in class mode.
SHIPPED_SYNTHETIC = PACKAGE_DIR / "weights" / "gimefive_synthetic.pt"


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    """Where data lives and how the suite runs.

    | variable | meaning | default |
    | --- | --- | --- |
    | ``GIMEFIVE_DATA`` | root of real datasets (``RAF-DB/``, ``fer2013/`` ...); unset = synthetic faces | unset |
    | ``GIMEFIVE_DATASET`` | which dataset the notebooks use when ``GIMEFIVE_DATA`` is set | ``rafdb`` |
    | ``GIMEFIVE_FAST`` | ``1`` = small sizes and few epochs (CI, nbval) | ``0`` |
    | ``GIMEFIVE_LONG`` | ``1`` = the long budgets: train every model yourself (about 50 min on 2 CPU cores) | ``0`` |
    | ``GIMEFIVE_CACHE`` | folder for decoded-image caches and landmark caches | ``~/.cache/gimefive`` |
    | ``GIMEFIVE_RUNS`` | folder for checkpoints and histories the notebooks write | ``<project>/build/runs`` |
    | ``GIMEFIVE_FIGURES`` | folder the notebooks save figures into | ``<project>/figures`` |
    | ``GIMEFIVE_DEVICE`` | ``auto`` (cuda > mps > cpu), ``cpu``, ``cuda``, ``cuda:1``, ``mps`` | ``auto`` |
    | ``GIMEFIVE_SEED`` | seed for data generation, splits and training | ``0`` |
    | ``GIMEFIVE_CHECKPOINT`` | GiMeFive checkpoint for real faces | the shipped RAF-DB checkpoint |

    Relative paths are taken relative to the project folder, so that notebook kernels (which run in
    ``notebooks/``), the CLI and the Makefile all mean the same folder. The project folder is the source checkout;
    for a suite installed from a wheel it is the working folder when the suite is imported.
    """

    data_root: Path | None = None
    dataset: str = "rafdb"
    fast: bool = False
    long: bool = False
    cache_dir: Path = field(default_factory=lambda: Path.home() / ".cache" / "gimefive")
    runs_dir: Path = PROJECT_DIR / "build" / "runs"
    figures_dir: Path = PROJECT_DIR / "figures"
    device: str = "auto"
    seed: int = 0
    checkpoint: Path = SHIPPED_CHECKPOINT

    @property
    def mode(self) -> str:
        """``fast`` (CI: small sizes), ``long`` (today's full budgets, every model trained here) or ``class`` (the
        default: each lesson fits a class period, using the shipped models where a lesson would train for long)."""
        return "fast" if self.fast else "long" if self.long else "class"

    @property
    def uses_real_data(self) -> bool:
        """True when a real dataset root was configured."""
        return self.data_root is not None


def project_path(value: str | Path) -> Path:
    """``value`` with ``~`` expanded; a relative path is taken relative to the project folder."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_DIR / path


def get_settings(environ: dict[str, str] | None = None) -> Settings:
    """Build the settings from the environment (``os.environ`` unless given).

    A variable set to the empty string counts as unset (``GIMEFIVE_CACHE=`` does not make the project folder the
    cache); a seed that is not an integer raises ValueError naming the variable.
    """
    env = {key: value for key, value in (os.environ if environ is None else environ).items() if value != ""}
    defaults = Settings()
    data = env.get("GIMEFIVE_DATA")
    return Settings(
        data_root=project_path(data) if data else None,
        dataset=env.get("GIMEFIVE_DATASET", defaults.dataset).lower(),
        fast=_flag(env.get("GIMEFIVE_FAST")),
        long=_flag(env.get("GIMEFIVE_LONG")),
        cache_dir=project_path(env.get("GIMEFIVE_CACHE", defaults.cache_dir)),
        runs_dir=project_path(env.get("GIMEFIVE_RUNS", defaults.runs_dir)),
        figures_dir=project_path(env.get("GIMEFIVE_FIGURES", defaults.figures_dir)),
        device=env.get("GIMEFIVE_DEVICE", defaults.device),
        seed=_seed(env.get("GIMEFIVE_SEED"), defaults.seed),
        checkpoint=project_path(env.get("GIMEFIVE_CHECKPOINT", defaults.checkpoint)),
    )


def _seed(value: str | None, default: int) -> int:
    """``GIMEFIVE_SEED`` as an integer, ``default`` when unset."""
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"GIMEFIVE_SEED={value!r}: expected an integer seed, e.g. GIMEFIVE_SEED=0") from None
