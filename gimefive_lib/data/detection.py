"""Face detection in whole images and frames (the paper's OpenCV Haar cascade, MediaPipe's BlazeFace) and face crops."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from gimefive_lib.data.preprocess import FACE_SIZE, resize_face, to_gray

HAAR_CASCADE = Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"


@dataclass(frozen=True)
class Box:
    """A face box in pixel coordinates: top-left corner, width and height."""

    x: int
    y: int
    w: int
    h: int

    def expanded(self, margin: float, width: int, height: int) -> Box:
        """The box grown by ``margin`` (fraction of its size) on each side, clipped to the image."""
        dx, dy = int(round(self.w * margin)), int(round(self.h * margin))
        x0, y0 = max(0, self.x - dx), max(0, self.y - dy)
        x1, y1 = min(width, self.x + self.w + dx), min(height, self.y + self.h + dy)
        return Box(x0, y0, x1 - x0, y1 - y0)


class HaarFaceDetector:
    """OpenCV's ``haarcascade_frontalface_default.xml``, the detector of the GiMeFive paper."""

    def __init__(self, scale_factor: float = 1.1, min_neighbors: int = 5, min_size: int = 24) -> None:
        if not HAAR_CASCADE.exists():
            raise FileNotFoundError(
                f"{HAAR_CASCADE} is missing: install opencv-python-headless<5 (OpenCV 5 dropped the Haar cascades)"
            )
        self.cascade = cv2.CascadeClassifier(str(HAAR_CASCADE))
        self.scale_factor = scale_factor
        self.min_neighbors = min_neighbors
        self.min_size = min_size

    def detect(self, image: np.ndarray) -> list[Box]:
        """All faces in an RGB or grayscale image, largest first."""
        gray = to_gray(image)
        found = self.cascade.detectMultiScale(
            gray, scaleFactor=self.scale_factor, minNeighbors=self.min_neighbors, minSize=(self.min_size,) * 2
        )
        boxes = [Box(int(x), int(y), int(w), int(h)) for x, y, w, h in found]
        return sorted(boxes, key=lambda b: b.w * b.h, reverse=True)


def crop_face(image: np.ndarray, box: Box, size: int = FACE_SIZE, margin: float = 0.0) -> np.ndarray:
    """The grayscale ``size x size`` crop of ``box`` (grown by ``margin``) from an RGB or gray image."""
    gray = to_gray(image)
    b = box.expanded(margin, gray.shape[1], gray.shape[0])
    return resize_face(gray[b.y : b.y + b.h, b.x : b.x + b.w], size)


def largest_face_crop(image: np.ndarray, detector: HaarFaceDetector, size: int = FACE_SIZE) -> np.ndarray | None:
    """The crop of the largest detected face, or None when no face is found."""
    boxes = detector.detect(image)
    return crop_face(image, boxes[0], size) if boxes else None


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (0 when they do not overlap)."""
    x0, y0 = max(a.x, b.x), max(a.y, b.y)
    x1, y1 = min(a.x + a.w, b.x + b.w), min(a.y + a.h, b.y + b.h)
    inter = max(0, x1 - x0) * max(0, y1 - y0)
    union = a.w * a.h + b.w * b.h - inter
    return inter / union if union > 0 else 0.0


DETECTORS: tuple[str, ...] = ("haar", "mediapipe")


class FaceDetector(Protocol):
    """Anything that finds face boxes in an RGB frame, largest first."""

    def detect(self, image: np.ndarray) -> list[Box]: ...


class ScaledHaarDetector:
    """OpenCV's Haar cascade (as in the paper) run on a frame shrunk by ``scale``; boxes come back in full size.

    Halving a 640x480 frame gives the cascade four times fewer pixels; it finds faces from ``min_size / scale``
    pixels up (64 by default, the paper's minimum face size). Fewer neighbours survive at half size, so the
    paper's 10 become 8 here (7 already removed every false detection on the astronaut clip, 5 did not).
    :meth:`detect_near` searches only around faces already known, at sizes close to theirs.
    """

    def __init__(self, scale: float = 0.5, min_size: int = 32, scale_factor: float = 1.1, min_neighbors: int = 8):
        if not 0.0 < scale <= 1.0:
            raise ValueError(f"scale must be in (0, 1], got {scale}")
        self.scale = scale
        self.haar = HaarFaceDetector(scale_factor=scale_factor, min_neighbors=min_neighbors, min_size=min_size)

    def _scan(self, gray: np.ndarray, region: Box, min_size: int, max_size: int | None = None) -> list[Box]:
        """Cascade hits inside ``region`` of a full-size gray frame, as full-size boxes clipped to the frame."""
        patch = gray[region.y : region.y + region.h, region.x : region.x + region.w]
        if self.scale < 1.0:
            patch = cv2.resize(patch, None, fx=self.scale, fy=self.scale, interpolation=cv2.INTER_AREA)
        if min(patch.shape) < min_size:
            return []
        haar = self.haar
        found = haar.cascade.detectMultiScale(
            patch, scaleFactor=haar.scale_factor, minNeighbors=haar.min_neighbors, minSize=(min_size, min_size),
            maxSize=(max_size, max_size) if max_size else (0, 0),
        )
        height, width = gray.shape
        boxes = []
        for x, y, w, h in found:
            x0, y0 = region.x + int(round(x / self.scale)), region.y + int(round(y / self.scale))
            w0, h0 = int(round(w / self.scale)), int(round(h / self.scale))
            boxes.append(Box(x0, y0, min(w0, width - x0), min(h0, height - y0)))
        return boxes

    def detect(self, image: np.ndarray) -> list[Box]:
        """All faces, largest first, in the frame's pixel coordinates."""
        gray = to_gray(image)
        boxes = self._scan(gray, Box(0, 0, gray.shape[1], gray.shape[0]), self.haar.min_size)
        return sorted(boxes, key=lambda b: b.w * b.h, reverse=True)

    def detect_near(
        self, image: np.ndarray, known: list[Box], grow: float = 0.3, sizes: tuple[float, float] = (0.75, 1.33)
    ) -> list[Box]:
        """The faces found again near ``known`` boxes (each grown by ``grow``, ``sizes`` times theirs), largest first.

        Several times cheaper than :meth:`detect`; it cannot find faces that were not there before.
        """
        gray = to_gray(image)
        height, width = gray.shape
        found: list[Box] = []
        for box in known:
            size = box.w * self.scale
            min_size, max_size = max(self.haar.min_size, int(sizes[0] * size)), int(sizes[1] * size) + 1
            hits = self._scan(gray, box.expanded(grow, width, height), min_size, max_size)
            best = max(hits, key=lambda b: iou(b, box), default=None)
            if best is not None and all(iou(best, other) < 0.5 for other in found):
                found.append(best)
        return sorted(found, key=lambda b: b.w * b.h, reverse=True)


class MediaPipeFaceDetector:
    """MediaPipe's short-range face detector (BlazeFace), bundled with the ``mediapipe`` wheel (no download)."""

    def __init__(self, min_confidence: float = 0.5) -> None:
        import mediapipe as mp  # optional and slow to import: loaded only when this detector is used

        self.detector = mp.solutions.face_detection.FaceDetection(min_detection_confidence=min_confidence)

    def detect(self, image: np.ndarray) -> list[Box]:
        """All faces, largest first, clipped to the frame."""
        rgb = np.ascontiguousarray(cv2.cvtColor(image, cv2.COLOR_GRAY2RGB) if image.ndim == 2 else image[..., :3])
        height, width = rgb.shape[:2]
        boxes = []
        for detection in self.detector.process(rgb).detections or []:
            r = detection.location_data.relative_bounding_box
            x0, y0 = max(0, int(r.xmin * width)), max(0, int(r.ymin * height))
            x1, y1 = min(width, int((r.xmin + r.width) * width)), min(height, int((r.ymin + r.height) * height))
            if x1 - x0 > 1 and y1 - y0 > 1:
                boxes.append(Box(x0, y0, x1 - x0, y1 - y0))
        return sorted(boxes, key=lambda b: b.w * b.h, reverse=True)


def make_detector(name: str = "haar") -> FaceDetector:
    """A detector by name: ``haar`` (default, the paper's) or ``mediapipe``."""
    if name == "haar":
        return ScaledHaarDetector()
    if name == "mediapipe":
        return MediaPipeFaceDetector()
    raise ValueError(f"unknown face detector {name!r}; choose one of {', '.join(DETECTORS)}")
