"""Explorer callbacks are plain methods: they redraw for the chosen face, method, layer, target and channel."""

from __future__ import annotations

import cv2
import matplotlib
import numpy as np
import pytest
import torch

from gimefive_lib.explain.activations import (
    block_activations,
    channel_means,
    edge_like_kernels,
    emotion_channel_table,
    first_layer_filters,
    orientation_scores,
    plot_filters,
    top_channels,
)
from gimefive_lib.explain.inputs import astronaut_face
from gimefive_lib.explain.widgets import ActivationExplorer, CamExplorer, face_from_bytes, uploaded_files
from gimefive_lib.models.gimefive import GiMeFive

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def tiny_model():
    torch.manual_seed(0)
    return GiMeFive(channels=(8, 8, 16, 16, 16), hidden=(32, 32)).eval()


def titles(figure) -> list[str]:
    return [ax.get_title() for ax in figure.axes]


@pytest.mark.slow
def test_cam_explorer_redraws_for_every_choice(tiny_model, tiny_faces):
    explorer = CamExplorer(tiny_model, tiny_faces.images[:20], tiny_faces.labels[:20], grid_size=4)
    explorer.method.value = "layercam"
    explorer.layer.value = "block3"
    explorer.target.value = "fear"
    figure = explorer.update()
    assert any("LayerCAM @ block3" in t and "explains: fear" in t for t in titles(figure))
    explorer.view.value = "grid"
    assert len([ax for ax in explorer.update().axes if ax.images]) == 4
    assert explorer.widget.children[1] is explorer.output


def test_uploads_add_a_face_and_bad_files_are_reported(tiny_model, tiny_faces):
    explorer = CamExplorer(tiny_model, tiny_faces.images[:5], tiny_faces.labels[:5])
    ok, png = cv2.imencode(".png", cv2.resize(astronaut_face(), (256, 256)))
    value = ({"name": "me.png", "content": memoryview(png.tobytes())},)
    assert uploaded_files(value)[0][0] == "me.png"
    explorer.on_upload({"new": value})
    assert len(explorer.faces) == 6 and explorer.image.value == 5 and explorer.faces[5].image.shape == (64, 64)
    explorer.on_upload({"new": ({"name": "notes.txt", "content": memoryview(b"not an image")},)})
    assert "notes.txt" in explorer.status.value and len(explorer.faces) == 6


def test_face_from_bytes_without_a_face_uses_the_whole_image():
    ok, png = cv2.imencode(".png", np.full((100, 80), 90, np.uint8))
    face, note = face_from_bytes(png.tobytes(), "wall.png")
    assert face.shape == (64, 64) and "no face" in note
    with pytest.raises(ValueError, match="broken.jpg"):
        face_from_bytes(b"\x00\x01", "broken.jpg")


def test_activation_explorer_top_k_and_single_channel(tiny_model, tiny_faces):
    explorer = ActivationExplorer(tiny_model, tiny_faces.images[:3])
    explorer.k.value = 5
    assert len([ax for ax in explorer.update().axes if ax.images]) == 5
    explorer.mode.value = "channel"
    explorer.channel.value = 7
    explorer.layer.value = "block2"
    figure = explorer.update()
    assert any(t.startswith("ch 7") for t in titles(figure))
    assert explorer.channel.max == 7  # block2 of the tiny model has 8 channels


def test_activations_top_channels_and_filters(tiny_model, tiny_faces):
    acts = block_activations(tiny_model, tiny_faces.images[0])
    shapes = {"block1": (8, 64, 64), "block2": (8, 32, 32), "block3": (16, 16, 16), "block4": (16, 8, 8),
              "block5": (16, 4, 4)}
    assert {k: v.shape for k, v in acts.items()} == shapes
    assert min(v.min() for v in acts.values()) >= 0  # rectified
    order = top_channels(acts["block3"], 4)
    means = acts["block3"].mean(axis=(1, 2))
    assert means[order[0]] == means.max() and list(means[order]) == sorted(means[order], reverse=True)
    filters = first_layer_filters(tiny_model)
    assert filters.shape == (8, 3, 3)
    assert len([ax for ax in plot_filters(filters).axes if ax.images]) == 8


def test_channel_means_and_the_emotion_channel_table(tiny_model, tiny_faces):
    means = channel_means(tiny_model, tiny_faces.images[:30], "block5", batch_size=8)
    assert means.shape == (30, 16) and means.min() >= 0
    acts = block_activations(tiny_model, tiny_faces.images[3], ["block5"])["block5"]
    np.testing.assert_allclose(means[3], acts.mean(axis=(1, 2)), rtol=1e-4, atol=1e-6)
    table = emotion_channel_table(means, tiny_faces.labels[:30], k=5)
    assert table.shape == (len(set(tiny_faces.labels[:30].tolist())), 5)
    spread = ((table.max() - table.min()) / (table.mean() + 1e-6)).to_numpy()
    assert list(spread) == sorted(spread, reverse=True)


def test_show_displays_the_widget_then_a_static_png_of_its_view(tiny_model, tiny_faces, monkeypatch):
    explorer = ActivationExplorer(tiny_model, tiny_faces.images[:4], tiny_faces.labels[:4])
    shown = []
    monkeypatch.setattr("gimefive_lib.explain.widgets.display", shown.append)
    explorer.show()
    assert len(shown) == 2 and shown[0] is not None
    png = shown[1].data
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 1000


def test_orientation_scores_tell_horizontal_from_vertical_stripes():
    rows = np.zeros((16, 16), dtype=np.float32)
    rows[::4] = 1  # horizontal lines: the map changes down the rows only
    blob = np.zeros((16, 16), dtype=np.float32)
    blob[6:10, 6:10] = 1
    scores = orientation_scores(np.stack([rows, rows.T, blob, np.zeros_like(blob)]))
    assert scores[0] == pytest.approx(1) and scores[1] == pytest.approx(-1)
    assert scores[2] == pytest.approx(0) and scores[3] == 0
    with pytest.raises(ValueError, match="shape"):
        orientation_scores(rows)


def test_edge_like_kernels_are_the_odd_ones():
    sobel = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=np.float32)
    blob = np.array([[0, 1, 0], [1, 4, 1], [0, 1, 0]], dtype=np.float32)
    assert list(edge_like_kernels(np.stack([sobel, sobel.T, blob, sobel + 0.1 * blob]))) == [True, True, False, True]
    assert not edge_like_kernels(np.zeros((1, 3, 3))).any()
