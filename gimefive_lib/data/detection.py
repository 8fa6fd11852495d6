"""Face detection in whole images and frames (MediaPipe's BlazeFace, the paper's OpenCV Haar cascade) and face crops.

BlazeFace is the default: on real faces it finds far more than the cascade, in a tenth of the time (see
``bench/face_detection.py``). Where mediapipe is not installed, :func:`make_detector` falls back to the cascade
with a one-line warning. Crops are squares placed like RAF-DB's aligned faces (the training data): each
detector knows where its boxes sit on such a face (``crop_pad``, ``crop_lift``) and :func:`face_square`
turns a box into the square that the model expects.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from gimefive_lib.data.blazeface import MediaPipeFaceDetector
from gimefive_lib.data.boxes import Box, iou, square_box
from gimefive_lib.data.preprocess import FACE_SIZE, resize_face, to_gray

HAAR_CASCADE = Path(cv2.data.haarcascades) / "haarcascade_frontalface_default.xml"


def face_square(detector: object, box: Box, width: int, height: int) -> Box:
    """The square crop of a ``detector``'s ``box`` that frames the face as RAF-DB's aligned faces do."""
    return square_box(box, getattr(detector, "crop_pad", 0.0), width, height, getattr(detector, "crop_lift", 0.0))


class HaarFaceDetector:
    """OpenCV's ``haarcascade_frontalface_default.xml``, the detector of the GiMeFive paper."""

    # On RAF-DB aligned faces its box is 9 % wider than the aligned crop and centred 3 % of it higher.
    crop_pad, crop_lift = -0.04, -0.03

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


# Where BlazeFace places the eyes (its right-eye and left-eye keypoints) on RAF-DB's aligned faces, as fractions of
# the aligned square (x, y): the mean over 299 RAF-DB train faces pasted into a frame (2026-12-07).
ALIGNED_EYES: tuple[tuple[float, float], tuple[float, float]] = ((0.256, 0.331), (0.712, 0.339))


def eye_aligned_crop(
    image: np.ndarray, right_eye: np.ndarray, left_eye: np.ndarray, size: int = FACE_SIZE
) -> np.ndarray:
    """The grayscale ``size x size`` crop that puts BlazeFace's eye keypoints where they sit on RAF-DB's aligned faces
    (:data:`ALIGNED_EYES`): one rotation, scale and shift, as RAF-DB aligns its faces by the eyes. Edges beyond the
    frame repeat its border."""
    source = np.float32([right_eye, left_eye])
    target = np.float32(ALIGNED_EYES) * size
    matrix, _ = cv2.estimateAffinePartial2D(source, target)
    # warpAffine has no area averaging (INTER_AREA gives the same pixels); shrinking at 4x and then averaging read
    # no better on bench/redetect_accuracy.py's faces
    return cv2.warpAffine(to_gray(image), matrix, (size, size), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


# How :func:`face_crop` frames a face (part of the cache key of datasets cropped by a detector): change it whenever
# the framing changes, so that cached crops are made again.
FACE_CROP = "eye-aligned"


def face_crop(image: np.ndarray, detector: object, box: Box, size: int = FACE_SIZE) -> np.ndarray:
    """The grayscale ``size x size`` crop of the face in ``box`` framed like RAF-DB's aligned faces: by its eyes
    (:func:`eye_aligned_crop`) where the detector locates them (BlazeFace's ``eyes``), else the square of its box
    (:func:`face_square`). Aligning by the eyes also turns a tilted head upright, as RAF-DB's alignment does
    (``bench/redetect_accuracy.py`` measures both)."""
    eyes = detector.eyes(image, box) if hasattr(detector, "eyes") else None
    if eyes is not None:
        return eye_aligned_crop(image, *eyes, size)
    return crop_face(image, face_square(detector, box, image.shape[1], image.shape[0]), size)


def largest_face_crop(image: np.ndarray, detector: FaceDetector, size: int = FACE_SIZE) -> np.ndarray | None:
    """The :func:`face_crop` of the largest detected face, or None when no face is found."""
    boxes = detector.detect(image)
    if not boxes:
        return None
    return face_crop(image, detector, boxes[0], size)


DETECTORS: tuple[str, ...] = ("mediapipe", "mediapipe-full", "haar")
DEFAULT_DETECTOR = "mediapipe"


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

    crop_pad, crop_lift = HaarFaceDetector.crop_pad, HaarFaceDetector.crop_lift

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


def make_detector(name: str = DEFAULT_DETECTOR, *, mirror: bool = True) -> FaceDetector:
    """A detector by name: ``mediapipe`` (default, BlazeFace short range), ``mediapipe-full`` or ``haar`` (the paper's).

    ``mirror=False`` skips BlazeFace's scan of the mirrored frame (see :class:`MediaPipeFaceDetector`), as the
    real-time pipeline does. Without the mediapipe package the BlazeFace names fall back to the Haar cascade, with a
    one-line warning.
    """
    if name == "haar":
        return ScaledHaarDetector()
    if name in ("mediapipe", "mediapipe-full"):
        try:
            return MediaPipeFaceDetector(full_range=name == "mediapipe-full", mirror=mirror)
        except ImportError as error:
            warnings.warn(f"face detector {name!r} needs mediapipe ({error}); using the Haar cascade instead",
                          RuntimeWarning, stacklevel=2)
            return ScaledHaarDetector()
    raise ValueError(f"unknown face detector {name!r}; choose one of {', '.join(DETECTORS)}")
