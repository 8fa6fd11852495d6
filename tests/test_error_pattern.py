"""Error pattern: a model's off-diagonal confusion against the shipped model's on RAF-DB validation faces."""

from __future__ import annotations

import numpy as np
import pytest

from gimefive_lib.evaluation.error_pattern import (
    error_correlation,
    error_rates,
    rafdb_validation_report,
    top_confusions,
    top_confusions_table,
)


def test_the_shipped_reference_is_a_full_validation_report() -> None:
    report = rafdb_validation_report()
    confusion = np.array(report["confusion_matrix"])
    assert confusion.shape == (6, 6) and confusion.sum() == report["n"] == 975
    assert np.trace(confusion) / confusion.sum() == pytest.approx(report["accuracy"])
    # the pairs real faces confuse lead: disgust and fear are each other's classes' main errors
    assert {pair[:2] for pair in top_confusions(confusion, 3)} <= {
        ("disgust", "anger"), ("fear", "surprise"), ("disgust", "sadness"),
    }


def test_correlation_is_one_with_itself_and_low_for_other_errors() -> None:
    reference = np.array(rafdb_validation_report()["confusion_matrix"])
    assert error_correlation(reference) == pytest.approx(1.0)
    assert error_correlation(reference * 3) == pytest.approx(1.0)  # rates, not counts
    other = np.diag([100] * 6)
    other[0, 5] = other[5, 0] = 30  # happiness and fear swapped: errors real faces rarely make
    assert error_correlation(other) < 0.2


def test_rates_are_per_true_class_and_bad_shapes_are_refused() -> None:
    rates = error_rates([[8, 2, 0, 0, 0, 0]] + [[0] * 6] * 5)
    assert rates[0, 1] == pytest.approx(0.2) and rates[0, 0] == 0 and rates[1:].sum() == 0
    assert np.isnan(error_correlation(np.eye(6)))  # no errors: no pattern
    with pytest.raises(ValueError, match="6x6"):
        error_rates(np.eye(5))


def test_the_table_names_each_models_largest_errors_in_order() -> None:
    reference = rafdb_validation_report()["confusion_matrix"]
    table = top_confusions_table({"RAF-DB": reference, "again": reference}, k=3)
    assert list(table.columns) == ["RAF-DB", "again"] and list(table.index) == [1, 2, 3]
    assert table.loc[1, "RAF-DB"] == "disgust → anger  18%"  # 13 of the 72 disgust faces
