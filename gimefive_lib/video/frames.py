"""Where frames come from: a video file, a camera on this machine, or a headless fallback clip (RGB frames)."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from gimefive_lib.data.detection import ScaledHaarDetector
from gimefive_lib.data.synthetic.render import render_clip

FRAME_WIDTH, FRAME_HEIGHT = 640, 480
FALLBACK_CLIPS: tuple[str, ...] = ("synthetic", "astronaut")


class CameraNotFoundError(RuntimeError):
    """No camera could be opened at the requested index."""


@dataclass
class Frame:
    """One RGB frame ``(H, W, 3)`` uint8 with its index, time in seconds and, for synthetic clips, its landmarks."""

    index: int
    time_s: float
    image: np.ndarray
    landmarks: list[np.ndarray] | None = None


class FrameSource(Protocol):
    """An iterable of frames with a name, a frame rate and whether it is live (a camera)."""

    name: str
    fps: float
    live: bool

    def __iter__(self) -> Iterator[Frame]: ...


def _valid_fps(value: float, default: float = 30.0) -> float:
    """OpenCV's reported frame rate, or ``default`` when it reports nothing usable."""
    return float(value) if value and math.isfinite(value) and 0 < value < 1000 else default


class VideoFileSource:
    """Frames of a video file read with OpenCV; an unreadable or empty file raises a clear error up front."""

    live = False

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        if not self.path.is_file():
            raise FileNotFoundError(f"{self.path}: video file not found")
        capture = cv2.VideoCapture(str(self.path))
        try:
            if not capture.isOpened():
                raise ValueError(f"{self.path}: not a readable video (OpenCV cannot open it; expected e.g. mp4 or avi)")
            ok, first = capture.read()
            if not ok or first is None:
                raise ValueError(f"{self.path}: the video has no frames")
            self.fps = _valid_fps(capture.get(cv2.CAP_PROP_FPS))
            self.size = (first.shape[1], first.shape[0])
            count = int(capture.get(cv2.CAP_PROP_FRAME_COUNT))
            self.frame_count = count if count > 0 else None
        finally:
            capture.release()

    def __iter__(self) -> Iterator[Frame]:
        capture = cv2.VideoCapture(str(self.path))
        try:
            index = 0
            while True:
                ok, bgr = capture.read()
                if not ok:
                    return
                yield Frame(index, index / self.fps, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                index += 1
        finally:
            capture.release()


class CameraSource:
    """A camera on the kernel's machine (``cv2.VideoCapture(index)``), read until it stops or ``max_frames``."""

    live = True

    def __init__(self, index: int = 0, max_frames: int | None = None) -> None:
        self.index = index
        self.name = f"camera {index}"
        self.max_frames = max_frames
        self.capture = cv2.VideoCapture(index)
        if not self.capture.isOpened():
            self.capture.release()
            raise CameraNotFoundError(f"no camera at index {index}: cv2.VideoCapture({index}) could not open it")
        self.fps = _valid_fps(self.capture.get(cv2.CAP_PROP_FPS))

    def __iter__(self) -> Iterator[Frame]:
        started, index = time.monotonic(), 0
        try:
            while self.max_frames is None or index < self.max_frames:
                ok, bgr = self.capture.read()
                if not ok:
                    return
                yield Frame(index, time.monotonic() - started, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
                index += 1
        finally:
            self.capture.release()


class ClipSource:
    """Frames held in memory (the fallback clips), with optional landmarks per frame."""

    live = False

    def __init__(self, images: np.ndarray, fps: float, name: str, landmarks: list[list[np.ndarray]] | None = None):
        if len(images) == 0:
            raise ValueError(f"{name}: a clip needs at least one frame")
        self.images, self.fps, self.name, self.landmarks = images, fps, name, landmarks
        self.size = (images.shape[2], images.shape[1])
        self.frame_count = len(images)

    def __len__(self) -> int:
        return len(self.images)

    def __iter__(self) -> Iterator[Frame]:
        for i, image in enumerate(self.images):
            yield Frame(i, i / self.fps, image, None if self.landmarks is None else self.landmarks[i])


def _visible_seed(emotion: int, face_size: int, seed: int, tries: int = 25) -> int:
    """The first seed from ``seed`` on whose face the Haar cascade finds at neutral, half and full intensity.

    Some synthetic identities are too cartoon-like for the cascade; the demo clip skips them.
    """
    detector = ScaledHaarDetector()
    for k in range(tries):
        probe = render_clip(emotion, 3, face_size, seed + 1000 * k)
        if all(detector.detect(image) for image in probe.images):
            return seed + 1000 * k
    return seed


def synthetic_clip(
    n_frames: int = 48, emotions: tuple[int, ...] = (0, 1), fps: float = 12.0, seed: int = 0, face_size: int = 200
) -> ClipSource:
    """Synthetic faces going from neutral to apex side by side in 640x480 frames, drifting slightly; exact landmarks.

    Each face is a synthetic identity the Haar cascade detects (see :func:`_visible_seed`).
    """
    clips = [
        render_clip(emotion, n_frames, face_size, _visible_seed(emotion, face_size, seed + k))
        for k, emotion in enumerate(emotions)
    ]
    ramp = np.linspace(90, 150, FRAME_HEIGHT, dtype=np.float32)[:, None]
    background = np.repeat(ramp, FRAME_WIDTH, axis=1).astype(np.uint8)
    spacing = FRAME_WIDTH / len(emotions)
    images = np.empty((n_frames, FRAME_HEIGHT, FRAME_WIDTH, 3), np.uint8)
    landmarks = []
    for t in range(n_frames):
        gray, points = background.copy(), []
        for k, clip in enumerate(clips):
            phase = 2 * math.pi * t / max(n_frames, 1) + k
            x = int(np.clip(spacing * (k + 0.5) - face_size / 2 + 12 * math.sin(phase), 0, FRAME_WIDTH - face_size))
            y = int(np.clip((FRAME_HEIGHT - face_size) / 2 + 8 * math.cos(phase), 0, FRAME_HEIGHT - face_size))
            gray[y : y + face_size, x : x + face_size] = clip.images[t]
            points.append(clip.landmarks[t] + np.array([x, y], np.float32))
        images[t] = cv2.cvtColor(gray, cv2.COLOR_GRAY2RGB)
        landmarks.append(points)
    names = "+".join(clips[k].name.rsplit("-", 1)[-1] for k in range(len(clips)))
    return ClipSource(images, fps, f"synthetic clip ({names}, neutral to apex)", landmarks)


def astronaut_clip(n_frames: int = 48, fps: float = 12.0) -> ClipSource:
    """A real face (``skimage.data.astronaut()``, Eileen Collins) in 640x480 frames with a slow zoom and pan."""
    from skimage.data import astronaut

    photo = astronaut()
    height, width = photo.shape[:2]
    face_x, face_y = 224.0, 113.0  # centre of the face in the photo
    images = np.empty((n_frames, FRAME_HEIGHT, FRAME_WIDTH, 3), np.uint8)
    for t in range(n_frames):
        phase = 2 * math.pi * t / max(n_frames, 1)
        scale = FRAME_WIDTH / width * (1.1 + 0.1 * math.sin(phase))  # >= 640/512: the photo covers the frame
        view_w, view_h = FRAME_WIDTH / scale, FRAME_HEIGHT / scale
        x0 = float(np.clip(face_x - view_w / 2 + 25 * math.sin(phase), 0, width - view_w))
        y0 = float(np.clip(face_y - view_h / 3 + 10 * math.cos(phase), 0, height - view_h))
        matrix = np.array([[scale, 0.0, -scale * x0], [0.0, scale, -scale * y0]], np.float32)
        images[t] = cv2.warpAffine(photo, matrix, (FRAME_WIDTH, FRAME_HEIGHT), flags=cv2.INTER_LINEAR)
    return ClipSource(images, fps, "astronaut clip (skimage.data.astronaut, zoom and pan)")


def fallback_clip(kind: str = "synthetic", n_frames: int = 48) -> ClipSource:
    """The headless stand-in for a camera: ``synthetic`` faces or the ``astronaut`` photo, 640x480."""
    if kind == "synthetic":
        return synthetic_clip(n_frames)
    if kind == "astronaut":
        return astronaut_clip(n_frames)
    raise ValueError(f"unknown fallback clip {kind!r}; choose one of {', '.join(FALLBACK_CLIPS)}")


def open_source(
    video: str | Path | None = None, camera: int | None = None, fallback: str = "synthetic", n_frames: int = 48
) -> FrameSource:
    """The video file ``video`` when given, else camera ``camera`` when given, else the fallback clip."""
    if video is not None:
        return VideoFileSource(video)
    if camera is not None:
        return CameraSource(camera)
    return fallback_clip(fallback, n_frames)
