"""End to end in a real browser: JupyterLab 4 shows the webcam widget in headless Chromium with a fake camera.

Asserts that JPEG frames from ``getUserMedia`` reach the Python handler in the kernel and that annotated
frames come back to the page, that a denied camera permission shows up in the widget and in Python, and that
with a camera filming real faces (Chromium's fake camera playing a .y4m clip: RAF-DB faces from ``../shared/data``
when it is there, else the astronaut's) the kernel finds a face in at least 95 % of the frames it answers.
Needs Debian's ``chromium`` (``apt-get install chromium``) and the ``playwright`` pip package; skips otherwise.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import cv2
import numpy as np
import pytest
from lab_server import TOKEN, running_lab

from gimefive_lib.data.scenes import face_clip, real_faces

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
]
MIN_FRAMES = 5
FACE_FRAMES, FACE_SHARE = 40, 0.95  # frames answered in the face-clip test (4 s: 4 faces), share with a face
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt install)"),
]

NOTEBOOK_CELL = """\
import pathlib
import torch
from gimefive_lib.models import build_model
from gimefive_lib.video import FramePipeline
from gimefive_lib.video.webcam import webcam_widget

def write_atomically(name, text):  # the test reads these files while the kernel may be writing them
    pathlib.Path(name + ".tmp").write_text(text)
    pathlib.Path(name + ".tmp").replace(name)

torch.manual_seed(0)
widget = webcam_widget(FramePipeline(build_model("gimefive").eval()), fps=10, width=320, height=240)
widget.observe(lambda change: write_atomically("frames.txt", str(change["new"])), "frames_processed")
widget.observe(lambda change: write_atomically("error.txt", change["new"]), "error")
widget
"""

FACES_CELL = """\
import json
import pathlib
import torch
from gimefive_lib.models import build_model
from gimefive_lib.video import FramePipeline
from gimefive_lib.video.webcam import webcam_widget

def write_counts(change):
    text = json.dumps({"processed": widget.frames_processed, "with_faces": widget.frames_with_faces})
    pathlib.Path("counts.tmp").write_text(text)
    pathlib.Path("counts.tmp").replace("counts.json")

torch.manual_seed(0)
widget = webcam_widget(FramePipeline(build_model("gimefive").eval()), width=640, height=480)
widget.observe(write_counts, "frames_processed")
widget
"""


def _write_notebook(path: Path, source: str) -> None:
    notebook = {
        "cells": [{"cell_type": "code", "execution_count": None, "id": "webcam", "metadata": {}, "outputs": [],
                   "source": source}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook))


@pytest.fixture
def jupyter_lab(tmp_path):
    """A JupyterLab server on 127.0.0.1 serving ``tmp_path``; yields (url of a notebook without its name, root)."""
    root, home = tmp_path / "root", tmp_path / "home"
    root.mkdir()
    home.mkdir()
    _write_notebook(root / "webcam.ipynb", NOTEBOOK_CELL)
    _write_notebook(root / "faces.ipynb", FACES_CELL)
    with running_lab(root, home, tmp_path / "jupyter.log") as base:
        yield f"{base}/lab/tree/{{}}.ipynb?token={TOKEN}", root


RUN_NOTEBOOK = """async () => {
    const app = window.jupyterapp;
    const panel = app.shell.currentWidget;
    await panel.context.ready;
    await panel.sessionContext.ready;
    await app.commands.execute("notebook:run-all-cells");
    return panel.sessionContext.session.kernel.name;
}"""

DENY_CAMERA = """() => {
    const denied = new DOMException("denied by the test", "NotAllowedError");
    navigator.mediaDevices.getUserMedia = () => Promise.reject(denied);
}"""


def _open_widget(page, url: str):
    """Open the notebook at ``url``, run it and return the widget's element."""
    page.goto(url, timeout=120_000)
    page.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
        " && window.jupyterapp.shell.currentWidget.sessionContext",
        timeout=120_000,
    )
    assert page.evaluate(RUN_NOTEBOOK) == "python3"
    return page.wait_for_selector(".gimefive-webcam", timeout=240_000)


def test_browser_camera_frames_reach_the_kernel_and_come_back_annotated(jupyter_lab):
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright pip package")
    url, root = jupyter_lab
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            widget = _open_widget(page, url.format("webcam"))

            widget.query_selector(".gw-start").click()
            page.wait_for_function(
                f"() => Number(document.querySelector('.gimefive-webcam').dataset.received || 0) >= {MIN_FRAMES}",
                timeout=240_000,
            )
            widget.query_selector(".gw-stop").click()
            # the page counts a frame when it hands the JPEG to the <img>; wait for the last one to be decoded
            view = "document.querySelector('.gimefive-webcam .gw-view')"
            page.wait_for_function(f"() => {view}.complete && {view}.naturalWidth > 0", timeout=30_000)
            shown = page.evaluate(f"() => [{view}.naturalWidth, {view}.naturalHeight]")
            # Python's handler ran at least as often as the page received annotated frames.
            processed = int((root / "frames.txt").read_text())
            received = int(widget.get_attribute("data-received"))
            assert processed >= received >= MIN_FRAMES
            assert shown == [320, 240]
            assert not (root / "error.txt").exists()

            page.evaluate(DENY_CAMERA)
            widget.query_selector(".gw-start").click()
            page.wait_for_selector(".gimefive-webcam .gw-error >> text=camera permission denied", timeout=30_000)
            deadline = time.monotonic() + 30
            while not (root / "error.txt").exists() and time.monotonic() < deadline:
                time.sleep(0.5)
            assert (root / "error.txt").read_text() == "camera permission denied"
        finally:
            browser.close()


def write_y4m(path: Path, frames_rgb: np.ndarray, fps: int = 10) -> None:
    """An uncompressed YUV4MPEG2 clip (I420) of RGB frames, what Chromium's fake camera plays from a file."""
    height, width = frames_rgb.shape[1:3]
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for frame in frames_rgb:
            out.write(b"FRAME\n")
            out.write(cv2.cvtColor(np.ascontiguousarray(frame[..., ::-1]), cv2.COLOR_BGR2YUV_I420).tobytes())


def faces_clip(faces: int = 8, frames_per_face: int = 10) -> np.ndarray:
    """One clear face per frame, 100-300 px, drifting over a background; another face every second (10 fps)."""
    source = real_faces(DATA if DATA.is_dir() else None, faces, seed=7)
    rng = np.random.default_rng(0)
    return np.concatenate([face_clip([face], frames_per_face, rng, sizes=(100, 300))[0] for face in source.images])


def test_browser_camera_filming_real_faces_gets_them_annotated(jupyter_lab, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright pip package")
    url, root = jupyter_lab
    clip = tmp_path / "faces.y4m"
    write_y4m(clip, faces_clip())
    with sync_api.sync_playwright() as playwright:
        args = [*CHROMIUM_ARGS, f"--use-file-for-fake-video-capture={clip}"]
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        try:
            page = browser.new_page()
            widget = _open_widget(page, url.format("faces"))
            widget.query_selector(".gw-start").click()
            page.wait_for_function(
                f"() => Number(document.querySelector('.gimefive-webcam').dataset.received || 0) >= {FACE_FRAMES}",
                timeout=240_000,
            )
            rate = float(widget.get_attribute("data-rate"))
            widget.query_selector(".gw-stop").click()
            received = int(widget.get_attribute("data-received"))
            shown = page.evaluate(
                "() => { const img = document.querySelector('.gimefive-webcam .gw-view');"
                " return [img.naturalWidth, img.naturalHeight]; }"
            )
        finally:
            browser.close()
    time.sleep(1)  # the last answer's counts
    counts = json.loads((root / "counts.json").read_text())
    print(f"face clip: {received} frames answered at {rate} frames/s; kernel: {counts}")
    assert shown == [640, 480]
    assert counts["processed"] >= received >= FACE_FRAMES
    assert counts["with_faces"] >= FACE_SHARE * counts["processed"]
