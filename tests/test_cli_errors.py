"""One error boundary for every command: a user's mistake is one line naming the culprit, exit 1, no traceback,
nothing written; Ctrl-C exits 130; ``--debug`` shows the traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from gimefive_lib.cli import export as export_command
from gimefive_lib.cli import main
from gimefive_lib.settings import SHIPPED_CHECKPOINT


class _Payload:
    def __init__(self, marker: str) -> None:
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.fixture
def bad_files(tmp_path):
    evil = tmp_path / "evil.pt"
    torch.save({"model_name": "gimefive", "model": {}, "x": _Payload(str(tmp_path / "payload-ran"))}, evil)
    cut = tmp_path / "cut.pt"
    cut.write_bytes(SHIPPED_CHECKPOINT.read_bytes()[:50_000])
    folder = tmp_path / "a-folder.pt"
    folder.mkdir()
    return {"EVIL": evil, "CUT": cut, "FOLDER": folder, "OUT": tmp_path / "out.pt", "MISSING": tmp_path / "nowhere",
            "TMP": tmp_path}


CASES = [
    ("evaluate", ["--checkpoint", "EVIL"], {}, "evil.pt: refused to load"),
    ("evaluate", ["--checkpoint", "CUT"], {}, "cut.pt: not a readable PyTorch checkpoint"),
    ("evaluate", ["--checkpoint", "FOLDER"], {}, "a-folder.pt: is a folder"),
    ("evaluate", ["--checkpoint", "MISSING"], {}, "nowhere: checkpoint not found"),
    ("evaluate", ["--dataset", "banana", "--root", "TMP"], {}, "unknown dataset 'banana'"),
    ("evaluate", ["--dataset", "rafdb", "--root", "MISSING"], {}, "nowhere: dataset folder not found"),
    ("evaluate", ["--dataset", "rafdb", "--root", "TMP"], {"GIMEFIVE_SEED": "abc"}, "GIMEFIVE_SEED='abc'"),
    ("export", ["--checkpoint", "EVIL", "--output", "OUT"], {}, "evil.pt: refused to load"),
    ("export", ["--checkpoint", "CUT", "--output", "OUT"], {}, "cut.pt"),
]


@pytest.mark.parametrize(("command", "options", "environment", "message"), CASES)
def test_a_user_mistake_is_one_line_naming_the_culprit(bad_files, monkeypatch, command, options, environment, message):
    for key, value in environment.items():
        monkeypatch.setenv(key, value)
    before = sorted(p.name for p in bad_files["TMP"].iterdir())
    argv = [command, *(str(bad_files.get(option, option)) for option in options)]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert isinstance(stop.value.code, str) and "\n" not in stop.value.code
    assert stop.value.code.startswith(f"python -m gimefive_lib {command}: error: ") and message in stop.value.code
    assert sorted(p.name for p in bad_files["TMP"].iterdir()) == before  # nothing written, no payload marker


def test_ctrl_c_exits_130_with_one_line(bad_files, capsys, monkeypatch):
    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setattr(export_command, "run", interrupted)
    assert main(["export", "--checkpoint", str(bad_files["CUT"]), "--output", str(bad_files["OUT"])]) == 130
    assert capsys.readouterr().err == "python -m gimefive_lib export: interrupted\n"


@pytest.mark.parametrize("how", ["flag", "environment"])
def test_debug_shows_the_traceback(bad_files, monkeypatch, how):
    argv = ["evaluate", "--checkpoint", str(bad_files["CUT"])]
    if how == "flag":
        argv.insert(0, "--debug")
    else:
        monkeypatch.setenv("GIMEFIVE_DEBUG", "1")
    with pytest.raises(ValueError, match="cut.pt"):
        main(argv)


@pytest.mark.parametrize("command", ["evaluate", "train"])
@pytest.mark.parametrize(("device", "message"), [("banana", "choose one of auto, cpu, cuda"),
                                                 ("cuda:7", "no such CUDA GPU (found:")])
def test_a_device_the_machine_lacks_is_refused_by_every_command_alike(monkeypatch, tmp_path, command, device, message):
    if device.startswith("cuda") and torch.cuda.device_count() > 7:
        pytest.skip("this machine has 8 GPUs")
    monkeypatch.setenv("GIMEFIVE_DEVICE", device)
    extra = ["--out", str(tmp_path / "run"), "--epochs", "1"] if command == "train" else []
    with pytest.raises(SystemExit) as stop:
        main([command, "--dataset", "rafdb", "--root", str(tmp_path), *extra])
    assert f"device '{device}'" in stop.value.code and message in stop.value.code
    assert not (tmp_path / "run").exists()


def test_from_the_shell_a_hostile_checkpoint_is_one_line_on_stderr_and_exit_1(bad_files):
    result = subprocess.run([sys.executable, "-m", "gimefive_lib", "evaluate", "--checkpoint", str(bad_files["EVIL"])],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "evil.pt: refused to load" in result.stderr
    assert not (bad_files["TMP"] / "payload-ran").exists()


@pytest.mark.parametrize(("command", "argv", "message"), [
    ("train", ["--batch-size", "-8"], "argument --batch-size: must be a whole number of 1 or more, got '-8'"),
    ("train", ["--epochs", "0"], "argument --epochs: must be a whole number of 1 or more, got '0'"),
    ("train", ["--size", "0"], "argument --size: must be a whole number of 16 or more, got '0'"),
    ("train", ["--lr", "abc"], "argument --lr: must be a number, got 'abc'"),
    ("compare", ["--holdout", "1.5"], "argument --holdout: must lie in [0, 1), got '1.5'"),
    ("explain", ["--opacity", "2"], "argument --opacity: must lie in [0, 1], got '2'"),
    ("video", ["--max-frames", "-1"], "argument --max-frames: must be a whole number of 1 or more, got '-1'"),
])
def test_out_of_range_options_stop_before_any_work_naming_option_and_value(capsys, command, argv, message):
    with pytest.raises(SystemExit) as stop:
        main([command, *argv])
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.parametrize(("command", "option"), [("export", "--output"), ("landmarks", "--out"), ("video", "--csv")])
def test_an_output_that_is_a_folder_is_refused_before_any_work(capsys, tmp_path, command, option):
    argv = [command, option, str(tmp_path)]
    if command == "export":
        argv += ["--checkpoint", str(SHIPPED_CHECKPOINT)]
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 2
    assert f"argument {option}: {str(tmp_path)!r} is a folder; give a file name" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_train_refuses_a_folder_holding_a_run_unless_resume_or_overwrite(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    (run / "best.pt").write_bytes(b"a finished run's weights")
    with pytest.raises(SystemExit) as stop:
        main(["train", "--out", str(run), "--epochs", "1"])
    assert "holds a run (best.pt): add --resume to continue it or --overwrite to replace it" in stop.value.code
    assert (run / "best.pt").read_bytes() == b"a finished run's weights"


@pytest.mark.slow
def test_overwrite_replaces_the_run_and_a_killed_saves_temp_file_is_removed(tmp_path, capsys):
    run = tmp_path / "run"
    run.mkdir()
    (run / "best.pt").write_bytes(b"old")
    (run / "last.pt.k2j4x9a1.tmp").write_bytes(b"half a checkpoint")
    small = ["--synthetic-n", "60", "--size", "32", "--epochs", "1", "--batch-size", "16", "--no-progress"]
    assert main(["train", "--out", str(run), "--overwrite", *small]) == 0
    assert sorted(p.name for p in run.iterdir()) == ["best.pt", "history.csv", "last.pt"]
    assert (run / "best.pt").read_bytes() != b"old"
    assert "removed" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "message"), [
    (["export", "--checkpoint", "X", "--output", "X"], "--output X is the --checkpoint file"),
    (["video", "--input", "X", "--output", "X"], "--output X is the --input file"),
    (["video", "--input", "X", "--csv", "X"], "--csv X is the --input file"),
])
def test_an_output_that_is_its_own_input_is_refused(tmp_path, argv, message):
    clip = tmp_path / "X"
    clip.write_bytes(b"precious input")
    with pytest.raises(SystemExit) as stop:
        main([str(clip) if arg == "X" else arg for arg in argv])
    assert message.replace("X", str(clip)) in stop.value.code
    assert clip.read_bytes() == b"precious input" and sorted(tmp_path.iterdir()) == [clip]


@pytest.mark.parametrize(("argv", "message"), [
    (["explain", "--target", "joy"], "--target 'joy': use 'predicted' or an emotion: happiness"),
    (["explain", "--layer", "block9"], "--layer 'block9': GiMeFive's layers are block1, block2"),
    (["explain", "benchmark", "--layers", "block2", "conv7"], "--layer 'conv7'"),
    (["explain", "--checkpoint", "MISSING"], "nowhere: checkpoint not found"),
    (["video", "--output", "OUT.mkv"], "unsupported video suffix; use one of .mp4, .webm, .avi"),
    (["video", "--input", "MISSING", "--output", "OUT.mp4"], "nowhere"),
    (["landmarks", "--dataset", "banana", "--root", "TMP", "--out", "OUT.json"], "banana"),
])
def test_explain_video_and_landmarks_stop_before_any_work(bad_files, monkeypatch, argv, message):
    trained = []
    monkeypatch.setattr("gimefive_lib.cli.explain.synthetic_model", lambda *a, **k: trained.append(1))
    swap = {"MISSING": str(bad_files["MISSING"]), "TMP": str(bad_files["TMP"])}
    argv = [swap.get(arg, arg).replace("OUT", str(bad_files["TMP"] / "out")) for arg in argv]
    before = sorted(p.name for p in bad_files["TMP"].iterdir())
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert f"python -m gimefive_lib {argv[0]}: error: " in stop.value.code and message in stop.value.code
    assert not trained and sorted(p.name for p in bad_files["TMP"].iterdir()) == before


def test_a_killed_runs_partial_video_is_removed_by_the_next_run(tmp_path):
    from gimefive_lib.video.writer import AnnotatedVideoWriter

    output = tmp_path / "clip.mp4"
    stale = tmp_path / ".clip.0badcafe.partial.mp4"
    stale.write_bytes(b"half a video")
    other = tmp_path / ".other.0badcafe.partial.mp4"
    other.write_bytes(b"another output's")
    with AnnotatedVideoWriter(output, fps=10) as writer:
        writer.write(np.zeros((32, 32, 3), np.uint8))
    assert output.exists() and not stale.exists() and other.exists()


@pytest.mark.parametrize("device", ["banana", "cuda:7"])
def test_video_refuses_a_bad_device_as_the_other_commands_do(monkeypatch, tmp_path, device):
    if device.startswith("cuda") and torch.cuda.device_count() > 7:
        pytest.skip("this machine has 8 GPUs")
    monkeypatch.setenv("GIMEFIVE_DEVICE", device)
    with pytest.raises(SystemExit) as stop:
        main(["video", "--max-frames", "2", "--fallback-frames", "2", "--csv", str(tmp_path / "faces.csv")])
    assert stop.value.code.startswith("python -m gimefive_lib video: error: ")
    assert f"device '{device}'" in stop.value.code
    assert list(tmp_path.iterdir()) == []
