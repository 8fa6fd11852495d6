"""One call at the top of every notebook: settings, seeds, plot defaults, and where figures go."""

from __future__ import annotations

import importlib.util
import os
import shutil
from pathlib import Path

import plotly.io as pio
import seaborn as sns

from gimefive_lib.devices import select_device
from gimefive_lib.settings import Settings, get_settings
from gimefive_lib.training.trainer import seed_everything

STATIC_WIDTH, STATIC_HEIGHT = 900, 500  # the static copy of a plotly figure, in pixels


def static_images_available() -> bool:
    """Whether plotly figures can carry a static PNG: kaleido is installed and finds a Chromium or Chrome."""
    if importlib.util.find_spec("kaleido") is None:
        return False
    browsers = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
    return bool(os.environ.get("BROWSER_PATH")) or any(shutil.which(name) for name in browsers)


def setup_notebook(title: str | None = None) -> Settings:
    """Seed everything, set plotly/seaborn defaults, create the figure folder and print the run mode.

    Plotly figures are stored as their JSON (JupyterLab draws them; no embedded plotly.js bundle) plus, where
    kaleido finds a browser, a static PNG in the same output, so GitHub and nbviewer show them without a kernel.
    """
    settings = get_settings()
    seed_everything(settings.seed)
    if static_images_available():
        pio.renderers.default = "plotly_mimetype+png"
        pio.renderers["png"].width, pio.renderers["png"].height = STATIC_WIDTH, STATIC_HEIGHT
    else:
        pio.renderers.default = "plotly_mimetype"
        print("note: no kaleido + Chromium here, so plotly figures carry no static copy (GitHub will not show them)")
    sns.set_theme(style="whitegrid", context="notebook")
    settings.figures_dir.mkdir(parents=True, exist_ok=True)
    data = f"real data: {settings.dataset} under {settings.data_root}" if settings.uses_real_data else "synthetic faces"
    mode = {"fast": "fast mode (GIMEFIVE_FAST=1)", "class": "class mode (GIMEFIVE_LONG=1 for the long budgets)",
            "long": "long mode (GIMEFIVE_LONG=1)"}[settings.mode]
    print(f"{title + ': ' if title else ''}{data}, {mode}, device {select_device(settings.device)}")
    return settings


def save_figure(figure, name: str, settings: Settings | None = None) -> Path:
    """Save a matplotlib figure as ``figures/<name>.png`` and return the path."""
    settings = settings or get_settings()
    path = settings.figures_dir / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110, bbox_inches="tight")
    return path
