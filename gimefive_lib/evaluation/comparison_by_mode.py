"""Notebook 03's comparison in the lesson's mode: in class mode on the synthetic faces, the long budget measured
once and committed (six models trained live for a few minutes learn too little to rank); otherwise trained here."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from gimefive_lib.data import DatasetSplits
from gimefive_lib.data.configured import synthetic_recipe
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.evaluation.comparison import (
    MEASURED_DIR,
    comparison_report,
    comparison_table,
    measured_comparison,
    measured_comparison_path,
    per_class_table,
    train_and_evaluate,
    write_comparison,
)
from gimefive_lib.settings import Settings
from gimefive_lib.training.config import TrainConfig
from gimefive_lib.training.recipes import COMPARISON_BUDGET, comparison_budget, notebook_config

SYNTHETIC = "synthetic"
# The budget whose synthetic comparison is committed: long mode's (4 epochs on all the train faces).
MEASURED_EPOCHS = COMPARISON_BUDGET["long"][0]


@dataclass
class Comparison:
    """Every model's row of the table, per-class accuracy and test confusion matrix, the whole report, and one line
    that says where the figures come from."""

    table: pd.DataFrame
    per_class: pd.DataFrame
    confusion_matrices: dict[str, list[list[int]]]
    report: dict
    source: str


def comparison_setup(settings: Settings, data: DatasetSplits) -> tuple[TrainConfig, FaceSet, Path]:
    """The mode's protocol: the training config (the mode's epochs, no progress bars), the train faces thinned to the
    mode's share, and the folder of the runs (one per model; a finished run is loaded, not trained again)."""
    epochs, stride = comparison_budget(settings)
    config = replace(notebook_config(settings, epochs=epochs), progress=False)
    source = settings.dataset if settings.uses_real_data else SYNTHETIC
    train = data.train.subset(range(0, len(data.train), stride))
    return config, train, settings.runs_dir / f"comparison-{source}-{settings.mode}"


def measured_synthetic_comparison(settings: Settings) -> Comparison | None:
    """The long-budget comparison on the synthetic faces shipped with the package, or None when it is missing or was
    measured on other faces than these settings make (another generator, size or seed)."""
    try:
        table, per_class, report = measured_comparison(SYNTHETIC, MEASURED_EPOCHS)
    except FileNotFoundError:
        return None
    if report.get("data") != synthetic_recipe(settings):
        return None
    minutes = sum(report["train_minutes"].values())
    source = (f"measured once with GIMEFIVE_LONG=1 ({report['protocol']['epochs']} epochs on all "
              f"{report['n']['train']:,} train faces, {minutes:.0f} min of training on 2 CPU cores): "
              f"{measured_comparison_path(SYNTHETIC, MEASURED_EPOCHS).name}")
    return Comparison(table, per_class, report["confusion_matrices"], report, source)


def lesson_comparison(names: list[str], data: DatasetSplits, settings: Settings) -> Comparison:
    """Notebook 03's comparison of ``names``. Class mode on the synthetic faces shows the long-budget measurement
    shipped in the package; fast mode, long mode and real data train every model with the mode's budget (long mode
    on the synthetic faces also writes that table anew, into ``settings.figures_dir``)."""
    synthetic = not settings.uses_real_data
    if settings.mode == "class" and synthetic:
        measured = measured_synthetic_comparison(settings)
        if measured is not None and set(names) <= set(measured.table.index):
            return replace(measured, table=measured.table.loc[names], per_class=measured.per_class.loc[names],
                           confusion_matrices={name: measured.confusion_matrices[name] for name in names})
        print("note: no committed long-budget comparison for these faces; training the class budget instead")
    config, train, runs = comparison_setup(settings, data)
    results = train_and_evaluate(names, config, train, data.val, data.test, runs)
    table = comparison_table(results, data.test)
    extra = {"data": synthetic_recipe(settings)} if synthetic else {}
    report = comparison_report(results, table, (train, data.val, data.test), config, **extra)
    source = f"trained in {runs} ({sum(report['train_minutes'].values()):.1f} min of training)"
    if settings.mode == "long" and synthetic:
        written = settings.figures_dir / measured_comparison_path(SYNTHETIC, MEASURED_EPOCHS).name
        write_comparison(table, report, written)
        source += f", written to {written} (class mode shows the copy in {MEASURED_DIR})"
    return Comparison(table, per_class_table(results), report["confusion_matrices"], report, source)
