"""Stage 4, evaluation: metrics, bootstrap intervals and McNemar tests, the model comparison, the paper's numbers
and the evaluation figures."""

from __future__ import annotations

import lazy_loader

# The stage's API, imported on first use: ``train`` on a bare GPU server never loads the plotting, widget or
# explanation packages that other names here need. ``python -m gimefive_lib`` and the notebooks import from here.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "error_pattern": ["error_correlation", "rafdb_validation_report", "top_confusions", "top_confusions_table"],
        "comparison": [
            "accuracy_by_budget", "comparison_table", "measured_comparison", "per_class_table", "train_and_evaluate",
        ],
        "comparison_by_mode": ["Comparison", "comparison_setup", "lesson_comparison"],
        "figures": ["accuracy_ci_figure", "confusion_matrices_figure", "confusion_matrix_axes", "per_class_heatmap"],
        "metrics": ["classification_report", "evaluate_model"],
        "paper": ["paper_table"],
        "realism": ["realism_report"],
        "significance": ["bootstrap_accuracy_ci", "mcnemar_test"],
    },
)
