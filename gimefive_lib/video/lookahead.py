"""Read and locate the next frames in a second thread while the current one is classified, explained and drawn.

On two CPU cores the frame pipeline's halves use different libraries: MediaPipe finds the faces
(:meth:`FramePipeline.locate`) and torch classifies them and runs Grad-CAM (:meth:`FramePipeline.describe`).
Run one after the other, each waits for the other; run side by side, torch on one thread and the detector on
the other core, the ``video`` command made 55-57 against 42-50 frames/s with one real face and 30-34 against
22-28 with four (2 cores, 300-frame clips, paired runs against ``--no-lookahead``, 2026-12-07). A full scan for
new faces (about 90 ms) no longer stalls the frames: the queue holds ``depth`` frames located ahead. Both
halves see the frames in order, so the results are those of :meth:`FramePipeline.process`, frame by frame.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterable, Iterator

from gimefive_lib.video.frames import Frame
from gimefive_lib.video.pipeline import FramePipeline, LocatedFaces

_DONE = object()


class _Failed:
    """An exception raised in the worker thread, to be raised again in the caller's."""

    def __init__(self, error: BaseException) -> None:
        self.error = error


def torch_threads_beside_detector() -> int:
    """Torch threads that leave one core to the detector's thread: the usable cores less one, at least one."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, cores - 1)


def located_frames(
    frames: Iterable[Frame], pipeline: FramePipeline, depth: int = 8
) -> Iterator[tuple[Frame, LocatedFaces]]:
    """Each frame of ``frames`` with its faces located (:meth:`FramePipeline.locate`), read and located up to
    ``depth`` frames ahead in a worker thread; describe each (:meth:`FramePipeline.describe`) in the order given.

    An error raised while reading or locating (a broken file, a camera unplugged, Ctrl-C inside the reader) is
    raised again here, at the frame it stopped; closing the iterator early (``break``, an error while
    describing) stops the worker and waits for it, so no thread outlives the loop.
    """
    handoff: queue.Queue = queue.Queue(maxsize=max(1, depth))
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def work() -> None:
        try:
            for frame in frames:
                if stop.is_set() or not put((frame, pipeline.locate(frame.image))):
                    return
        except BaseException as error:  # handed to the caller's thread, which raises it again
            put(_Failed(error))
            return
        put(_DONE)

    worker = threading.Thread(target=work, name="gimefive-locate", daemon=True)
    worker.start()
    try:
        while True:
            item = handoff.get()
            if item is _DONE:
                return
            if isinstance(item, _Failed):
                raise item.error
            yield item
    finally:
        stop.set()
        worker.join()
