"""Stage 5, video and live camera: detect, classify and explain every face of every frame, draw it, write it, plot it.

``FramePipeline`` does the per-frame work; ``frames`` gives frames (video file, local camera, fallback
clips), ``annotate_video`` runs a source through the pipeline into an mp4 and a CSV, ``emotion_timeline``
plots the CSV, and ``WebcamWidget`` brings the browser's camera to a kernel that may run on a server.
"""

from __future__ import annotations

import lazy_loader

from gimefive_lib.data.blazeface import MediaPipeFaceDetector
from gimefive_lib.data.detection import ScaledHaarDetector, make_detector

# The stage's API, imported on first use: ``train`` on a bare GPU server never loads the plotting, widget or
# explanation packages that other names here need. ``python -m gimefive_lib`` and the notebooks import from here.
__getattr__, __dir__, __all__ = lazy_loader.attach(
    __name__,
    submod_attrs={
        "draw": ["draw_results"],
        "figures": ["camera_preview", "frame_strip", "show_frame"],
        "frames": [
            "CameraNotFoundError", "CameraSource", "ClipSource", "Frame", "VideoFileSource", "astronaut_clip",
            "fallback_clip", "open_source", "synthetic_clip",
        ],
        "model": ["video_model"],
        "pipeline": ["FaceResult", "FramePipeline", "FrameResult"],
        "runner": ["VideoRun", "annotate_video"],
        "timeline": [
            "apex_and_settle", "box_agreement", "emotion_timeline", "emotion_timeline_static", "faces_left_to_right",
            "label_switches",
        ],
        "webcam": ["WebcamWidget", "webcam_widget"],
        "writer": ["AnnotatedVideoWriter", "browser_video", "results_table", "write_csv"],
    },
)
# Names of the stage below that this stage's users need too.
__all__ += ["MediaPipeFaceDetector", "ScaledHaarDetector", "make_detector"]
