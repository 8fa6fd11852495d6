"""Landmark models against the CNN: accuracy, parameters and inference time; IG landmark regions against Grad-CAM's."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from torch import nn

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.regions import REGION_NAMES
from gimefive_lib.devices import model_device
from gimefive_lib.explain.cams import compute_cams
from gimefive_lib.explain.region_shares import OTHER, emotion_region_table, face_region_masks
from gimefive_lib.explain.region_shares import region_shares as cam_mass_shares
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.landmarks.classifiers import KIND_NAMES, single_thread
from gimefive_lib.landmarks.landmarkset import LandmarkSet
from gimefive_lib.landmarks.study import LandmarkStudy, six_way_inference_seconds
from gimefive_lib.models.prediction import predict_proba
from gimefive_lib.models.profiling import images_per_second

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def matching_faces(landmarks: LandmarkSet, faces: FaceSet) -> FaceSet:
    """The faces whose sources are those of ``landmarks``, in the same order (the CNN sees the same test faces)."""
    position = {source: i for i, source in enumerate(faces.sources)}
    missing = [s for s in landmarks.sources if s not in position]
    if missing:
        raise ValueError(f"{faces.name}: {len(missing)} landmark sources have no face, e.g. {missing[:3]}")
    return faces.subset(np.array([position[s] for s in landmarks.sources], dtype=np.int64))


def cnn_comparison(cnn: nn.Module, faces: FaceSet, study: LandmarkStudy, cnn_name: str = "GiMeFive") -> pd.DataFrame:
    """Test accuracy, parameters and inference time on one CPU thread of the CNN and of the landmark models.

    ``faces`` must be the images of the study's test landmarks (see :func:`matching_faces`). Landmark models are
    timed on given landmarks: finding them (exact on synthetic faces, face mesh on real ones) is not included.
    """
    if not np.array_equal(faces.labels, study.labels["test"]):
        raise ValueError("faces must be the images of the study's test landmarks, in the same order")
    cnn_accuracy = float(np.mean(predict_proba(cnn, faces).argmax(axis=1) == faces.labels))
    cpu_cnn = cnn if model_device(cnn).type == "cpu" else copy.deepcopy(cnn).cpu()  # timed as the landmark models
    with single_thread():
        cnn_seconds = 1.0 / images_per_second(cpu_cnn, batch_size=16, size=faces.image_size, repeats=3, device="cpu")
    scores, times = study.six_way_scores("test"), six_way_inference_seconds(study)
    k_all = study.splits.train.n_landmarks
    chosen = study.binary_models(chosen=True)
    one, many = KIND_NAMES[study.config.model]
    rows = [
        (cnn_name, f"{faces.image_size}x{faces.image_size} face", cnn_accuracy,
         sum(p.numel() for p in cnn.parameters()), cnn_seconds),
        (f"six-way {one}", f"{k_all} landmarks", scores["six-way model"]["accuracy"],
         study.six_way.n_parameters, times["six-way model"]),
        (f"6 binary {many}, all landmarks", f"{k_all} landmarks",
         scores["binary ensemble, all landmarks"]["accuracy"],
         sum(m.n_parameters for m in study.binary_models(chosen=False)), times["binary ensemble, all landmarks"]),
        (f"6 binary {many}, chosen k", f"k = {', '.join(str(len(m.landmarks)) for m in chosen)}",
         scores["binary ensemble, chosen k"]["accuracy"], sum(m.n_parameters for m in chosen),
         times["binary ensemble, chosen k"]),
    ]
    table = pd.DataFrame(rows, columns=["model", "input", "test accuracy", "parameters", "seconds per sample"])
    table["µs per sample"] = table.pop("seconds per sample") * 1e6
    return table.set_index("model")


def landmark_region_table(study: LandmarkStudy, enrichment: bool = False) -> pd.DataFrame:
    """Share of each emotion's IG landmark importance per face region (Grad-CAM's regions; the rest is ``other``).

    ``enrichment`` divides each share by the region's share of the landmarks (1 = no more than its size).
    """
    regions = study.regions
    grouped = np.where(np.isin(regions, REGION_NAMES), regions, OTHER)
    names = (*REGION_NAMES, OTHER)
    size = np.array([np.mean(grouped == name) for name in names])
    n_points = study.splits.train.n_landmarks
    rows = {}
    for ranking in study.rankings:
        importance = ranking.full(n_points)
        share = np.array([importance[grouped == name].sum() for name in names])
        rows[EMOTIONS[ranking.emotion]] = share / np.where(size > 0, size, np.nan) if enrichment else share
    return pd.DataFrame.from_dict(rows, orient="index", columns=list(names))


def cam_region_table(cnn: nn.Module, faces: FaceSet, layer: str = "block5",
                     enrichment: bool = False) -> tuple[pd.DataFrame, int]:
    """Grad-CAM mass per face region and emotion (true class explained, as in notebook 04); faces with regions.

    ``enrichment`` divides each share by the region's mean share of the face's pixels (1 = no more than its size).
    """
    masks, found = face_region_masks(faces.images, faces.landmarks)
    masks, labels = masks[found], faces.labels[found]
    cams = compute_cams(cnn, faces.images[found], "gradcam", layer, targets=labels)
    table = emotion_region_table(cam_mass_shares(cams, masks), labels)
    if enrichment:
        area = masks.mean(axis=(2, 3))
        area = np.concatenate([area, 1.0 - area.sum(axis=1, keepdims=True)], axis=1)
        table = table / emotion_region_table(area, labels)
    return table, int(found.sum())


NO_REGION = "none"


def top_regions(landmarks: pd.DataFrame, cams: pd.DataFrame, above: float = 1.0) -> pd.DataFrame:
    """Per emotion: the named region (not ``other``) that leads each enrichment table, and whether both name the
    same one. A table in which no named region exceeds ``above`` (1 = no more than its size) names ``"none"``: its
    leader would be the least under-weighted region, not one the model reads from, and agrees with nothing."""
    named = list(REGION_NAMES)

    def leader(table: pd.DataFrame) -> pd.Series:
        return table[named].idxmax(axis=1).where(table[named].max(axis=1) > above, NO_REGION)

    out = pd.DataFrame({"landmarks (IG)": leader(landmarks), "CNN (Grad-CAM)": leader(cams)})
    out["agree"] = (out["landmarks (IG)"] == out["CNN (Grad-CAM)"]) & (out["landmarks (IG)"] != NO_REGION)
    return out.reindex([e for e in EMOTIONS if e in out.index])


def plot_region_comparison(landmarks: pd.DataFrame, cams: pd.DataFrame, what: str = "enrichment") -> Figure:
    """Two heat maps side by side: IG landmark importance and Grad-CAM mass per emotion and region."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    figure, axes = plt.subplots(1, 2, figsize=(12, 4.2), sharey=True)
    vmax = float(np.nanmax([landmarks.to_numpy().max(), cams.to_numpy().max()]))
    for ax, table, title in ((axes[0], landmarks, f"landmark models: |IG| {what} per region"),
                             (axes[1], cams, f"CNN: Grad-CAM mass {what} per region")):
        sns.heatmap(table.reindex(cams.index), annot=True, fmt=".2f", cmap="rocket_r", vmin=0, vmax=vmax, ax=ax,
                    cbar=False)
        ax.set(title=title, xlabel="face region", ylabel="")
    figure.tight_layout()
    return figure
