"""The browser's camera as a frame source: an anywidget that streams JPEG frames to the kernel and shows results.

The camera sits where the browser is (a student's laptop) while the kernel may run on a server. The widget's
JavaScript (``webcam.js``) reads the camera with ``getUserMedia`` and sends JPEG frames as binary comm
buffers, one at a time: the next frame leaves as soon as the previous answer arrives, at most ``fps`` a second
(so the rate follows the round trip), captured and encoded while the previous one was in flight; the kernel
handles each one in a message callback
(comm messages arrive only while the kernel is idle, so there is no blocking loop), runs ``process`` and
sends the annotated JPEG back. A denied permission or a missing camera sets ``error``; a failing frame
sets ``error`` too and the widget keeps running. ``faces`` (faces in the last frame) and ``frames_with_faces``
count what the pipeline found, for a processor that reports it (``last_faces``, as :class:`PipelineProcessor`).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path

import anywidget
import cv2
import numpy as np
import traitlets

from gimefive_lib.data.blazeface import MediaPipeFaceDetector
from gimefive_lib.devices import torch_threads
from gimefive_lib.video.draw import draw_results
from gimefive_lib.video.pipeline import FramePipeline

FrameProcessor = Callable[[np.ndarray, float], np.ndarray]
# The most frames a second the widget sends by default; fewer when the kernel takes longer to answer.
DEFAULT_FPS = 15.0

_CSS = """
.gimefive-webcam { font: 13px sans-serif; }
.gimefive-webcam .gw-controls { display: flex; gap: 8px; align-items: center; margin-bottom: 4px; }
.gimefive-webcam .gw-error { display: none; color: #b00020; font-weight: bold; margin: 4px 0; }
.gimefive-webcam .gw-view { max-width: 100%; min-height: 40px; background: #222; display: block; }
"""


def decode_jpeg(data: bytes) -> np.ndarray:
    """RGB image from JPEG bytes (ValueError when they are not an image)."""
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"received {len(data)} bytes that are not a JPEG image")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def encode_jpeg(image: np.ndarray, quality: int = 80) -> bytes:
    """JPEG bytes of an RGB image."""
    ok, data = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError(f"could not encode an image of shape {image.shape} as JPEG")
    return data.tobytes()


class PipelineProcessor:
    """A frame processor that runs ``pipeline`` on a camera frame and draws its results with the time it took.

    ``last_faces`` is the number of faces of the last frame. Torch runs on ``threads`` threads while a frame is
    processed (MediaPipe's detector needs a core of its own: on two cores, torch's default of two threads
    makes both wait on each other) and on its previous count in between; None leaves torch's setting alone.
    """

    def __init__(self, pipeline: FramePipeline, landmarks: bool = False, threads: int | None = 1) -> None:
        self.pipeline = pipeline
        self.landmarks = landmarks
        self.threads = threads
        self.last_faces = 0
        self._counter = itertools.count()

    def __call__(self, image: np.ndarray, time_s: float) -> np.ndarray:
        started = time.perf_counter()
        with torch_threads(self.threads):
            result = self.pipeline.process(image, next(self._counter), time_s)
        self.last_faces = len(result.faces)
        note = f"{(time.perf_counter() - started) * 1000:.0f} ms"
        return draw_results(image, result, landmarks=self.landmarks, note=note)


def pipeline_processor(pipeline: FramePipeline, landmarks: bool = False, threads: int | None = 1) -> FrameProcessor:
    """A :class:`PipelineProcessor`: ``pipeline`` on each camera frame, its results drawn."""
    return PipelineProcessor(pipeline, landmarks, threads)


class WebcamWidget(anywidget.AnyWidget):
    """Browser camera -> kernel ``process(image, time_s)`` -> annotated frame shown in the widget.

    ``running`` starts or stops the camera from Python too; ``error`` holds the last problem (camera
    permission denied, no camera, a frame that failed) and is empty otherwise. ``fps`` caps the rate: frames
    go out as fast as the kernel answers, up to ``fps`` a second.
    """

    _esm = Path(__file__).with_name("webcam.js")
    _css = _CSS

    fps = traitlets.Float(DEFAULT_FPS).tag(sync=True)
    width = traitlets.Int(640).tag(sync=True)
    height = traitlets.Int(480).tag(sync=True)
    quality = traitlets.Float(0.8).tag(sync=True)
    running = traitlets.Bool(False).tag(sync=True)
    error = traitlets.Unicode("").tag(sync=True)
    frames_processed = traitlets.Int(0).tag(sync=True)
    faces = traitlets.Int(0).tag(sync=True)
    frames_with_faces = traitlets.Int(0).tag(sync=True)
    processing_ms = traitlets.Float(0.0).tag(sync=True)

    def __init__(self, process: FrameProcessor | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.process = process or (lambda image, time_s: image)
        self.on_msg(self._on_custom_message)

    def __repr__(self) -> str:
        """What a page without a live kernel shows in place of the camera."""
        return (f"WebcamWidget: a live camera view; it runs in JupyterLab with a kernel "
                f"({self.frames_processed} frames processed)")

    def start(self) -> None:
        """Ask the browser to start the camera."""
        self.running = True

    def stop(self) -> None:
        """Stop the camera."""
        self.running = False

    def handle_jpeg(self, data: bytes, time_s: float = 0.0) -> bytes:
        """Decode one JPEG frame, run ``process`` on it and return the annotated frame as JPEG."""
        started = time.perf_counter()
        annotated = self.process(decode_jpeg(data), time_s)
        reply = encode_jpeg(annotated, int(round(self.quality * 100)))
        self.processing_ms = (time.perf_counter() - started) * 1000
        faces = getattr(self.process, "last_faces", None)
        if faces is not None:  # set before frames_processed, so that an observer of it sees this frame's counts
            self.faces = int(faces)
            self.frames_with_faces += int(faces > 0)
        self.frames_processed += 1
        return reply

    def _on_custom_message(self, _widget, content: dict, buffers: list) -> None:
        """Answer a ``frame`` message with the annotated frame; a failure sets ``error`` instead of raising."""
        if not isinstance(content, dict) or content.get("type") != "frame":
            return
        seq = content.get("seq")
        try:
            if not buffers:
                raise ValueError("a frame message arrived without its JPEG buffer")
            reply = self.handle_jpeg(bytes(buffers[0]), float(content.get("time_ms", 0.0)) / 1000)
        except Exception as failure:  # any failure of one frame is reported; the stream goes on
            self.error = f"frame {seq} failed: {failure}"
            self.send({"type": "failed", "seq": seq})
            return
        if self.error.startswith("frame "):
            self.error = ""
        self.send({"type": "annotated", "seq": seq}, buffers=[reply])


def webcam_widget(pipeline: FramePipeline, fps: float = DEFAULT_FPS, landmarks: bool = False,
                  threads: int | None = 1, background_scans: bool = True, **kwargs) -> WebcamWidget:
    """A :class:`WebcamWidget` that runs ``pipeline`` (detect, classify, Grad-CAM) on each browser frame, torch on
    ``threads`` threads while it does (see :class:`PipelineProcessor`). With ``background_scans`` (and BlazeFace)
    the pipeline's scheduled searches for new faces run on a second detector in a worker thread
    (:meth:`FramePipeline.scan_in_background`), so no answer waits for one."""
    pipeline.reset()
    detector = pipeline.detector
    if background_scans and pipeline.background is None and isinstance(detector, MediaPipeFaceDetector):
        pipeline.scan_in_background(MediaPipeFaceDetector(full_range=detector.full_range, mirror=detector.mirror))
    return WebcamWidget(process=pipeline_processor(pipeline, landmarks, threads), fps=fps, **kwargs)
