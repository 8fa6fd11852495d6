"""Figures and tables of notebook 01: they show the right numbers and the preprocessing they draw is the real one."""

from __future__ import annotations

import matplotlib
import numpy as np
import pytest
import skimage.data

from gimefive_lib.data import figures as plots
from gimefive_lib.data.detection import crop_face
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.preprocess import faces_to_tensor
from gimefive_lib.labels import EMOTIONS

matplotlib.use("Agg")


@pytest.fixture(scope="module")
def faces() -> FaceSet:
    """12 faces: labels 0,0,0,1,1,2,2,2,2,3,4,5."""
    labels = np.array([0, 0, 0, 1, 1, 2, 2, 2, 2, 3, 4, 5])
    images = np.repeat(np.arange(12, dtype=np.uint8)[:, None, None] * 20, 16, axis=1).repeat(16, axis=2)
    return FaceSet(images, labels, "toy")


def test_class_count_frame_counts_and_shares(faces):
    frame = plots.class_count_frame({"train": faces, "val": faces.subset(np.array([0, 3]))})
    train = frame[frame.split == "train"].set_index("emotion")
    assert train["count"].tolist() == [3, 2, 4, 1, 1, 1]
    assert train.loc["sadness", "share"] == pytest.approx(100 * 4 / 12)
    assert frame[frame.split == "val"]["count"].sum() == 2
    assert list(train.index) == list(EMOTIONS)


def test_count_charts_have_one_series_per_split(faces):
    frame = plots.class_count_frame({"train": faces, "test": faces})
    assert [trace.name for trace in plots.class_counts_plotly(frame).data] == ["train", "test"]
    figure = plots.class_counts_seaborn(frame)
    heights = [patch.get_height() for patch in figure.axes[0].patches if patch.get_height() > 0]
    assert sorted(heights) == sorted([3, 2, 4, 1, 1, 1] * 2)


def test_sample_grid_shows_only_faces_of_each_row_class(faces):
    figure = plots.sample_grid(faces, per_class=3, seed=0)
    axes = np.array(figure.axes).reshape(6, 3)
    for label, row in enumerate(axes):
        shown = [ax.images[0].get_array()[0, 0] for ax in row if ax.images]
        expected = {20 * i for i in np.flatnonzero(faces.labels == label)}
        assert len(shown) == min(3, len(expected)) and set(shown) <= expected


def test_evidence_overlays_need_masks(faces, tiny_faces):
    with pytest.raises(ValueError, match="toy has no evidence masks"):
        plots.evidence_overlays(faces)
    figure = plots.evidence_overlays(tiny_faces, seed=1)
    assert len(figure.axes) == 3 * 6  # face, mask, landmarks for one face per class


def test_pick_per_class_takes_each_class():
    labels = np.array([0, 0, 1, 2, 3, 4, 5, 5])
    picked = plots.pick_per_class(labels, per_class=2, seed=0)
    assert np.bincount(labels[picked], minlength=6).tolist() == [2, 1, 1, 1, 1, 2]


def test_preprocessing_steps_are_the_library_pipeline():
    photo = skimage.data.astronaut()
    steps = plots.preprocessing_steps(photo, size=64)
    assert 60 < steps.box.w < 200  # the astronaut's face, not the whole photo
    np.testing.assert_array_equal(steps.face, crop_face(photo, steps.box, 64))
    np.testing.assert_allclose(steps.model_input, faces_to_tensor(steps.face)[0].numpy())
    assert steps.crop.shape[:2] == (steps.box.h, steps.box.w) and steps.gray.ndim == 2
    assert len(plots.plot_preprocessing(steps).axes) == 6  # five panels and a colour bar


def test_preprocessing_without_a_face_says_so():
    with pytest.raises(ValueError, match="no face found"):
        plots.preprocessing_steps(np.full((120, 120), 128, np.uint8))


def test_action_unit_frame_lists_the_paper_recipes():
    frame = plots.action_unit_frame()
    assert list(frame.index) == list(EMOTIONS)
    assert frame.loc["happiness", "action units"] == "AU6 + AU12"
    assert frame.loc["disgust", "regions (evidence mask)"] == "nose, mouth"
