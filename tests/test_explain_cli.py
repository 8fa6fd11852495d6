"""``python -m gimefive_lib explain``: a map of a photo with a given checkpoint, and clear errors."""

from __future__ import annotations

import json

import pytest
from PIL import Image
from skimage.data import astronaut

from gimefive_lib.cli import main
from gimefive_lib.models import build_model
from gimefive_lib.training.checkpoint import save_atomic


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory):
    path = tmp_path_factory.mktemp("ckpt") / "untrained.pt"
    save_atomic({"model": build_model("gimefive").state_dict(), "model_name": "gimefive"}, path)
    return path


def test_map_of_a_photo(tmp_path, checkpoint, capsys):
    photo = tmp_path / "astronaut.png"
    Image.fromarray(astronaut()).save(photo)
    output = tmp_path / "map.png"
    code = main(["explain", "--image", str(photo), "--checkpoint", str(checkpoint), "--method", "hirescam",
                 "--layer", "block4", "--target", "anger", "--output", str(output)])
    assert code == 0 and output.stat().st_size > 1000
    report = json.loads(capsys.readouterr().out)
    assert report["explained"] == "anger" and report["layer"] == "block4"
    assert sum(report["probabilities"].values()) == pytest.approx(1, abs=1e-3)


def test_unreadable_photo_is_named(tmp_path, checkpoint):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"nope")
    with pytest.raises(SystemExit, match="bad.jpg"):
        main(["explain", "--image", str(bad), "--checkpoint", str(checkpoint)])
