"""Stage 5, landmarks: landmark explainability after Di Luzio, Rosato & Panella (2024): face-mesh landmarks, one
binary model per emotion, dataset-level Integrated Gradients, progressive pruning, and how it agrees with the CNN.

Modules, in the order of the method: ``landmarkset``, ``extraction``, ``landmark_splits`` and ``cache`` (landmark
splits), ``features`` (normalisation), ``classifiers``, ``attribution`` (Integrated Gradients), ``pruning``,
``study`` (the whole run), ``report`` (JSON), ``aucheck`` (the synthetic action-unit check), ``cam_agreement``
(CNN and Grad-CAM), ``figures``, ``widgets`` and ``inputs`` (what notebook 07 uses).
"""

from __future__ import annotations

import lazy_loader

from gimefive_lib.data.facemesh import FaceMeshExtractor
from gimefive_lib.data.regions import FACEMESH468, IBUG68, landmark_regions

# The stage's API, imported on first use: ``train`` on a bare GPU server never loads the plotting, widget or
# explanation packages that other names here need. ``python -m gimefive_lib`` and the notebooks import from here.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "attribution": ["make_baseline", "rank_landmarks"],
        "aucheck": ["au_motion_vs_noise", "check_ranking"],
        "cam_agreement": [
            "cam_region_table", "cnn_comparison", "landmark_region_table", "plot_region_comparison", "top_regions",
        ],
        "classifiers": ["ClassifierConfig", "fit_binary_models", "fit_classifier"],
        "features": ["displacements", "normalize_landmarks"],
        "figures": [
            "plot_clip_scores", "plot_emotion_at_k", "plot_importance_faces", "plot_landmarks_on_image",
            "plot_normalisation", "plot_pruning_curves",
        ],
        "inputs": ["cnn_reference", "landmark_data"],
        "landmark_splits": ["synthetic_landmark_splits"],
        "landmarkset": ["LandmarkSet"],
        "pruning": ["pruning_gap"],
        "report": [
            "baseline_table", "chosen_k_table", "model_comparison_table", "pruning_gains", "region_share_table",
            "study_report", "write_report",
        ],
        "study": ["StudyConfig", "normalised_parts", "run_study"],
        "widgets": ["LandmarkExplorer"],
    },
)
# Names of the stage below that this stage's users need too.
__all__ += ["FaceMeshExtractor", "FACEMESH468", "IBUG68", "landmark_regions"]
