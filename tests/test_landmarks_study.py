"""The whole method: the action-unit check on synthetic faces, the study, its JSON report and the CLI."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from gimefive_lib.cli import landmarks as landmarks_command
from gimefive_lib.cli import main
from gimefive_lib.data.regions import IBUG68
from gimefive_lib.data.splits import stratified_split_indices
from gimefive_lib.data.synthetic.render import generate_synthetic
from gimefive_lib.landmarks import landmark_splits
from gimefive_lib.landmarks.attribution import make_baseline, rank_landmarks
from gimefive_lib.landmarks.aucheck import action_unit_regions, au_motion_vs_noise, check_ranking
from gimefive_lib.landmarks.classifiers import ClassifierConfig, fit_binary_models
from gimefive_lib.landmarks.features import normalize_landmarks
from gimefive_lib.landmarks.landmark_splits import LandmarkSplits, faceset_landmarks
from gimefive_lib.landmarks.pruning import pruning_gap
from gimefive_lib.landmarks.report import (
    baseline_table,
    chosen_k_table,
    model_comparison_table,
    pruning_gains,
    study_report,
)
from gimefive_lib.landmarks.study import StudyConfig, run_study

MOUTH_CORNERS = {48, 54, 60, 64}


def test_action_unit_regions_of_the_synthetic_emotions():
    assert action_unit_regions(0) == {"eyes", "mouth"}  # AU6 lifts the lower lids, AU12 pulls the lip corners
    # disgust: AU9 wrinkles the nose, lowers the inner brows and lifts the lower lids; AU15/16 move the lips
    assert action_unit_regions(4) == {"nose", "mouth", "brows", "eyes"}
    assert {"brows", "mouth"} <= action_unit_regions(1)


def test_top_ranked_landmarks_lie_in_the_regions_of_each_emotions_action_units():
    """Point 5 of the issue: on synthetic faces, IG's global ranking points at the landmarks the AUs move."""
    rng = np.random.default_rng(0)
    faces = generate_synthetic(600, seed=5)
    neutral = generate_synthetic(60, seed=9, intensity=0.0, occlusion=0.0)
    noise = landmark_splits.DETECTOR_NOISE * faces.image_size
    points = normalize_landmarks(faces.landmarks + rng.normal(0, noise, faces.landmarks.shape), IBUG68)
    neutral_points = normalize_landmarks(neutral.landmarks + rng.normal(0, noise, neutral.landmarks.shape), IBUG68)
    baseline = make_baseline("neutral", points, faces.labels, 0, neutral_points)
    checks = [check_ranking(rank_landmarks(model, points, faces.labels, baseline), top=5)
              for model in fit_binary_models(points, faces.labels, ClassifierConfig(kind="mlp"))]
    for check in checks:
        expected = set(check["expected_regions"])
        assert set(check["top_regions"][:3]) <= expected, check
    assert np.mean([c["share_in_au_regions"] for c in checks]) >= 0.85, checks
    assert set(checks[0]["top_landmarks"][:2]) <= MOUTH_CORNERS, checks[0]  # happiness: the mouth corners
    assert "brows" in checks[1]["top_regions"][:3], checks[1]  # surprise: the brows


def _tiny_splits(faces) -> LandmarkSplits:
    rng = np.random.default_rng(1)
    rest, test = stratified_split_indices(faces.labels, 0.2, seed=0)
    train, val = stratified_split_indices(faces.labels[rest], 0.25, seed=0)
    neutral = generate_synthetic(12, seed=3, intensity=0.0, occlusion=0.0)
    parts = [faces.subset(rest[train]), faces.subset(rest[val]), faces.subset(test), neutral]
    train, val, test, neutral = (faceset_landmarks(p, f"tiny-{i}", 0.015, rng) for i, p in enumerate(parts))
    return LandmarkSplits(train, val, test, neutral, ["tiny"])


@pytest.fixture(scope="module")
def tiny_study(tiny_faces):
    return run_study(_tiny_splits(tiny_faces), StudyConfig(model="random", schedule=(68, 24, 8), n_steps=8),
                     progress=False)


def test_study_report_has_every_figure_per_emotion(tiny_study):
    report = study_report(tiny_study, "synthetic")
    assert report["schedule"] == [68, 24, 8] and report["layout"] == IBUG68
    happiness = report["emotions"]["happiness"]
    assert [row["k"] for row in happiness["pruning"]] == [68, 24, 8]
    assert {"val_accuracy", "val_balanced_accuracy", "train_seconds", "inference_us_per_sample", "parameters"} <= \
        set(happiness["pruning"][0])
    assert happiness["chosen_k"] in (68, 24, 8) and len(happiness["chosen_landmarks"]) == happiness["chosen_k"]
    assert sum(happiness["region_shares"].values()) == pytest.approx(1.0)
    assert "au_check" in happiness and sorted(happiness["ranking"]) == list(range(68))
    assert set(report["six_way"]["test"]) == {"six-way model", "binary ensemble, all landmarks",
                                              "binary ensemble, chosen k"}
    json.dumps(report)  # JSON-ready
    table = chosen_k_table(report)
    assert table.loc["happiness", "chosen k"] == happiness["chosen_k"] and len(table) == 6
    comparison = model_comparison_table({"a": report, "b": report})
    assert list(comparison.index) == ["a", "b"] and comparison.loc["a", "top-5 in AU regions"] <= 1.0


def test_unknown_choices_are_rejected():
    with pytest.raises(ValueError, match="unknown baseline"):
        StudyConfig(baseline="mean")
    with pytest.raises(ValueError, match="unknown model"):
        StudyConfig(model="svm")


def test_cli_writes_the_json_report(tmp_path, tiny_faces, monkeypatch, capsys):
    monkeypatch.setattr(landmarks_command, "synthetic_landmark_splits", lambda settings: _tiny_splits(tiny_faces))
    out = tmp_path / "report.json"
    assert main(["landmarks", "--dataset", "synthetic", "--out", str(out), "--model", "random",
                 "--baseline", "others", "--schedule", "68,16"]) == 0
    report = json.loads(out.read_text())
    assert report["baseline"] == "others" and report["schedule"] == [68, 16]
    assert set(report["emotions"]) == {"happiness", "surprise", "sadness", "anger", "disgust", "fear"}
    assert "report written to" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="only 68"):
        main(["landmarks", "--out", str(out), "--model", "random", "--schedule", "128,64"])


def test_cli_needs_a_root_for_real_data(tmp_path, monkeypatch):
    monkeypatch.delenv("GIMEFIVE_DATA", raising=False)
    with pytest.raises(SystemExit, match="--root is required"):
        main(["landmarks", "--dataset", "rafdb", "--out", str(tmp_path / "r.json")])


def test_figures_and_explorer_follow_the_choice(tiny_study):
    import matplotlib.pyplot as plt

    from gimefive_lib.landmarks.figures import plot_emotion_at_k, plot_importance_faces, plot_pruning_curves
    from gimefive_lib.landmarks.widgets import LandmarkExplorer

    face, layout = tiny_study.reference_face, tiny_study.splits.layout
    assert len(plot_importance_faces(tiny_study.rankings, face, layout, top=5).axes) == 7  # 6 faces + colour bar
    assert len(plot_pruning_curves(tiny_study.pruning).axes) == 4
    with pytest.raises(ValueError, match="not in the pruning schedule"):
        plot_emotion_at_k(tiny_study.pruning[0], face, layout, 5)
    explorer = LandmarkExplorer(tiny_study)
    explorer.emotion.value, explorer.k.value = 3, 8
    assert explorer.update().axes[0].get_title().startswith("anger, k = 8")
    plt.close("all")


def test_a_region_leads_only_when_it_gets_more_than_its_size():
    from gimefive_lib.landmarks.cam_agreement import top_regions

    columns = ["eyes", "brows", "nose", "mouth", "other"]
    landmarks = pd.DataFrame([[0.5, 2.0, 0.3, 0.9, 0.8], [0.2, 0.4, 0.1, 3.0, 0.7]], ["sadness", "happiness"], columns)
    cams = pd.DataFrame([[0.44, 0.65, 0.32, 0.36, 1.09], [0.3, 0.2, 0.1, 2.5, 0.9]], ["sadness", "happiness"], columns)
    table = top_regions(landmarks, cams)
    assert table.loc["sadness"].tolist() == ["brows", "none", False]  # CNN: brows lead, yet below their size
    assert table.loc["happiness"].tolist() == ["mouth", "mouth", True]


def test_region_tables_and_cnn_comparison(tiny_study, tiny_faces):
    from gimefive_lib.landmarks.cam_agreement import (
        cam_region_table,
        cnn_comparison,
        landmark_region_table,
        matching_faces,
        top_regions,
    )
    from gimefive_lib.models import build_model

    landmarks = landmark_region_table(tiny_study)
    np.testing.assert_allclose(landmarks.sum(axis=1), 1.0, atol=1e-6)
    assert list(landmarks.columns) == ["eyes", "brows", "nose", "mouth", "other"]
    mouth_points = 20 / 68
    np.testing.assert_allclose(landmark_region_table(tiny_study, enrichment=True)["mouth"] * mouth_points,
                               landmarks["mouth"], rtol=1e-6)
    faces = matching_faces(tiny_study.splits.test, tiny_faces)
    assert faces.sources == tiny_study.splits.test.sources
    cnn = build_model("gimefive").eval()
    cams, found = cam_region_table(cnn, faces.subset(np.arange(12)))
    assert found == 12 and cams.shape[1] == 5
    enriched, _ = cam_region_table(cnn, faces.subset(np.arange(12)), enrichment=True)
    # the mouth is a small part of the face: dividing by its size raises every non-zero share
    assert (enriched.loc[:, "mouth"] >= cams.loc[:, "mouth"]).all()
    assert (enriched.loc[cams["mouth"] > 0, "mouth"] > cams.loc[cams["mouth"] > 0, "mouth"]).all()
    assert set(top_regions(landmarks, cams).columns) == {"landmarks (IG)", "CNN (Grad-CAM)", "agree"}
    table = cnn_comparison(cnn, faces, tiny_study)
    assert table.loc["GiMeFive", "parameters"] > 100 * table["parameters"].iloc[1]
    assert (table["µs per sample"] > 0).all() and table["test accuracy"].between(0, 1).all()
    with pytest.raises(ValueError, match="no face"):
        matching_faces(tiny_study.splits.test, tiny_faces.subset(np.arange(3)))


def test_cli_refuses_the_neutral_baseline_without_neutral_faces(tmp_path, tiny_faces, monkeypatch):
    without_neutral = lambda *args, **kwargs: replace(_tiny_splits(tiny_faces), neutral=None)  # noqa: E731
    monkeypatch.setattr(landmarks_command, "real_landmark_splits", without_neutral)
    with pytest.raises(SystemExit, match="--baseline others"):
        main(["landmarks", "--dataset", "rafdb", "--root", str(tmp_path), "--out", str(tmp_path / "r.json")])


def test_au6_moves_the_eyelids_by_less_than_the_detector_noise():
    happiness = au_motion_vs_noise(0)
    au6, au12 = happiness.index
    assert au6.startswith("AU6") and au12.startswith("AU12")
    assert happiness.loc[au6, "regions"] == ["eyes"] and happiness.loc[au6, "in noise sd"] < 1
    assert happiness.loc[au12, "in noise sd"] > 2 and 48 in happiness.loc[au12, "landmarks"]
    assert happiness.loc[au6, "largest shift"] == pytest.approx(0.008)


def test_pruning_gap_keeps_the_informative_landmark():
    rng = np.random.default_rng(0)
    labels = {part: np.arange(n) % 6 for part, n in (("train", 300), ("val", 120))}
    points = {part: rng.normal(size=(len(y), 10, 2)) for part, y in labels.items()}
    for part, y in labels.items():
        points[part][:, 0, 0] = (y == 2) * 3.0 + rng.normal(0, 0.3, len(y))  # landmark 0 tells sadness apart
    gap = pruning_gap(points, labels, 2, np.array([0]), ClassifierConfig(seed=0))
    assert gap["subset"] > 0.9 and gap["gap"] == pytest.approx(gap["subset"] - gap["all"])


def test_pruning_gains_and_baseline_table(tiny_study):
    gains = pruning_gains(tiny_study)
    assert len(gains) == 6 and set(gains["chosen k"]) <= {68, 24, 8}
    assert (gains["gain"] >= 0).all()  # k is chosen on the same validation scores, all landmarks included
    table = baseline_table({"a": tiny_study, "b": tiny_study}, top=3)
    assert len(table) == 12 and (table["shared with first"] == 3).all()
    assert table["spearman with distance"].between(-1, 1).all()
