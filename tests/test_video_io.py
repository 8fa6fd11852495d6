"""Video sources, writers and outputs: clear errors on bad input, no half-written files, the CSV and the timeline."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
import pytest
import torch

from gimefive_lib.labels import EMOTIONS
from gimefive_lib.models import build_model
from gimefive_lib.video.figures import frame_strip, show_frame
from gimefive_lib.video.frames import (
    CameraNotFoundError,
    CameraSource,
    ClipSource,
    VideoFileSource,
    astronaut_clip,
    fallback_clip,
    synthetic_clip,
)
from gimefive_lib.video.lookahead import located_frames
from gimefive_lib.video.pipeline import FramePipeline
from gimefive_lib.video.runner import annotate_video
from gimefive_lib.video.timeline import (
    apex_and_settle,
    box_agreement,
    emotion_timeline,
    emotion_timeline_static,
    faces_left_to_right,
    label_switches,
)
from gimefive_lib.video.writer import CSV_COLUMNS, AnnotatedVideoWriter, browser_video, write_csv


def _frames(n: int = 4) -> np.ndarray:
    """``n`` 640x480 RGB frames with a moving bright square."""
    frames = np.zeros((n, 480, 640, 3), np.uint8)
    for i in range(n):
        frames[i, 100:200, 100 + 20 * i : 200 + 20 * i] = (250, 120, 30)
    return frames


def _write(path, frames, fps=10.0):
    with AnnotatedVideoWriter(path, fps) as writer:
        for frame in frames:
            writer.write(frame)
    return path


def test_written_video_reads_back_frame_for_frame(tmp_path):
    path = _write(tmp_path / "clip.mp4", _frames(5))
    source = VideoFileSource(path)
    frames = list(source)
    assert source.fps == pytest.approx(10.0) and source.size == (640, 480) and len(frames) == 5
    assert [f.index for f in frames] == list(range(5)) and frames[2].time_s == pytest.approx(0.2)
    assert abs(frames[0].image[150, 150].astype(int) - (250, 120, 30)).max() < 40  # RGB order kept


def test_writer_leaves_nothing_when_the_block_fails(tmp_path):
    with pytest.raises(RuntimeError), AnnotatedVideoWriter(tmp_path / "out.mp4", 10.0) as writer:
        writer.write(_frames(1)[0])
        raise RuntimeError("stop in the middle")
    assert list(tmp_path.iterdir()) == []


def test_writer_without_frames_creates_nothing(tmp_path):
    with pytest.raises(ValueError, match="no frames"):
        AnnotatedVideoWriter(tmp_path / "out.mp4", 10.0).close()
    with pytest.raises(ValueError, match="unsupported video suffix"):
        AnnotatedVideoWriter(tmp_path / "out.gif", 10.0)
    assert list(tmp_path.iterdir()) == []


def test_missing_unreadable_and_empty_videos_are_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nothere.mp4: video file not found"):
        VideoFileSource(tmp_path / "nothere.mp4")
    (tmp_path / "garbage.mp4").write_bytes(b"this is not a video" * 50)
    with pytest.raises(ValueError, match="garbage.mp4: not a readable video"):
        VideoFileSource(tmp_path / "garbage.mp4")
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(ValueError, match="empty.mp4"):
        VideoFileSource(tmp_path / "empty.mp4")


def test_missing_camera_is_a_clear_error():
    with pytest.raises(CameraNotFoundError, match="no camera at index 97"):
        CameraSource(97)


def test_synthetic_clip_has_two_faces_with_landmarks_in_640x480():
    clip = synthetic_clip(3)
    frames = list(clip)
    assert clip.images.shape == (3, 480, 640, 3) and clip.fps > 0
    assert len(frames[0].landmarks) == 2
    for points in frames[2].landmarks:
        assert points.shape == (68, 2)
        assert (points >= 0).all() and (points[:, 0] < 640).all() and (points[:, 1] < 480).all()
    assert not np.array_equal(clip.images[0], clip.images[2])  # the faces move and change


def test_astronaut_clip_moves_and_fallback_names_are_checked():
    clip = astronaut_clip(4)
    assert clip.images.shape == (4, 480, 640, 3) and not np.array_equal(clip.images[0], clip.images[1])
    assert fallback_clip("astronaut", 2).frame_count == 2
    with pytest.raises(ValueError, match="unknown fallback clip"):
        fallback_clip("webcam")
    with pytest.raises(ValueError, match="at least one frame"):
        ClipSource(np.empty((0, 480, 640, 3), np.uint8), 10.0, "nothing")


def test_csv_is_written_whole(tmp_path):
    table = pd.DataFrame([[0, 0.0, 0, 1, 2, 3, 4, *([1 / 6] * 6), "happiness"]], columns=list(CSV_COLUMNS))
    path = write_csv(table, tmp_path / "faces.csv")
    assert pd.read_csv(path).columns.tolist() == list(CSV_COLUMNS)
    assert [p.name for p in tmp_path.iterdir()] == ["faces.csv"]


@pytest.fixture(scope="module")
def pipeline() -> FramePipeline:
    torch.manual_seed(0)
    return FramePipeline(build_model("gimefive").eval())


def test_annotate_video_writes_every_frame_and_one_row_per_face(tmp_path, pipeline):
    clip = astronaut_clip(3)
    run = annotate_video(clip, pipeline, tmp_path / "out.mp4", tmp_path / "out.csv")
    assert run.frames == 3 and run.fps > 0
    assert len(list(VideoFileSource(run.output))) == 3
    table = pd.read_csv(run.csv)
    assert len(table) == run.faces == 3  # one face per frame
    assert table[list(EMOTIONS)].sum(axis=1).round(3).eq(1.0).all()
    assert table["face"].nunique() == 1  # tracked as one face through the zoom


def _locating_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "gimefive-locate"]


@pytest.mark.parametrize("lookahead", [True, False])
@pytest.mark.parametrize("stage", ["locate", "describe"])
def test_annotate_video_failure_leaves_no_output(tmp_path, pipeline, monkeypatch, stage, lookahead):
    calls = iter(range(100))
    original = getattr(FramePipeline, stage)

    def failing(*args, **kwargs):
        if next(calls) == 1:
            raise RuntimeError("model exploded")
        return original(pipeline, *args, **kwargs)

    monkeypatch.setattr(pipeline, stage, failing)
    with pytest.raises(RuntimeError, match="model exploded"):
        annotate_video(ClipSource(_frames(3), 10.0, "squares"), pipeline, tmp_path / "out.mp4", tmp_path / "o.csv",
                       lookahead=lookahead)
    assert list(tmp_path.iterdir()) == []
    assert _locating_threads() == []  # the worker that located ahead has stopped


def test_lookahead_gives_the_results_of_one_frame_at_a_time(pipeline):
    clip = astronaut_clip(8)
    ahead = annotate_video(clip, pipeline, lookahead=True).table
    in_turn = annotate_video(clip, pipeline, lookahead=False).table
    boxes = ["frame", "face", "x", "y", "w", "h"]
    assert len(ahead) == 8 and ahead[boxes].equals(in_turn[boxes])
    # torch may run on another number of threads with lookahead: the same sums, maybe in another order
    np.testing.assert_allclose(ahead[list(EMOTIONS)], in_turn[list(EMOTIONS)], atol=1e-3)


def test_located_frames_stop_their_worker_when_the_loop_stops_early(pipeline):
    frames = iter(ClipSource(_frames(20), 10.0, "squares"))
    located = located_frames(frames, pipeline, depth=2)
    frame, faces = next(located)
    assert frame.index == 0 and faces.boxes == [] and _locating_threads()
    located.close()
    assert _locating_threads() == []
    assert next(frames).index <= 4  # the worker read at most depth + 1 frames ahead


def test_emotion_timeline_has_a_line_per_emotion_and_face():
    rows = [
        {"frame": i, "time_s": i / 10, "face": face, **dict(zip(EMOTIONS, np.eye(6)[face], strict=True))}
        for i in range(5) for face in (0, 1)
    ]
    figure = emotion_timeline(pd.DataFrame(rows))
    assert len(figure.data) == 12 and {trace.name for trace in figure.data} == set(EMOTIONS)
    empty = emotion_timeline(pd.DataFrame(columns=list(CSV_COLUMNS)))
    assert len(empty.data) == 0 and "no face" in empty.layout.annotations[0].text
    static = emotion_timeline_static(pd.DataFrame(rows))
    assert len(static.axes) == 2 and len(static.axes[1].lines) == 6


def test_browser_preview_is_a_smaller_webm(tmp_path):
    preview = browser_video(_write(tmp_path / "clip.mp4", _frames(4)), width=320)
    assert preview.suffix == ".webm"
    frames = list(VideoFileSource(preview))
    assert len(frames) == 4 and frames[0].image.shape == (240, 320, 3)


def test_label_switches_counts_flicker_per_face():
    table = pd.DataFrame({"face": [0, 0, 0, 0, 1, 1], "label": ["anger", "fear", "fear", "anger", "fear", "fear"]})
    assert label_switches(table) == 2


def test_frame_figures():
    frames = _frames(5)
    strip = frame_strip(frames)
    assert [ax.get_title() for ax in strip.axes] == ["frame 0", "frame 2", "frame 4"]
    assert show_frame(frames[0], "one").axes[0].get_title() == "one"


def test_probability_bars_grow_with_the_frame_so_a_projected_slide_stays_legible():
    from gimefive_lib.video.draw import bar_scale

    assert bar_scale(240) == bar_scale(480) == 1.0 and bar_scale(1080) == pytest.approx(2.25)


def test_the_camera_preview_shows_what_the_processor_draws():
    from gimefive_lib.video.figures import camera_preview

    frame = np.zeros((48, 64, 3), np.uint8)
    figure = camera_preview(lambda image, time_s: np.full_like(image, 200), frame, "static copy")
    shown = figure.axes[0].images[0].get_array()
    assert shown.shape == (48, 64, 3) and int(shown.min()) == 200
    assert figure.axes[0].get_title() == "static copy"


def _two_faces() -> pd.DataFrame:
    """Face 7 on the right turns to surprise at frame 2; face 3 on the left never settles on happiness."""
    rows = []
    for frame in range(4):
        surprise = 0.9 if frame >= 2 else 0.2
        rows.append({"frame": frame, "time_s": frame / 10, "face": 7, "x": 400, "y": 10, "w": 100, "h": 100,
                     "happiness": 0.1, "surprise": surprise, "label": "surprise" if frame >= 2 else "fear"})
        rows.append({"frame": frame, "time_s": frame / 10, "face": 3, "x": 50 + frame, "y": 10, "w": 80, "h": 80,
                     "happiness": 0.4, "surprise": 0.1, "label": "happiness" if frame < 3 else "anger"})
    return pd.DataFrame(rows)


def test_apex_and_settle_match_faces_left_to_right():
    table = _two_faces()
    assert faces_left_to_right(table) == [3, 7]
    result = apex_and_settle(table, ["happiness", "surprise"], tail=0.5)
    assert result.loc["surprise", "face"] == 7 and result.loc["surprise", "apex"] == pytest.approx(0.9)
    assert result.loc["surprise", "settles_at"] == pytest.approx(0.2)
    assert np.isnan(result.loc["happiness", "settles_at"]) and result.loc["happiness", "apex"] == pytest.approx(0.4)


def test_box_agreement_compares_the_largest_face_per_frame():
    table = _two_faces()
    other = table[table["face"] == 7].assign(x=450, label="fear").iloc[1:]  # misses frame 0, shifted by half a box
    agreement = box_agreement(table, other)
    assert list(agreement.index) == [1, 2, 3]
    assert agreement["iou"].to_numpy() == pytest.approx([1 / 3] * 3)
    assert list(agreement["same_label"]) == [True, False, False] and (agreement["side_first"] == 100).all()
