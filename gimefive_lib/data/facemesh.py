"""MediaPipe face mesh (legacy ``mp.solutions.face_mesh``, models bundled, offline): 468 landmarks per face."""

from __future__ import annotations

import cv2
import numpy as np

from gimefive_lib.data.regions import FACEMESH468, LAYOUT_SIZES

MESH_POINTS = LAYOUT_SIZES[FACEMESH468]


def to_rgb(image: np.ndarray, bgr: bool = False) -> np.ndarray:
    """A contiguous uint8 RGB copy of a grayscale, RGB, RGBA or (``bgr=True``) OpenCV BGR image."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got {image.dtype}")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    if image.ndim == 3 and image.shape[2] == 3:
        return np.ascontiguousarray(image[..., ::-1] if bgr else image)
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2RGB if bgr else cv2.COLOR_RGBA2RGB)
    raise ValueError(f"expected an image of shape (H, W) or (H, W, 3|4), got {image.shape}")


class FaceMeshExtractor:
    """468 face-mesh landmarks of the most prominent face; use as ``with FaceMeshExtractor() as mesh:``.

    ``video=True`` tracks landmarks from frame to frame (consecutive video frames); the default treats every
    image on its own. The context manager closes MediaPipe's graph.
    """

    def __init__(self, video: bool = False, min_detection_confidence: float = 0.5) -> None:
        import mediapipe as mp  # optional and slow to import: loaded only when a face mesh is used

        self._mesh = mp.solutions.face_mesh.FaceMesh(
            static_image_mode=not video, max_num_faces=1, refine_landmarks=False,
            min_detection_confidence=min_detection_confidence,
        )

    def __enter__(self) -> FaceMeshExtractor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Release MediaPipe's graph (idempotent)."""
        if self._mesh is not None:
            self._mesh.close()
            self._mesh = None

    def detect(self, image: np.ndarray, bgr: bool = False) -> np.ndarray | None:
        """``(468, 2)`` float32 x, y pixel coordinates of the face in ``image``, or None when no face is found."""
        if self._mesh is None:
            raise RuntimeError("FaceMeshExtractor is closed")
        rgb = to_rgb(image, bgr)
        result = self._mesh.process(rgb)
        if not result.multi_face_landmarks:
            return None
        marks = result.multi_face_landmarks[0].landmark
        height, width = rgb.shape[:2]
        return np.array([(p.x * width, p.y * height) for p in marks[:MESH_POINTS]], dtype=np.float32)
