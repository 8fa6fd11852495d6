"""A small IoU tracker that follows faces from frame to frame and smooths their probabilities (EMA)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gimefive_lib.data.boxes import Box, match_boxes


@dataclass
class Track:
    """One followed face: its id, last box, smoothed probabilities, frames since it was last seen and how far its
    box moved per frame (x, y) between its last two sightings."""

    track_id: int
    box: Box
    smoothed: np.ndarray | None = None  # None until the face's first probabilities are observed
    missing: int = 0
    motion: tuple[int, int] = (0, 0)

    @property
    def predicted(self) -> Box:
        """Where the box will be in the next frame if the face keeps moving as it did (may leave the frame)."""
        dx, dy = self.motion
        return Box(self.box.x + dx, self.box.y + dy, self.box.w, self.box.h)


class IoUTracker:
    """Match each frame's boxes to the previous faces by IoU and keep an exponential moving average per face.

    A box is matched against where each face is predicted to be (:attr:`Track.predicted`), so a face that moves
    steadily by a good part of its size between frames (a camera sampled at 10 frames/s) keeps its track.

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
        tracks = self.assign(boxes)
        self.observe(tracks, probabilities)
        return tracks

    def assign(self, boxes: list[Box]) -> list[Track]:
        """Match ``boxes`` to the tracks (a new track for a box matching none) and move them; returns the track of
        each box in order. Only the boxes change here, so the next frame's boxes can be assigned while this
        frame's faces are still being classified (:meth:`observe`)."""
        pairs = match_boxes(boxes, [track.predicted for track in self.tracks], self.min_iou)
        matched = {i: self.tracks[j] for i, j in pairs.items()}
        for track in self.tracks:
            track.missing += 1
        assigned = []
        for i, box in enumerate(boxes):
            track = matched.get(i)
            if track is None:
                track = Track(self._next_id, box)
                self._next_id += 1
                self.tracks.append(track)
            else:
                frames = track.missing  # frames since its last sighting, this one included
                track.motion = (round((box.x + box.w / 2 - track.box.x - track.box.w / 2) / frames),
                                round((box.y + box.h / 2 - track.box.y - track.box.h / 2) / frames))
            track.box, track.missing = box, 0
            assigned.append(track)
        self.tracks = [t for t in self.tracks if t.missing <= self.max_missing]
        return assigned

    def observe(self, tracks: list[Track], probabilities: np.ndarray) -> None:
        """Fold each face's ``(N, 6)`` probabilities into its track's moving average (a new track starts from them)."""
        for track, row in zip(tracks, probabilities, strict=True):
            probs = np.asarray(row, dtype=np.float64)
            if track.smoothed is None:
                track.smoothed = probs.copy()
            else:
                track.smoothed = self.smoothing * track.smoothed + (1.0 - self.smoothing) * probs
