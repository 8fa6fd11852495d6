"""One call at the top of every notebook: settings, seeds, plot defaults, and where figures go."""

from __future__ import annotations

from pathlib import Path

from gimefive_lib.devices import select_device
from gimefive_lib.settings import Settings, get_settings
from gimefive_lib.training.trainer import seed_everything


def setup_notebook(title: str | None = None) -> Settings:
    """Seed everything, set plotly/seaborn defaults, create the figure folder and print the run mode."""
    import plotly.io as pio
    import seaborn as sns

    settings = get_settings()
    seed_everything(settings.seed)
    # The mimetype renderer stores only the figure JSON (no embedded plotly.js bundle): JupyterLab draws it.
    pio.renderers.default = "plotly_mimetype"
    sns.set_theme(style="whitegrid", context="notebook")
    settings.figures_dir.mkdir(parents=True, exist_ok=True)
    data = f"real data: {settings.dataset} under {settings.data_root}" if settings.uses_real_data else "synthetic faces"
    mode = "fast mode (GIMEFIVE_FAST=1)" if settings.fast else "full mode"
    print(f"{title + ': ' if title else ''}{data}, {mode}, device {select_device(settings.device)}")
    return settings


def save_figure(figure, name: str, settings: Settings | None = None) -> Path:
    """Save a matplotlib figure as ``figures/<name>.png`` and return the path."""
    settings = settings or get_settings()
    path = settings.figures_dir / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=110, bbox_inches="tight")
    return path
