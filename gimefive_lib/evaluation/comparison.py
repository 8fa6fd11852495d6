"""Every model trained and evaluated under one protocol: the table and statistics of notebook 03."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.evaluation.metrics import classification_report
from gimefive_lib.evaluation.paper import PAPER_ACCURACY, paper_table
from gimefive_lib.evaluation.significance import bootstrap_accuracy_ci, mcnemar_test
from gimefive_lib.files import write_text_atomic
from gimefive_lib.models import count_flops, count_parameters
from gimefive_lib.models.prediction import predict_labels
from gimefive_lib.models.profiling import images_per_second, latency_ms
from gimefive_lib.training.config import TrainConfig
from gimefive_lib.training.recipes import load_or_train

REFERENCE = "gimefive"
# Comparisons measured once (hours of training) and shipped with the package: notebook 03 shows them.
MEASURED_DIR = Path(__file__).resolve().parent / "measured"


@dataclass
class ModelResult:
    """One trained model's predictions and reports on the three splits."""

    name: str
    model: torch.nn.Module
    history: list[dict]
    predictions: dict[str, np.ndarray]
    reports: dict[str, dict]


def train_and_evaluate(
    names: list[str], config: TrainConfig, train: FaceSet, val: FaceSet, test: FaceSet, runs_dir: Path
) -> dict[str, ModelResult]:
    """Train (or load) each model with the same config and evaluate it on train, validation and test."""
    results = {}
    for name in names:
        model, history = load_or_train(replace(config, model=name, out_dir=str(runs_dir / name)), train, val)
        predictions, reports = {}, {}
        for split, faces in (("train", train), ("val", val), ("test", test)):
            predictions[split] = predict_labels(model, faces, flip_tta=config.flip_tta)
            reports[split] = classification_report(faces.labels, predictions[split])
        results[name] = ModelResult(name, model, history, predictions, reports)
    return results


def comparison_table(results: dict[str, ModelResult], test: FaceSet, speed_repeats: int = 5) -> pd.DataFrame:
    """One row per model: accuracies, 95 % bootstrap CI on test, McNemar vs GiMeFive, size, FLOPs and CPU speed."""
    rows = []
    reference = results.get(REFERENCE)
    for name, result in results.items():
        cpu_model = result.model.to("cpu").eval()
        low, high = bootstrap_accuracy_ci(test.labels, result.predictions["test"])
        p_value = (
            mcnemar_test(test.labels, reference.predictions["test"], result.predictions["test"])["p_value"]
            if reference is not None and name != REFERENCE
            else np.nan
        )
        rows.append(
            {
                "model": name,
                "train_acc": result.reports["train"]["accuracy"],
                "val_acc": result.reports["val"]["accuracy"],
                "test_acc": result.reports["test"]["accuracy"],
                "test_ci_low": low,
                "test_ci_high": high,
                "test_macro_f1": result.reports["test"]["macro_f1"],
                "mcnemar_p_vs_gimefive": p_value,
                "parameters": count_parameters(cpu_model),
                "gflops": count_flops(cpu_model) / 1e9,
                "cpu_latency_ms_b1": latency_ms(cpu_model, repeats=speed_repeats * 4),
                "cpu_images_per_s_b64": images_per_second(cpu_model, batch_size=64, repeats=speed_repeats),
            }
        )
    return pd.DataFrame(rows).set_index("model")


def per_class_table(results: dict[str, ModelResult], split: str = "test") -> pd.DataFrame:
    """Per-class accuracy on ``split``: one row per model, one column per emotion."""
    return pd.DataFrame({name: r.reports[split]["per_class_accuracy"] for name, r in results.items()}).T


def plain_values(frame: pd.DataFrame, orient: str) -> list | dict:
    """The frame as JSON-ready Python values at full precision, NaN as None (``DataFrame.to_json`` keeps 10
    decimals, which turned McNemar p-values such as 1.4e-15 into 0)."""
    return frame.astype(object).where(frame.notna(), None).to_dict(orient=orient)


def comparison_report(
    results: dict[str, ModelResult], table: pd.DataFrame, splits: tuple[FaceSet, FaceSet, FaceSet],
    config: TrainConfig, **extra,
) -> dict:
    """The whole comparison as JSON-ready values: test split, split sizes, protocol, table, per-class accuracy,
    confusion matrices and each model's training time in minutes (the sum of its epochs); ``extra`` adds fields
    (what the faces were made of)."""
    train, val, test = splits
    protocol = {key: value for key, value in config.to_dict().items() if key not in ("model", "out_dir", "progress")}
    return {
        "test_split": test.name,
        "n": {"train": len(train), "val": len(val), "test": len(test)},
        "protocol": protocol,
        "table": plain_values(table.reset_index(), "records"),
        "per_class_accuracy": plain_values(per_class_table(results), "index"),
        "confusion_matrices": {name: r.reports["test"]["confusion_matrix"] for name, r in results.items()},
        "train_minutes": {name: round(sum(row["seconds"] for row in r.history) / 60, 1) for name, r in results.items()},
        **extra,
    }


def write_comparison(table: pd.DataFrame, report: dict, csv: Path) -> None:
    """The table to ``csv`` and the report beside it (``.json``), each written atomically."""
    write_text_atomic(csv, table.to_csv())
    write_text_atomic(csv.with_suffix(".json"), json.dumps(report, indent=1))


def paper_test_accuracy(dataset: str) -> pd.Series:
    """The paper's test accuracy of each model on ``dataset``, as a fraction (``paper_test``)."""
    return paper_table(dataset)["paper_test"] / 100


def measured_comparison_path(dataset: str, epochs: int | None = None) -> Path:
    """Where a comparison measured once is kept, inside the package (so that a wheel, on Colab too, carries it):
    ``measured/03_baseline_comparison_<dataset>.csv``, or ``..._<dataset>_<epochs>epochs.csv`` for a further
    training budget."""
    budget = f"_{epochs}epochs" if epochs else ""
    return MEASURED_DIR / f"03_baseline_comparison_{dataset}{budget}.csv"


def measured_comparison(dataset: str = "rafdb", epochs: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """A comparison measured once and committed with the project (on a real dataset, or ``synthetic``): the table
    (beside the paper's test accuracies where the paper has them), the per-class accuracies (models x emotions) and
    the whole report. ``epochs`` picks a further training budget's table."""
    path = measured_comparison_path(dataset, epochs)
    if not path.exists():
        budget = f" --epochs {epochs}" if epochs else ""
        command = f"python -m gimefive_lib compare --dataset {dataset} --root DATA{budget} --table {path}"
        raise FileNotFoundError(f"{path}: not measured; {command} (with --holdout 0.2 where DATA has no test split)")
    table = pd.read_csv(path, index_col="model")
    if dataset in PAPER_ACCURACY:
        table = table.join(paper_test_accuracy(dataset))
    report = json.loads(path.with_suffix(".json").read_text())
    return table, pd.DataFrame(report["per_class_accuracy"]).T, report


def accuracy_by_budget(
    dataset: str = "rafdb", budgets: tuple[int | None, ...] = (None, 24, 120)
) -> pd.DataFrame:
    """Held-out test accuracy of the measured models after each training budget (one column per number of epochs),
    beside the paper's test accuracy. The tables must share their test faces, or ValueError."""
    columns, test_splits = [], set()
    for epochs in budgets:
        table, _, report = measured_comparison(dataset, epochs)
        test_splits.add((report["test_split"], report["n"]["test"], report["protocol"].get("seed")))  # seed: holdout
        columns.append(table["test_acc"].rename(f"test_acc, {report['protocol']['epochs']} epochs"))
    if len(test_splits) > 1:
        raise ValueError(f"the {dataset} comparisons were tested on different faces: {sorted(test_splits)}")
    return pd.concat(columns, axis=1, sort=False).join(paper_test_accuracy(dataset))
