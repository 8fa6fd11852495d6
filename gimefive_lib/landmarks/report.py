"""The JSON report of a landmark study: data, rankings, pruning per emotion, chosen k and its gain, six-way scores."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from gimefive_lib.data.regions import IBUG68, importance_by_region
from gimefive_lib.files import write_text_atomic
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.landmarks.aucheck import check_ranking
from gimefive_lib.landmarks.classifiers import INFERENCE_BATCH, INFERENCE_REPEATS
from gimefive_lib.landmarks.pruning import PruningResult
from gimefive_lib.landmarks.study import LandmarkStudy, six_way_inference_seconds

TIMING_NOTE = (f"inference: one CPU thread, median over {INFERENCE_REPEATS} rounds of one forward pass of a "
               f"{INFERENCE_BATCH}-sample batch of landmark features (extraction and normalisation not included), "
               f"divided by {INFERENCE_BATCH}")


def _gain(result: PruningResult, study: LandmarkStudy) -> dict:
    """Chosen k against all landmarks: validation (where k was chosen) and test (never used for choosing)."""
    full, chosen = result.full, result.chosen
    test = study.points["test"], study.labels["test"]
    full_test, chosen_test = full.model.evaluate(*test), chosen.model.evaluate(*test)
    return {
        "val_accuracy": chosen.val["accuracy"] - full.val["accuracy"],
        "val_balanced_accuracy": chosen.val["balanced_accuracy"] - full.val["balanced_accuracy"],
        "test_accuracy": chosen_test["accuracy"] - full_test["accuracy"],
        "test_balanced_accuracy": chosen_test["balanced_accuracy"] - full_test["balanced_accuracy"],
        "inference_speedup": full.inference_seconds / chosen.inference_seconds,
        "parameters_ratio": chosen.model.n_parameters / full.model.n_parameters,
        "test_all_landmarks": full_test,
        "test_chosen_k": chosen_test,
    }


def emotion_report(result: PruningResult, study: LandmarkStudy, synthetic: bool) -> dict:
    """Everything about one emotion: ranking, region shares, pruning curve, chosen k, gain, the AU check."""
    ranking = result.full.ranking
    n_points = study.splits.train.n_landmarks
    out = {
        "ranking": [int(i) for i in ranking.order],
        "importance": {int(i): float(v) for i, v in zip(ranking.landmarks, ranking.importance, strict=True)},
        "ig_relative_delta": ranking.relative_delta,
        "region_shares": importance_by_region(ranking.full(n_points), study.regions),
        "pruning": [step.summary() for step in result.steps],
        "chosen_k": result.chosen.k,
        "chosen_landmarks": [int(i) for i in result.chosen.model.landmarks],
        "gain": _gain(result, study),
        "pruned_no_worse_and_faster": result.no_worse(),
    }
    if synthetic and study.splits.layout == IBUG68:
        out["au_check"] = check_ranking(ranking)
    return out


def study_report(study: LandmarkStudy, dataset: str) -> dict:
    """The JSON-ready report of a study on ``dataset`` (``synthetic`` adds the action-unit check)."""
    synthetic = dataset == "synthetic"
    emotions = {EMOTIONS[r.emotion]: emotion_report(r, study, synthetic) for r in study.pruning}
    six_way = {part: study.six_way_scores(part) for part in ("val", "test")}
    config = study.config
    return {
        "dataset": dataset,
        "layout": study.splits.layout,
        "model": config.model,
        "baseline": config.baseline,
        "schedule": list(study.schedule),
        "progressive_rerank": config.rerank,
        "ig_steps": config.n_steps,
        "scale": config.scale,
        "seed": config.seed,
        "data": study.splits.report(),
        "emotions": emotions,
        "summary": {
            "chosen_k": {name: e["chosen_k"] for name, e in emotions.items()},
            "every_emotion_has_a_pruned_k_no_worse_and_faster": all(e["pruned_no_worse_and_faster"]
                                                                   for e in emotions.values()),
            "mean_val_accuracy_gain": float(np.mean([e["gain"]["val_accuracy"] for e in emotions.values()])),
            "mean_test_accuracy_gain": float(np.mean([e["gain"]["test_accuracy"] for e in emotions.values()])),
            **({"mean_share_top5_in_au_regions": float(np.mean([e["au_check"]["share_in_au_regions"]
                                                                for e in emotions.values()]))}
               if all("au_check" in e for e in emotions.values()) else {}),
        },
        "six_way": six_way,
        "six_way_inference_us_per_sample": {k: v * 1e6 for k, v in six_way_inference_seconds(study).items()},
        "six_way_parameters": study.six_way.n_parameters,
        "timing_note": TIMING_NOTE,
        "seconds": study.seconds,
    }


def write_report(report: dict, path: str | Path) -> Path:
    """Write the report as indented JSON (atomically) and return the path."""
    return write_text_atomic(path, json.dumps(report, indent=2))


def chosen_k_table(report: dict) -> pd.DataFrame:
    """Per emotion: chosen k, validation scores and inference time with all landmarks and at k, test gain."""
    rows = {}
    for name, emotion in report["emotions"].items():
        full = emotion["pruning"][0]
        best = next(step for step in emotion["pruning"] if step["k"] == emotion["chosen_k"])
        rows[name] = {
            "chosen k": emotion["chosen_k"],
            "val acc (all)": full["val_accuracy"], "val acc (k)": best["val_accuracy"],
            "val bal. acc (all)": full["val_balanced_accuracy"], "val bal. acc (k)": best["val_balanced_accuracy"],
            "µs/sample (all)": full["inference_us_per_sample"], "µs/sample (k)": best["inference_us_per_sample"],
            "test acc gain": emotion["gain"]["test_accuracy"],
            "pruned k no worse & faster": emotion["pruned_no_worse_and_faster"],
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def region_share_table(study: LandmarkStudy) -> pd.DataFrame:
    """Share of each emotion's global landmark importance per face region (rows: emotions)."""
    n_points = study.splits.train.n_landmarks
    return pd.DataFrame({EMOTIONS[r.emotion]: importance_by_region(r.full(n_points), study.regions)
                         for r in study.rankings}).T


def model_comparison_table(reports: dict[str, dict]) -> pd.DataFrame:
    """One row per report (e.g. per classifier kind): mean validation and test accuracy, chosen k, speed-up."""
    rows = {}
    for name, report in reports.items():
        emotions = report["emotions"].values()
        full = [e["pruning"][0] for e in emotions]
        chosen = [next(s for s in e["pruning"] if s["k"] == e["chosen_k"]) for e in emotions]
        rows[name] = {
            "val acc, all landmarks": np.mean([s["val_accuracy"] for s in full]),
            "val acc, chosen k": np.mean([s["val_accuracy"] for s in chosen]),
            "test acc gain": report["summary"]["mean_test_accuracy_gain"],
            "median chosen k": float(np.median([e["chosen_k"] for e in emotions])),
            "inference speed-up": np.mean([e["gain"]["inference_speedup"] for e in emotions]),
            "emotions with a pruned k no worse & faster": sum(bool(e["pruned_no_worse_and_faster"]) for e in emotions),
            "train seconds, all k": sum(s["train_seconds"] for e in emotions for s in e["pruning"]),
            **({"top-5 in AU regions": report["summary"]["mean_share_top5_in_au_regions"]}
               if "mean_share_top5_in_au_regions" in report["summary"] else {}),
        }
    return pd.DataFrame.from_dict(rows, orient="index")


def pruning_gains(study: LandmarkStudy) -> pd.DataFrame:
    """Per emotion: the chosen k and the validation balanced accuracy with all landmarks and at k (gain = k - all)."""
    rows = {EMOTIONS[r.emotion]: {"chosen k": r.chosen.k, "all": r.full.val["balanced_accuracy"],
                                  "at k": r.chosen.val["balanced_accuracy"]} for r in study.pruning}
    table = pd.DataFrame.from_dict(rows, orient="index")
    return table.assign(gain=table["at k"] - table["all"])


def baseline_table(studies: dict[str, LandmarkStudy], top: int = 5) -> pd.DataFrame:
    """Per emotion and IG baseline: the ``top`` landmarks, how many of them the first study also ranks in its top,
    and the rank correlation of each landmark's importance with its distance from the centroid of the mean face."""
    first = next(iter(studies.values()))
    rows = []
    for name, study in studies.items():
        distance = np.linalg.norm(study.reference_face, axis=1)
        for ranking, reference in zip(study.rankings, first.rankings, strict=True):
            importance = ranking.full(len(distance))
            rows.append({"emotion": EMOTIONS[ranking.emotion], "baseline": name,
                         "top": [int(i) for i in ranking.order[:top]],
                         "shared with first": len(set(ranking.order[:top]) & set(reference.order[:top])),
                         "spearman with distance": float(pd.Series(importance).corr(pd.Series(distance),
                                                                                    method="spearman"))})
    return pd.DataFrame(rows).set_index(["emotion", "baseline"])
