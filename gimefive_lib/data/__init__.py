"""Stage 1, data: datasets in their official layouts, the synthetic default with exact ground truth, preprocessing,
face detection, honest splits, the data summary and the data figures."""

from __future__ import annotations

import lazy_loader

# The stage's API, imported on first use: ``train`` on a bare GPU server never loads the plotting, widget or
# explanation packages that other names here need. ``python -m gimefive_lib`` and the notebooks import from here.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submodules=["figures"],
    submod_attrs={
        "configured": ["SYNTHETIC_VAL_FRACTION", "configured_splits", "load_test_split", "synthetic_data"],
        "datasets": [
            "LOADERS", "SYNTHETIC", "Aggregate", "CKPlus", "DatasetError", "DatasetLoader", "Fer2013",
            "FolderDataset", "RafDB", "SplitNotFound", "get_loader",
        ],
        "detection": ["Box", "HaarFaceDetector", "crop_face", "largest_face_crop", "make_detector"],
        "facemesh": ["FaceMeshExtractor"],
        "faceset": ["FaceSet"],
        "preprocess": ["FACE_SIZE", "faces_to_tensor", "normalize_batch", "to_gray"],
        "splits": ["HOLDOUT_FRACTION", "VAL_FRACTION", "DatasetSplits", "hold_out", "train_val_split"],
        "summary": ["format_summary", "summarize"],
        "synthetic": ["ACTION_UNITS", "generate_synthetic", "render_clip", "render_face", "synthetic_splits"],
    },
)
