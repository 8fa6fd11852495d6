"""The webcam widget's kernel side: JPEG frames in, annotated JPEG frames out, failures reported, never raised."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from gimefive_lib.models import build_model
from gimefive_lib.video.frames import astronaut_clip
from gimefive_lib.video.pipeline import FramePipeline
from gimefive_lib.video.webcam import WebcamWidget, decode_jpeg, encode_jpeg, webcam_widget


def _mark(image: np.ndarray, time_s: float) -> np.ndarray:
    """A processor that paints the top-left corner red."""
    out = image.copy()
    out[:32, :32] = (255, 0, 0)
    return out


@pytest.fixture
def sent(monkeypatch):
    """The widget's outgoing custom messages, captured instead of sent to a frontend."""
    messages = []
    monkeypatch.setattr(WebcamWidget, "send", lambda self, content, buffers=None: messages.append((content, buffers)))
    return messages


def test_frame_message_is_answered_with_the_annotated_frame(sent):
    widget = WebcamWidget(process=_mark)
    frame = np.full((48, 64, 3), 90, np.uint8)
    widget._on_custom_message(widget, {"type": "frame", "seq": 7, "time_ms": 500.0}, [encode_jpeg(frame)])
    (content, buffers), = sent
    assert content == {"type": "annotated", "seq": 7}
    reply = decode_jpeg(bytes(buffers[0]))
    assert reply.shape == frame.shape
    assert reply[:32, :32, 0].mean() > 200 and reply[40:, 40:, 0].mean() < 120
    assert widget.frames_processed == 1 and widget.processing_ms > 0 and widget.error == ""


def test_a_bad_frame_sets_error_and_the_stream_goes_on(sent):
    widget = WebcamWidget(process=_mark)
    widget._on_custom_message(widget, {"type": "frame", "seq": 1}, [b"not a jpeg"])
    assert sent[-1][0] == {"type": "failed", "seq": 1}
    assert "frame 1 failed" in widget.error and "not a JPEG" in widget.error
    widget._on_custom_message(widget, {"type": "frame", "seq": 2}, [encode_jpeg(np.zeros((8, 8, 3), np.uint8))])
    assert sent[-1][0]["type"] == "annotated" and widget.error == "" and widget.frames_processed == 1


def test_other_messages_are_ignored(sent):
    widget = WebcamWidget()
    widget._on_custom_message(widget, {"type": "hello"}, [])
    assert sent == [] and widget.frames_processed == 0


def test_start_stop_and_settings_are_traits():
    widget = WebcamWidget(fps=12, width=320, height=240)
    widget.start()
    assert widget.running
    widget.stop()
    assert not widget.running
    assert {"fps", "width", "height", "running", "error", "frames_processed"} <= set(widget.keys)


def test_webcam_widget_runs_the_pipeline_on_browser_frames():
    torch.manual_seed(0)
    widget = webcam_widget(FramePipeline(build_model("gimefive").eval()), fps=8)
    frame = astronaut_clip(1).images[0]
    reply = decode_jpeg(widget.handle_jpeg(encode_jpeg(frame, 95), time_s=0.1))
    assert reply.shape == frame.shape and widget.fps == 8
    assert np.abs(reply.astype(int) - frame).mean() > 1.0  # box, label, bars and Grad-CAM drawn


def test_webcam_widget_counts_the_frames_with_faces_and_restores_torch_threads():
    torch.manual_seed(0)
    threads = torch.get_num_threads()
    widget = webcam_widget(FramePipeline(build_model("gimefive").eval()), threads=1)
    assert widget.fps >= 10  # the default rate: as fast as the kernel answers, up to fps
    face = astronaut_clip(1).images[0]
    widget.handle_jpeg(encode_jpeg(face, 90))
    assert widget.faces >= 1 and widget.frames_with_faces == 1
    widget.handle_jpeg(encode_jpeg(np.full_like(face, 128), 90))
    assert widget.faces == 0 and widget.frames_with_faces == 1 and widget.frames_processed == 2
    assert torch.get_num_threads() == threads
