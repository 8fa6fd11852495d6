"""A small IoU tracker that follows faces from frame to frame and smooths their probabilities (EMA)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gimefive_lib.data.detection import Box, iou


@dataclass
class Track:
    """One followed face: its id, last box, smoothed probabilities and frames since it was last seen."""

    track_id: int
    box: Box
    smoothed: np.ndarray
    missing: int = 0


class IoUTracker:
    """Match each frame's boxes to the previous faces by IoU and keep an exponential moving average per face.

    ``smoothing`` is the weight of the past (0 = no smoothing); a face unseen for more than ``max_missing``
    frames is forgotten, and a box overlapping no known face by ``min_iou`` starts a new track.
    """

    def __init__(self, smoothing: float = 0.6, min_iou: float = 0.3, max_missing: int = 5) -> None:
        if not 0.0 <= smoothing < 1.0:
            raise ValueError(f"smoothing must be in [0, 1), got {smoothing}")
        self.smoothing = smoothing
        self.min_iou = min_iou
        self.max_missing = max_missing
        self.tracks: list[Track] = []
        self._next_id = 0

    def reset(self) -> None:
        """Forget all faces (a new video starts)."""
        self.tracks = []
        self._next_id = 0

    def update(self, boxes: list[Box], probabilities: np.ndarray) -> list[Track]:
        """Assign ``boxes`` (with their ``(N, 6)`` probabilities) to tracks; returns the track of each box in order."""
        pairs = sorted(
            ((iou(box, track.box), i, j) for i, box in enumerate(boxes) for j, track in enumerate(self.tracks)),
            reverse=True,
        )
        matched: dict[int, Track] = {}
        used: set[int] = set()
        for overlap, i, j in pairs:
            if overlap < self.min_iou:
                break
            if i not in matched and j not in used:
                matched[i] = self.tracks[j]
                used.add(j)
        for track in self.tracks:
            track.missing += 1
        assigned = []
        for i, box in enumerate(boxes):
            probs = np.asarray(probabilities[i], dtype=np.float64)
            track = matched.get(i)
            if track is None:
                track = Track(self._next_id, box, probs.copy())
                self._next_id += 1
                self.tracks.append(track)
            else:
                track.smoothed = self.smoothing * track.smoothed + (1.0 - self.smoothing) * probs
            track.box, track.missing = box, 0
            assigned.append(track)
        self.tracks = [t for t in self.tracks if t.missing <= self.max_missing]
        return assigned
