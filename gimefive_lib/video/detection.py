"""Face detectors for video frames: the paper's Haar cascade on a downscaled frame, or MediaPipe face detection."""

from __future__ import annotations

from typing import Protocol

import cv2
import numpy as np

from gimefive_lib.faces import Box, HaarFaceDetector
from gimefive_lib.preprocess import to_gray
from gimefive_lib.video.tracking import iou

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
        import mediapipe as mp

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
