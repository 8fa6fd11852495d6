"""The synthetic FACS faces: determinism, labels, evidence masks, landmarks, intensity, occluders, learnability."""

from __future__ import annotations

import numpy as np
import pytest

from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.regions import ACTION_UNIT_REGIONS
from gimefive_lib.data.synthetic.action_units import (
    ACTION_UNITS,
    AU_LANDMARKS,
    AU_REGIONS,
    OCCLUDERS,
    evidence_landmarks,
)
from gimefive_lib.data.synthetic.identity import FaceIdentity, Pose, RenderedFace, random_identity, random_pose
from gimefive_lib.data.synthetic.render import generate_synthetic, render_clip, render_face, synthetic_splits
from gimefive_lib.labels import EMOTIONS

HAPPINESS, SURPRISE, SADNESS, ANGER, DISGUST, FEAR = range(6)
BROWS, EYES = range(17, 27), range(36, 48)


@pytest.fixture(scope="module")
def faces() -> FaceSet:
    """120 random faces (20 per emotion)."""
    return generate_synthetic(120, seed=7, style="cartoon")


def _apex(emotion: int, seed: int) -> RenderedFace:
    """A clean 64x64 apex face of a random identity in a random pose."""
    rng = np.random.default_rng(seed)
    return render_face(random_identity(rng), emotion, 1.0, pose=random_pose(rng))


def _on_mask(mask: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Whether the pixel under each (x, y) point belongs to the mask."""
    xy = np.rint(points).astype(int)
    return mask[xy[:, 1], xy[:, 0]]


def _points(landmarks: np.ndarray, spec: list) -> np.ndarray:
    """The landmarks named in ``spec``; "cheeks" adds a point halfway between each lower eyelid and mouth corner."""
    index = [i for i in spec if i != "cheeks"]
    cheeks = [(landmarks[[41, 46]] + landmarks[[48, 54]]) / 2.0] if "cheeks" in spec else []
    return np.concatenate([landmarks[index].reshape(-1, 2), *cheeks])


def test_action_unit_table_follows_facs() -> None:
    assert set(ACTION_UNITS) == set(EMOTIONS)
    assert ACTION_UNITS["happiness"] == (6, 12)
    assert ACTION_UNITS["surprise"] == (1, 2, 5, 26)
    assert ACTION_UNITS["sadness"] == (1, 4, 15)
    assert ACTION_UNITS["anger"] == (4, 5, 7, 23)
    assert ACTION_UNITS["disgust"] == (9, 15, 16)
    assert ACTION_UNITS["fear"] == (1, 2, 4, 5, 20, 26)
    used = {au for aus in ACTION_UNITS.values() for au in aus}
    assert used == set(AU_REGIONS) == set(AU_LANDMARKS)
    assert set(AU_REGIONS.values()) == set(ACTION_UNIT_REGIONS)
    assert all(AU_LANDMARKS[au] and set(AU_LANDMARKS[au]) <= set(range(68)) for au in used)
    assert {AU_REGIONS[au] for au in ACTION_UNITS["disgust"]} == {"nose", "mouth"}
    assert {AU_REGIONS[au] for au in ACTION_UNITS["happiness"]} == {"cheeks", "mouth"}


def test_same_seed_same_faces_other_seed_other_faces(faces: FaceSet) -> None:
    again = generate_synthetic(120, seed=7, style="cartoon")
    for name in ("images", "labels", "masks", "landmarks"):
        assert np.array_equal(getattr(faces, name), getattr(again, name)), name
    assert faces.sources == again.sources
    other = generate_synthetic(120, seed=8, style="cartoon")
    assert not np.array_equal(faces.images, other.images)
    assert not np.array_equal(faces.landmarks, other.landmarks)


def test_shapes_dtypes_and_metadata(faces: FaceSet) -> None:
    assert faces.images.shape == (120, 64, 64) and faces.images.dtype == np.uint8
    assert faces.labels.shape == (120,) and faces.labels.dtype == np.int64
    assert faces.masks.shape == (120, 64, 64) and faces.masks.dtype == bool
    assert faces.landmarks.shape == (120, 68, 2) and faces.landmarks.dtype == np.float32
    assert faces.name == "synthetic"
    assert faces.sources[0] == "synthetic/000000" and faces.sources[-1] == "synthetic/000119"
    assert sum(faces.report["occluders"].values()) == 120
    assert faces.images.std() > 20  # faces, not blank canvases


def test_labels_are_balanced() -> None:
    assert generate_synthetic(62, seed=1, style="cartoon").class_counts().tolist() == [11, 11, 10, 10, 10, 10]
    counts = generate_synthetic(90, seed=1, balanced=False, style="cartoon").class_counts()
    assert counts.sum() == 90 and counts.min() > 0 and len(set(counts.tolist())) > 1


def test_masks_are_non_empty_and_well_inside(faces: FaceSet) -> None:
    assert faces.masks.reshape(len(faces), -1).any(axis=1).all()
    border = faces.image_size // 16
    assert not faces.masks[:, :border].any() and not faces.masks[:, -border:].any()
    assert not faces.masks[:, :, :border].any() and not faces.masks[:, :, -border:].any()
    assert faces.masks.mean() < 0.3  # regions, not the whole face


def test_landmarks_lie_inside_the_image(faces: FaceSet) -> None:
    assert np.isfinite(faces.landmarks).all()
    assert faces.landmarks.min() >= 0 and faces.landmarks.max() <= faces.image_size - 1
    # iBUG layout: image-left eye left of the image-right eye, brows above eyes above nose tip above mouth
    lm = faces.landmarks
    assert (lm[:, 36:42, 0].mean(1) < lm[:, 42:48, 0].mean(1)).all()
    assert (lm[:, 17:27, 1].mean(1) < lm[:, 36:48, 1].mean(1)).all()
    assert (lm[:, 36:48, 1].mean(1) < lm[:, 30, 1]).all() and (lm[:, 30, 1] < lm[:, 48:68, 1].mean(1)).all()


@pytest.mark.parametrize(
    ("emotion", "inside", "outside"),
    [
        (HAPPINESS, [48, 54, "cheeks"], [*BROWS, 30]),
        (SURPRISE, [*BROWS, 37, 38, 43, 44, 57, 66], [30]),
        (SADNESS, [21, 22, 48, 54], [30, "cheeks"]),
        (ANGER, [21, 22, 37, 44, 51, 57], [30, "cheeks"]),
        (DISGUST, [21, 22, 29, 31, 35, 51, 40, 47], [17, 18, 25, 26]),  # AU9 lowers the medial brows
        (FEAR, [*BROWS, 37, 44, 48, 54, 66], [30]),
    ],
)
def test_masks_cover_the_action_units_of_their_emotion(emotion: int, inside: list, outside: list) -> None:
    for seed in range(4):
        face = _apex(emotion, seed)
        assert _on_mask(face.mask, _points(face.landmarks, inside)).all(), (EMOTIONS[emotion], seed)
        assert not _on_mask(face.mask, _points(face.landmarks, outside)).any(), (EMOTIONS[emotion], seed)


@pytest.mark.parametrize("emotion", range(6))
def test_mask_explains_the_change_from_neutral(emotion: int) -> None:
    for seed in range(3):
        rng = np.random.default_rng(seed)
        identity, pose = random_identity(rng), random_pose(rng)
        neutral = render_face(identity, emotion, 0.0, pose=pose)
        apex = render_face(identity, emotion, 1.0, pose=pose)
        changed = np.abs(apex.image.astype(int) - neutral.image) > 10
        assert changed.sum() > 20
        assert (changed & apex.mask).sum() >= 0.95 * changed.sum()
        moved = np.flatnonzero(np.abs(apex.landmarks - neutral.landmarks).max(axis=1) > 1e-3)
        assert tuple(moved) == evidence_landmarks(emotion)


def test_intensity_zero_is_the_same_neutral_face_for_every_emotion() -> None:
    identity = random_identity(np.random.default_rng(11))
    pose = Pose(angle=4.0, shift_x=0.02, shift_y=-0.01, scale=1.03)
    neutral = [render_face(identity, e, 0.0, 64, np.random.default_rng(5), pose, "glasses") for e in range(6)]
    for face in neutral[1:]:
        assert np.array_equal(face.image, neutral[0].image)
        assert np.array_equal(face.landmarks, neutral[0].landmarks)
    assert not any(face.mask.any() for face in neutral)
    expressive = [render_face(identity, e, 0.5, 64, np.random.default_rng(5), pose).image for e in range(6)]
    assert all(not np.array_equal(a, b) for i, a in enumerate(expressive) for b in expressive[i + 1 :])


def test_intensity_scales_every_deformation_monotonically() -> None:
    identity = FaceIdentity()
    levels = np.linspace(0.0, 1.0, 6)

    def track(emotion: int, measure) -> np.ndarray:
        return np.array([measure(render_face(identity, emotion, float(t)).landmarks) for t in levels])

    def rising(values: np.ndarray) -> bool:
        return bool((np.diff(values) > 0).all())

    assert rising(-track(HAPPINESS, lambda lm: lm[[48, 54], 1].mean()))  # lip corners move up
    assert rising(-track(HAPPINESS, lambda lm: lm[[41, 46], 1].mean()))  # lower lids rise
    assert rising(track(SURPRISE, lambda lm: lm[66, 1] - lm[62, 1]))  # jaw drop opens the inner lips
    assert rising(-track(SURPRISE, lambda lm: lm[17:27, 1].mean()))  # brows go up
    assert rising(track(SURPRISE, lambda lm: lm[[41, 46], 1].mean() - lm[[37, 44], 1].mean()))  # wide eyes
    assert rising(track(SADNESS, lambda lm: lm[[48, 54], 1].mean()))  # lip corners move down
    assert rising(track(SADNESS, lambda lm: lm[[17, 26], 1].mean() - lm[[21, 22], 1].mean()))  # oblique brows
    assert rising(-track(ANGER, lambda lm: lm[22, 0] - lm[21, 0]))  # brows drawn together
    assert rising(track(ANGER, lambda lm: lm[[21, 22], 1].mean()))  # and lowered
    assert rising(-track(ANGER, lambda lm: lm[57, 1] - lm[51, 1]))  # thin pressed lips
    assert rising(-track(DISGUST, lambda lm: lm[51, 1]))  # upper lip raised
    assert rising(-track(DISGUST, lambda lm: lm[35, 0] - lm[31, 0]))  # nostrils lifted and narrowed
    assert rising(track(FEAR, lambda lm: lm[54, 0] - lm[48, 0]))  # lips stretched
    images = [render_face(identity, FEAR, t).image.astype(int) for t in (0.0, 0.3, 1.0)]
    assert 0 < np.abs(images[1] - images[0]).mean() < np.abs(images[2] - images[0]).mean()


def test_render_clip_goes_from_neutral_to_apex() -> None:
    clip = render_clip(SURPRISE, n_frames=12, seed=3, style="cartoon")
    assert clip.images.shape == (12, 64, 64) and clip.masks.shape == (12, 64, 64)
    assert clip.landmarks.shape == (12, 68, 2)
    assert (clip.labels == SURPRISE).all()
    assert not clip.masks[0].any() and clip.masks[1:].reshape(11, -1).any(axis=1).all()
    gap = clip.landmarks[:, 66, 1] - clip.landmarks[:, 62, 1]
    assert (np.diff(gap) > 0).all()
    happy = render_clip(HAPPINESS, n_frames=12, seed=3, style="cartoon")
    assert np.array_equal(happy.images[0], clip.images[0])  # same identity, both neutral
    assert not np.array_equal(happy.images[-1], clip.images[-1])


def test_render_clip_draws_the_given_identity() -> None:
    light = render_clip(ANGER, n_frames=3, seed=0, identity=FaceIdentity(skin=210.0), style="cartoon")
    dark = render_clip(ANGER, n_frames=3, seed=0, identity=FaceIdentity(skin=90.0), style="cartoon")
    centre = (slice(None), slice(24, 40), slice(20, 44))
    assert light.images[centre].mean() > dark.images[centre].mean() + 40


def test_splits_are_balanced_disjoint_and_deterministic() -> None:
    train, test = synthetic_splits(36, 18, seed=2, style="cartoon")
    assert (len(train), len(test)) == (36, 18)
    assert train.class_counts().tolist() == [6] * 6 and test.class_counts().tolist() == [3] * 6
    assert train.name != test.name and not set(train.sources) & set(test.sources)
    flat_train = {image.tobytes() for image in train.images}
    assert not any(image.tobytes() in flat_train for image in test.images)
    again, _ = synthetic_splits(36, 18, seed=2, style="cartoon")
    assert np.array_equal(train.images, again.images)
    assert not np.array_equal(synthetic_splits(36, 18, seed=3, style="cartoon")[0].images, train.images)


@pytest.mark.parametrize("size", [32, 128, 300])
def test_other_sizes_scale_the_same_face(size: int) -> None:
    small = render_face(FaceIdentity(), FEAR, 0.8, 64)
    face = render_face(FaceIdentity(), FEAR, 0.8, size)
    assert face.image.shape == face.mask.shape == (size, size)
    assert np.allclose(face.landmarks, (small.landmarks + 0.5) * size / 64 - 0.5, atol=1e-3)
    assert abs(face.mask.mean() - small.mask.mean()) < 0.03


@pytest.mark.parametrize("occluder", OCCLUDERS)
def test_occluders_hide_part_but_never_all_of_the_evidence(occluder: str) -> None:
    rng = np.random.default_rng(4)
    for k in range(24):
        identity, pose = random_identity(rng), random_pose(rng)
        plain = render_face(identity, k % 6, 1.0, 64, np.random.default_rng(k), pose)
        hidden = render_face(identity, k % 6, 1.0, 64, np.random.default_rng(k), pose, occluder)
        assert not plain.occluder.any() and hidden.occluder.any()
        assert not np.array_equal(plain.image, hidden.image)
        assert np.array_equal(plain.mask, hidden.mask)
        assert (hidden.mask & ~hidden.occluder).sum() >= 0.5 * hidden.mask.sum()


def test_occlusion_fraction_and_fixed_intensity() -> None:
    assert generate_synthetic(30, seed=0, occlusion=1.0, style="cartoon").report["occluders"]["none"] == 0
    assert generate_synthetic(30, seed=0, occlusion=0.0, style="cartoon").report["occluders"]["none"] == 30
    neutral = generate_synthetic(12, seed=0, intensity=0.0, style="cartoon")
    assert not neutral.masks.any()


def test_invalid_arguments_are_rejected() -> None:
    with pytest.raises(ValueError, match="emotion"):
        render_face(FaceIdentity(), 6, 0.5)
    with pytest.raises(ValueError, match="intensity"):
        render_face(FaceIdentity(), 0, 1.5)
    with pytest.raises(ValueError, match="occluder"):
        render_face(FaceIdentity(), 0, 0.5, occluder="hat")
    with pytest.raises(ValueError, match="intensity"):
        generate_synthetic(6, intensity=(0.9, 0.5))


@pytest.mark.slow
def test_classes_are_learnable_but_not_trivial() -> None:
    train, test = synthetic_splits(600, 300, seed=0, style="cartoon")

    def features(faces: FaceSet) -> np.ndarray:
        x = faces.images.reshape(len(faces), -1) / 255.0
        return x - x.mean(axis=1, keepdims=True)

    x_train, x_test = features(train), features(test)
    centre = x_train.mean(axis=0)
    x_train, x_test = x_train - centre, x_test - centre
    # ridge regression onto one-hot labels (dual form: 600 x 600 system), a linear model on pixels
    targets = np.eye(6)[train.labels]
    weights = x_train.T @ np.linalg.solve(x_train @ x_train.T + 10.0 * np.eye(len(x_train)), targets)
    accuracy = ((x_test @ weights).argmax(axis=1) == test.labels).mean()
    assert 0.3 < accuracy < 0.95
