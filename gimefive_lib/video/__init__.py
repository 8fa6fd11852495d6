"""Video and live camera: detect, classify and explain every face of every frame, draw it, write it, plot it.

``FramePipeline`` does the per-frame work; ``sources`` gives frames (video file, local camera, fallback
clips), ``annotate_video`` runs a source through the pipeline into an mp4 and a CSV, ``emotion_timeline``
plots the CSV, and ``WebcamWidget`` brings the browser's camera to a kernel that may run on a server.
"""

from gimefive_lib.video.detection import MediaPipeFaceDetector, ScaledHaarDetector, make_detector
from gimefive_lib.video.draw import draw_results
from gimefive_lib.video.model import video_model
from gimefive_lib.video.pipeline import FaceResult, FramePipeline, FrameResult
from gimefive_lib.video.plots import frame_strip, show_frame
from gimefive_lib.video.runner import VideoRun, annotate_video
from gimefive_lib.video.sources import (
    CameraNotFoundError,
    CameraSource,
    ClipSource,
    Frame,
    VideoFileSource,
    astronaut_clip,
    fallback_clip,
    open_source,
    synthetic_clip,
)
from gimefive_lib.video.timeline import emotion_timeline, emotion_timeline_static, label_switches
from gimefive_lib.video.writer import AnnotatedVideoWriter, browser_video, results_table, write_csv

__all__ = [
    "AnnotatedVideoWriter", "CameraNotFoundError", "CameraSource", "ClipSource", "FaceResult", "Frame",
    "FramePipeline", "FrameResult", "MediaPipeFaceDetector", "ScaledHaarDetector", "VideoFileSource", "VideoRun",
    "annotate_video", "astronaut_clip", "browser_video", "draw_results", "emotion_timeline",
    "emotion_timeline_static", "fallback_clip", "frame_strip", "label_switches", "make_detector", "open_source",
    "results_table", "show_frame", "synthetic_clip", "video_model", "write_csv",
]
