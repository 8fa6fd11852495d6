"""Execute the notebook series headless, in order, writing executed copies to a build folder."""

from __future__ import annotations

import os
import re
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from queue import Empty
from typing import TYPE_CHECKING

import nbformat
from nbclient import NotebookClient

from gimefive_lib.notebook.setup import static_images_available
from gimefive_lib.notebook.slides import add_slide_metadata
from gimefive_lib.notebook.static import add_plotly_png
from gimefive_lib.settings import PROJECT_DIR

if TYPE_CHECKING:
    from jupyter_client import KernelClient

NOTEBOOK_DIR = PROJECT_DIR / "notebooks"


def notebook_paths(folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The notebooks of the series, in lesson order (by their ``NN_`` prefix)."""
    paths = sorted(p for p in folder.glob("[0-9][0-9]_*.ipynb"))
    if not paths:
        raise FileNotFoundError(f"{folder}: no notebooks named NN_*.ipynb")
    return paths


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
POLL_SLICE_S = 1.0
Poll = Callable[..., Awaitable[dict]]


def poll_in_slices(get_msg: Poll, slice_s: float = POLL_SLICE_S) -> Poll:
    """``get_msg`` of an async kernel channel, waiting at most ``slice_s`` per poll until its own timeout.

    A long zmq.asyncio poll can miss the wake-up of a message that has already arrived, and then waits out its whole
    timeout: `make run` hung after notebook 05's widget cell, its kernel idle, facing the 3-hour cell timeout
    (nbclient issue #312). Each slice ends with a non-blocking check of the socket, so a missed wake-up costs at
    most ``slice_s``.
    """

    async def sliced(timeout: float | None = None) -> dict:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = slice_s if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                return await get_msg(timeout=min(slice_s, left))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    return sliced


class _ClosedWidgetsClient(NotebookClient):
    """A notebook client that remembers which widgets the kernel closed while it ran, and polls the kernel's
    replies and outputs in short slices (:func:`poll_in_slices`)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.closed_widgets: set[str] = set()

    async def async_start_new_kernel_client(self) -> KernelClient:
        """Start the kernel client as nbclient does, then make its shell and IOPub polls sliced."""
        client = await super().async_start_new_kernel_client()
        for channel in (client.shell_channel, client.iopub_channel):
            channel.get_msg = poll_in_slices(channel.get_msg)
        return client

    def handle_comm_msg(self, outs: list, msg: dict, cell_index: int) -> None:
        """Record a closed comm, then handle the message as nbclient does."""
        if msg["msg_type"] == "comm_close":
            self.closed_widgets.add(msg["content"]["comm_id"])
        super().handle_comm_msg(outs, msg, cell_index)


def drop_closed_widget_outputs(notebook: nbformat.NotebookNode, closed: set[str]) -> None:
    """Remove the outputs of widgets the kernel closed (a finished ``leave=False`` progress bar): a live page
    removes them too, and stored they only show the text they were created with."""
    for cell in notebook.cells:
        if "outputs" in cell:
            cell.outputs = [out for out in cell.outputs
                            if out.get("data", {}).get(WIDGET_VIEW, {}).get("model_id") not in closed]


# Lines native libraries print to stderr that say nothing to a reader: MediaPipe's TensorFlow Lite and glog start-up
# messages, and OpenCV's note when it writes VP8 into a .webm under another tag. They are dropped from saved outputs.
NATIVE_LOG_NOISE = re.compile(
    r"INFO: Created TensorFlow Lite XNNPACK delegate for CPU\."
    r"|WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR"
    r"|[IWEF]\d{4} [\d:.]+ +\d+ [\w.]+:\d+\] .*"
    r"|OpenCV: FFMPEG: tag 0x[0-9a-f]+/'\w+' is not supported with codec id \d+ and format .*"
    r"|OpenCV: FFMPEG: fallback to use tag 0x[0-9a-f]+/'.*'"
)


def drop_native_log_noise(notebook: nbformat.NotebookNode) -> None:
    """Remove the stderr lines of :data:`NATIVE_LOG_NOISE` from every cell; a stderr output left empty goes."""
    for cell in notebook.cells:
        outputs = []
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                kept = [line for line in out["text"].splitlines(keepends=True)
                        if not NATIVE_LOG_NOISE.fullmatch(line.rstrip("\n"))]
                if not kept:
                    continue
                out["text"] = "".join(kept)
            outputs.append(out)
        if "outputs" in cell:
            cell.outputs = outputs


@contextmanager
def _environment(overrides: dict[str, str]) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in overrides}
    os.environ.update(overrides)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


CELL_TIMEOUT_S = 3 * 3600  # a guard against a hung cell, not a budget: notebook 03 trains six models in one cell


def execute_notebook(
    path: Path, output: Path | None = None, timeout: int = CELL_TIMEOUT_S, env: dict | None = None
) -> float:
    """Run one notebook top to bottom in a fresh kernel; write the executed copy to ``output``; return seconds.
    ``timeout`` is per cell, in seconds."""
    notebook = nbformat.read(path, as_version=4)
    client = _ClosedWidgetsClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
        store_widget_state=True,  # False breaks nbclient when an Output widget receives output
    )
    started = time.perf_counter()
    with _environment(env or {}):
        client.execute()
    drop_closed_widget_outputs(notebook, client.closed_widgets)
    drop_native_log_noise(notebook)
    add_slide_metadata(notebook)
    if static_images_available():
        add_plotly_png(notebook)
    notebook.metadata.pop("widgets", None)  # live widget state is meaningless without the kernel; keep files small
    if output is not None:
        output.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook, output)
    return time.perf_counter() - started


def run_series(
    output_dir: Path, fast: bool = False, only: list[str] | None = None, inplace: bool = False
) -> list[tuple[Path, float]]:
    """Execute every notebook (or those whose name contains one of ``only``) and return (path, seconds) pairs."""
    env = {"GIMEFIVE_FAST": "1"} if fast else {}
    done = []
    for path in notebook_paths():
        if only and not any(key in path.name for key in only):
            continue
        target = path if inplace else output_dir / path.name
        print(f"running {path.name} ...", flush=True)
        seconds = execute_notebook(path, target, env=env)
        print(f"  done in {seconds:.0f} s -> {target}", flush=True)
        done.append((target, seconds))
    return done
