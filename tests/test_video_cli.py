"""``python -m gimefive_lib video``: frames in = frames out, a CSV row per face, clear errors, nothing half-written."""

from __future__ import annotations

import pandas as pd
import pytest
import torch

from gimefive_lib.cli import main
from gimefive_lib.models import build_model
from gimefive_lib.training.checkpoint import save_atomic
from gimefive_lib.video.frames import VideoFileSource, astronaut_clip
from gimefive_lib.video.lookahead import torch_threads_beside_detector
from gimefive_lib.video.pipeline import FramePipeline
from gimefive_lib.video.writer import AnnotatedVideoWriter


def _checkpoint(path, name: str):
    torch.manual_seed(0)
    return save_atomic({"model": build_model(name).state_dict(), "model_name": name}, path)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """A 4-frame 640x480 clip with a real face and an untrained GiMeFive checkpoint."""
    root = tmp_path_factory.mktemp("video-cli")
    with AnnotatedVideoWriter(root / "astronaut.mp4", 12.0) as writer:
        for image in astronaut_clip(4).images:
            writer.write(image)
    return root / "astronaut.mp4", _checkpoint(root / "gimefive.pt", "gimefive")


def test_cli_annotates_every_frame_and_writes_one_row_per_face(files, tmp_path, capsys):
    clip, checkpoint = files
    out, csv = tmp_path / "out.mp4", tmp_path / "out.csv"
    args = ["--input", str(clip), "--output", str(out), "--csv", str(csv), "--checkpoint", str(checkpoint)]
    code = main(["video", *args])
    printed = capsys.readouterr().out
    assert code == 0
    assert "4 frames processed" in printed and "frames per second" in printed
    assert len(list(VideoFileSource(out))) == 4
    table = pd.read_csv(csv)
    assert len(table) == 4 and (table["frame"].tolist() == [0, 1, 2, 3])


def test_cli_rejects_a_checkpoint_of_another_model(files, tmp_path):
    clip, _ = files
    other = _checkpoint(tmp_path / "baseline.pt", "gimefive_baseline")
    out = tmp_path / "out.mp4"
    with pytest.raises(SystemExit, match="'gimefive_baseline' model, not the 'gimefive' needed"):
        main(["video", "--input", str(clip), "--output", str(out), "--checkpoint", str(other)])
    assert not out.exists()


def test_cli_names_an_unreadable_video_and_writes_nothing(files, tmp_path):
    _, checkpoint = files
    bad = tmp_path / "broken.mp4"
    bad.write_bytes(b"\x00not a video" * 100)
    with pytest.raises(SystemExit, match="broken.mp4: not a readable video"):
        main(["video", "--input", str(bad), "--output", str(tmp_path / "out.mp4"), "--checkpoint", str(checkpoint)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["broken.mp4"]


def test_cli_missing_camera_is_a_clear_error(files):
    _, checkpoint = files
    with pytest.raises(SystemExit, match="no camera at index 97"):
        main(["video", "--camera", "97", "--checkpoint", str(checkpoint)])


def test_cli_without_input_uses_the_fallback_clip(files, tmp_path, capsys):
    _, checkpoint = files
    csv = tmp_path / "fallback.csv"
    main(["video", "--fallback-frames", "2", "--csv", str(csv), "--checkpoint", str(checkpoint), "--no-cam"])
    printed = capsys.readouterr().out
    assert "fallback synthetic clip" in printed and "2 frames processed" in printed
    assert len(pd.read_csv(csv)) == 4  # two synthetic faces in each of the two frames


def test_full_scan_every_is_an_option_that_must_be_positive(files, tmp_path, capsys):
    clip, checkpoint = files
    csv = tmp_path / "every.csv"
    args = ["--input", str(clip), "--csv", str(csv), "--checkpoint", str(checkpoint), "--no-cam"]
    assert main(["video", *args, "--full-scan-every", "1"]) == 0  # a full search on every frame
    assert set(pd.read_csv(csv)["frame"]) == {0, 1, 2, 3}  # a face in every frame
    with pytest.raises(SystemExit) as refused:
        main(["video", *args, "--full-scan-every", "0"])
    assert refused.value.code == 2 and "--full-scan-every" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("extra", "expected"),
    [(["--threads", "1"], lambda before: 1), ([], lambda before: torch_threads_beside_detector()),
     (["--no-lookahead"], lambda before: before)],
)
def test_threads_set_torchs_thread_count_while_the_video_runs(files, tmp_path, monkeypatch, extra, expected):
    clip, checkpoint = files
    before = torch.get_num_threads()
    seen = []
    describe = FramePipeline.describe

    def counting(self, *args, **kwargs):
        seen.append(torch.get_num_threads())
        return describe(self, *args, **kwargs)

    monkeypatch.setattr(FramePipeline, "describe", counting)
    assert main(["video", "--input", str(clip), "--checkpoint", str(checkpoint), "--no-cam", *extra,
                 "--csv", str(tmp_path / "t.csv")]) == 0
    assert seen and set(seen) == {expected(before)}
    assert torch.get_num_threads() == before  # restored afterwards


def test_fp32_keeps_the_faces_and_moves_the_probabilities_by_little(files, tmp_path):
    clip, checkpoint = files
    tables = {}
    for name, extra in (("default", []), ("fp32", ["--fp32"])):
        csv = tmp_path / f"{name}.csv"
        assert main(["video", "--input", str(clip), "--csv", str(csv), "--checkpoint", str(checkpoint), "--no-cam",
                     *extra]) == 0
        tables[name] = pd.read_csv(csv)
    default, fp32 = tables["default"], tables["fp32"]
    assert len(default) == len(fp32) == 4
    numbers = default.select_dtypes("number").columns
    pd.testing.assert_frame_equal(default[numbers], fp32[numbers], atol=0.02, check_exact=False)
