"""Do a model's errors fall where real faces' errors fall? Its off-diagonal confusion against the shipped RAF-DB
model's on its validation faces (``weights/gimefive_rafdb_val_report.json``)."""

from __future__ import annotations

import json
from functools import cache

import numpy as np
import pandas as pd

from gimefive_lib.labels import EMOTIONS
from gimefive_lib.settings import PACKAGE_DIR

RAFDB_VALIDATION_REPORT = PACKAGE_DIR / "weights" / "gimefive_rafdb_val_report.json"


@cache
def rafdb_validation_report() -> dict:
    """The shipped RAF-DB model's report on the 975 RAF-DB faces its training held out (accuracy, per-class
    accuracy, confusion matrix; rows true, columns predicted)."""
    return json.loads(RAFDB_VALIDATION_REPORT.read_text())


def error_rates(confusion) -> np.ndarray:
    """Each row divided by its total, the diagonal zeroed: the share of a true class that goes to each wrong one."""
    matrix = np.asarray(confusion, dtype=np.float64)
    if matrix.shape != (len(EMOTIONS), len(EMOTIONS)):
        raise ValueError(f"expected a {len(EMOTIONS)}x{len(EMOTIONS)} confusion matrix, got shape {matrix.shape}")
    rates = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    np.fill_diagonal(rates, 0.0)
    return rates


def error_correlation(confusion, reference=None) -> float:
    """Pearson correlation of the 30 off-diagonal error rates of ``confusion`` with those of ``reference`` (default:
    the shipped model on RAF-DB validation faces). 1: the same pairs confused in the same proportions; about 0:
    unrelated errors. NaN when either has no errors."""
    reference = rafdb_validation_report()["confusion_matrix"] if reference is None else reference
    off = ~np.eye(len(EMOTIONS), dtype=bool)
    a, b = error_rates(confusion)[off], error_rates(reference)[off]
    if a.std() == 0 or b.std() == 0:
        return float("nan")
    return float(np.corrcoef(a, b)[0, 1])


def top_confusions(confusion, k: int = 5) -> list[tuple[str, str, float]]:
    """The ``k`` largest error rates as (true, predicted, share of the true class), largest first."""
    rates = error_rates(confusion)
    rows, columns = np.unravel_index(np.argsort(rates, axis=None)[::-1][:k], rates.shape)
    return [(EMOTIONS[i], EMOTIONS[j], float(rates[i, j])) for i, j in zip(rows, columns, strict=True)]


def top_confusions_table(confusions: dict[str, object], k: int = 4) -> pd.DataFrame:
    """One column per named confusion matrix: its ``k`` largest errors as "true → predicted  share", largest first."""
    return pd.DataFrame(
        {name: [f"{true} → {predicted}  {share:.0%}" for true, predicted, share in top_confusions(confusion, k)]
         for name, confusion in confusions.items()},
        index=pd.RangeIndex(1, k + 1, name="rank"),
    )
