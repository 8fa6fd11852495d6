"""Face detection (OpenCV Haar cascade, as in the paper) and cropping of faces from whole images."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from gimefive_lib.preprocess import FACE_SIZE, resize_face, to_gray

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
