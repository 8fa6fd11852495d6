"""The notebooks' own layer: setting a notebook up (device, seeds, figure output) and running the series headless."""

from __future__ import annotations

import lazy_loader

# The stage's API, imported on first use: ``train`` on a bare GPU server never loads the plotting, widget or
# explanation packages that other names here need. ``python -m gimefive_lib`` and the notebooks import from here.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "runner": ["execute_notebook", "notebook_paths", "run_series"],
        "setup": ["save_figure", "setup_notebook"],
    },
)
