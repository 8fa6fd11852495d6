"""Facial landmarks for video frames: MediaPipe's face mesh (468 points), matched to the detected face boxes."""

from __future__ import annotations

import numpy as np

from gimefive_lib.data.detection import Box


def _contains(box: Box, point: np.ndarray) -> bool:
    """True when the (x, y) point lies inside the box."""
    return box.x <= point[0] <= box.x + box.w and box.y <= point[1] <= box.y + box.h


def assign_to_boxes(point_sets: list[np.ndarray], boxes: list[Box]) -> list[np.ndarray | None]:
    """For each box, the point set ``(K, 2)`` whose centre lies inside it (closest centre first), or None."""
    assigned: list[np.ndarray | None] = [None] * len(boxes)
    free = list(range(len(point_sets)))
    for i, box in enumerate(boxes):
        centre = np.array([box.x + box.w / 2, box.y + box.h / 2])
        inside = [k for k in free if _contains(box, point_sets[k].mean(axis=0))]
        if inside:
            best = min(inside, key=lambda k: float(np.linalg.norm(point_sets[k].mean(axis=0) - centre)))
            assigned[i] = point_sets[best]
            free.remove(best)
    return assigned


class MediaPipeLandmarker:
    """MediaPipe face mesh in video mode (tracks between frames); bundled with the ``mediapipe`` wheel."""

    def __init__(self, max_faces: int = 4) -> None:
        import mediapipe as mp  # optional and slow to import: loaded only when this detector is used

        self.mesh = mp.solutions.face_mesh.FaceMesh(static_image_mode=False, max_num_faces=max_faces)

    def locate(self, image: np.ndarray, boxes: list[Box]) -> list[np.ndarray | None]:
        """468 (x, y) pixel landmarks for each box of an RGB frame (None where the mesh found no face)."""
        if not boxes:
            return []
        height, width = image.shape[:2]
        found = self.mesh.process(np.ascontiguousarray(image[..., :3])).multi_face_landmarks or []
        point_sets = [
            np.array([(p.x * width, p.y * height) for p in face.landmark], dtype=np.float32) for face in found
        ]
        return assign_to_boxes(point_sets, boxes)
