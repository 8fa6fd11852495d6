"""Landmark models against the CNN: accuracy, parameters and inference time; IG landmark regions against Grad-CAM's."""

from __future__ import annotations

import numpy as np
import pandas as pd
from torch import nn

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.evaluation import predict_proba
from gimefive_lib.explain.regions import OTHER, REGION_NAMES, emotion_region_table, face_region_masks
from gimefive_lib.explain.regions import region_shares as cam_mass_shares
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.landmarks.classifiers import single_thread
from gimefive_lib.landmarks.landmarkset import LandmarkSet
from gimefive_lib.landmarks.study import LandmarkStudy, six_way_inference_seconds
from gimefive_lib.speed import images_per_second


def matching_faces(landmarks: LandmarkSet, faces: FaceSet) -> FaceSet:
    """The faces whose sources are those of ``landmarks``, in the same order (the CNN sees the same test faces)."""
    position = {source: i for i, source in enumerate(faces.sources)}
    missing = [s for s in landmarks.sources if s not in position]
    if missing:
        raise ValueError(f"{faces.name}: {len(missing)} landmark sources have no face, e.g. {missing[:3]}")
    return faces.subset(np.array([position[s] for s in landmarks.sources], dtype=np.int64))


def cnn_comparison(cnn: nn.Module, faces: FaceSet, study: LandmarkStudy, cnn_name: str = "GiMeFive") -> pd.DataFrame:
    """Test accuracy, parameters and one-thread inference time of the CNN and of the landmark models.

    ``faces`` must be the images of the study's test landmarks (see :func:`matching_faces`). Landmark models are
    timed on given landmarks: finding them (exact on synthetic faces, face mesh on real ones) is not included.
    """
    if not np.array_equal(faces.labels, study.labels["test"]):
        raise ValueError("faces must be the images of the study's test landmarks, in the same order")
    device = next(cnn.parameters()).device
    cnn_accuracy = float(np.mean(predict_proba(cnn, faces, device).argmax(axis=1) == faces.labels))
    with single_thread():
        cnn_seconds = 1.0 / images_per_second(cnn, batch_size=16, size=faces.image_size, repeats=3, device=device)
    scores, times = study.six_way_scores("test"), six_way_inference_seconds(study)
    k_all = study.splits.train.n_landmarks
    chosen = study.binary_models(chosen=True)
    rows = [
        (cnn_name, f"{faces.image_size}x{faces.image_size} face", cnn_accuracy,
         sum(p.numel() for p in cnn.parameters()), cnn_seconds),
        (f"six-way {study.config.model} on landmarks", f"{k_all} landmarks", scores["six-way model"]["accuracy"],
         study.six_way.n_parameters, times["six-way model"]),
        (f"6 binary {study.config.model}s, all landmarks", f"{k_all} landmarks",
         scores["binary ensemble, all landmarks"]["accuracy"],
         sum(m.n_parameters for m in study.binary_models(chosen=False)), times["binary ensemble, all landmarks"]),
        (f"6 binary {study.config.model}s, chosen k", f"k = {', '.join(str(len(m.landmarks)) for m in chosen)}",
         scores["binary ensemble, chosen k"]["accuracy"], sum(m.n_parameters for m in chosen),
         times["binary ensemble, chosen k"]),
    ]
    table = pd.DataFrame(rows, columns=["model", "input", "test accuracy", "parameters", "seconds per sample"])
    table["µs per sample"] = table.pop("seconds per sample") * 1e6
    return table.set_index("model")


def landmark_region_table(study: LandmarkStudy) -> pd.DataFrame:
    """Share of each emotion's IG landmark importance per face region (Grad-CAM's regions; the rest is ``other``)."""
    regions = study.regions
    grouped = np.where(np.isin(regions, REGION_NAMES), regions, OTHER)
    n_points = study.splits.train.n_landmarks
    rows = {}
    for ranking in study.rankings:
        importance = ranking.full(n_points)
        rows[EMOTIONS[ranking.emotion]] = [importance[grouped == name].sum() for name in (*REGION_NAMES, OTHER)]
    return pd.DataFrame.from_dict(rows, orient="index", columns=[*REGION_NAMES, OTHER])


def cam_region_table(cnn: nn.Module, faces: FaceSet, layer: str = "block5") -> tuple[pd.DataFrame, int]:
    """Grad-CAM mass per face region and emotion (true class explained), as in notebook 04; and faces with regions."""
    from gimefive_lib.explain.cams import compute_cams

    masks, found = face_region_masks(faces.images, faces.landmarks)
    cams = compute_cams(cnn, faces.images[found], "gradcam", layer, targets=faces.labels[found])
    return emotion_region_table(cam_mass_shares(cams, masks[found]), faces.labels[found]), int(found.sum())


def top_regions(landmarks: pd.DataFrame, cams: pd.DataFrame) -> pd.DataFrame:
    """Per emotion: the named region (not ``other``) with the most IG landmark importance and the most CAM mass."""
    named = list(REGION_NAMES)
    out = pd.DataFrame({"landmarks (IG)": landmarks[named].idxmax(axis=1),
                        "CNN (Grad-CAM)": cams[named].idxmax(axis=1)})
    out["agree"] = out["landmarks (IG)"] == out["CNN (Grad-CAM)"]
    return out.reindex([e for e in EMOTIONS if e in out.index])


def plot_region_comparison(landmarks: pd.DataFrame, cams: pd.DataFrame):
    """Two heat maps side by side: IG landmark importance and Grad-CAM mass per emotion and region."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    figure, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
    for ax, table, title in ((axes[0], landmarks, "landmark models: share of |IG| per region"),
                             (axes[1], cams, "CNN: share of Grad-CAM mass per region")):
        sns.heatmap(table.reindex(cams.index), annot=True, fmt=".2f", cmap="rocket_r", vmin=0, vmax=1, ax=ax,
                    cbar=False)
        ax.set(title=title, xlabel="face region", ylabel="")
    figure.tight_layout()
    return figure
