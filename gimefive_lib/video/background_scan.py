"""Whole-frame searches for new faces on a second detector in a worker thread, so that a live camera never waits
for one.

A full scan (the whole frame and its tiles, each candidate confirmed) takes about 100 ms on two cores, longer
than a camera frame's budget at 10 frames/s: run in turn, every scheduled scan made one answer late. Run here,
it looks at a copy of the frame while the following frames are tracked as usual, and the faces it found that
nobody follows join a later frame (:meth:`FramePipeline.scan_in_background`). Scans that a lost face asks for stay
in turn: that face is wanted in this very frame.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np

from gimefive_lib.data.boxes import Box, iou
from gimefive_lib.data.detection import FaceDetector


class BackgroundScan:
    """One full scan at a time by ``detector`` (its own instance: MediaPipe's detectors are not thread-safe)."""

    def __init__(self, detector: FaceDetector) -> None:
        self.detector = detector
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="gimefive-scan")
        self._pending: Future | None = None

    @property
    def busy(self) -> bool:
        """Whether a scan is running or its faces have not been collected yet."""
        return self._pending is not None

    def submit(self, image: np.ndarray) -> bool:
        """Start scanning a copy of ``image`` unless a scan is still pending; whether one was started."""
        if self._pending is not None:
            return False
        self._pending = self._pool.submit(self.detector.detect, image.copy())
        return True

    def new_faces(self, followed: list[Box], min_iou: float = 0.3) -> list[Box]:
        """The faces of a finished scan that overlap none of the ``followed`` boxes by more than ``min_iou`` (none
        while it runs). An error raised by the scan is raised here."""
        if self._pending is None or not self._pending.done():
            return []
        found, self._pending = self._pending.result(), None
        return [box for box in found if all(iou(box, other) <= min_iou for other in followed)]

    def cancel(self) -> None:
        """Forget the pending scan (a new video starts); a running one finishes unread."""
        self._pending = None

    def close(self) -> None:
        """Stop the worker thread once the running scan (if any) ends."""
        self._pending = None
        self._pool.shutdown(wait=False, cancel_futures=True)
