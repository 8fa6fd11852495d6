"""MediaPipe face mesh offline: 468 points on a real face, misses counted, graph closed, real-dataset cache."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from gimefive_lib.data.datasets.base import DatasetError
from gimefive_lib.data.datasets.rafdb import RafDB
from gimefive_lib.data.facemesh import FaceMeshExtractor
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.data.regions import FACEMESH468
from gimefive_lib.landmarks.extraction import extract_faceset
from gimefive_lib.landmarks.landmark_splits import RafDBNeutral, dataset_landmarks


@pytest.fixture(scope="module")
def astronaut_face() -> np.ndarray:
    """A 160 x 160 RGB crop around the face of scikit-image's astronaut (bundled, offline)."""
    from skimage import data

    crop = data.astronaut()[10:250, 120:360]
    return np.asarray(Image.fromarray(crop).resize((160, 160)))


def test_face_mesh_finds_468_points_on_the_face(astronaut_face):
    with FaceMeshExtractor() as mesh:
        points = mesh.detect(astronaut_face)
        gray = mesh.detect(astronaut_face.mean(axis=2).astype(np.uint8))
        bgr = mesh.detect(astronaut_face[..., ::-1].copy(), bgr=True)
    assert points.shape == (468, 2)
    assert np.all((points > 0) & (points < 160))
    assert gray is not None
    np.testing.assert_allclose(bgr, points, atol=0.5)


def test_faces_not_found_are_counted_and_never_silently_dropped(astronaut_face):
    gray = astronaut_face.mean(axis=2).astype(np.uint8)
    faces = FaceSet(np.stack([gray, np.full_like(gray, 128)]), np.array([0, 3]), "two", ["face.jpg", "blank.jpg"])
    landmarks = extract_faceset(faces)
    assert landmarks.layout == FACEMESH468 and len(landmarks) == 1
    assert landmarks.report == {"images": 2, "found": 1, "no_face": ["blank.jpg"]}
    assert landmarks.sources == ["face.jpg"] and landmarks.labels.tolist() == [0]


def test_closing_the_extractor_releases_the_graph(astronaut_face):
    with FaceMeshExtractor() as mesh:
        pass
    with pytest.raises(RuntimeError, match="closed"):
        mesh.detect(astronaut_face)
    mesh.close()  # idempotent


def _fake_rafdb(root, astronaut_face) -> None:
    """A tiny RAF-DB basic layout: two faces, one blank image, one neutral face."""
    images = root / "basic" / "Image" / "aligned"
    images.mkdir(parents=True)
    (root / "basic" / "EmoLabel").mkdir()
    rows = [("train_00001.jpg", 4, astronaut_face), ("train_00002.jpg", 1, astronaut_face[:, ::-1]),
            ("train_00003.jpg", 5, np.full_like(astronaut_face, 90)), ("train_00004.jpg", 7, astronaut_face)]
    for name, _, pixels in rows:
        Image.fromarray(np.ascontiguousarray(pixels)).save(images / name.replace(".jpg", "_aligned.jpg"))
    (root / "basic" / "EmoLabel" / "list_patition_label.txt").write_text("".join(f"{n} {i}\n" for n, i, _ in rows))


def test_real_dataset_landmarks_are_cached_and_misses_reported(tmp_path, astronaut_face):
    _fake_rafdb(tmp_path / "data", astronaut_face)
    first = dataset_landmarks(RafDB(), tmp_path / "data", "train", tmp_path / "cache", progress=False)
    assert len(first) == 2 and first.labels.tolist() == [0, 1]  # RAF-DB 4 = happiness, 1 = surprise
    assert first.report["images"] == 3 and first.report["no_face"] == ["train_00003_aligned.jpg"]
    assert first.report["dropped_labels"] == {"neutral": 1} and first.report["extracted"] == "rafdb-train"
    again = dataset_landmarks(RafDB(), tmp_path / "data", "train", tmp_path / "cache", progress=False)
    assert "cache" in again.report
    np.testing.assert_allclose(again.points, first.points)
    neutral = dataset_landmarks(RafDBNeutral(), tmp_path / "data", "train", None, progress=False)
    assert neutral.sources == ["train_00004_aligned.jpg"]


def test_corrupt_images_raise_naming_the_file_or_are_skipped(tmp_path, astronaut_face):
    _fake_rafdb(tmp_path / "data", astronaut_face)
    broken = tmp_path / "data" / "basic" / "Image" / "aligned" / "train_00002_aligned.jpg"
    broken.write_bytes(b"not a jpeg")
    with pytest.raises(DatasetError, match="train_00002_aligned.jpg"):
        dataset_landmarks(RafDB(), tmp_path / "data", "train", None, progress=False)
    skipped = dataset_landmarks(RafDB(), tmp_path / "data", "train", None, skip_corrupt=True, progress=False)
    assert skipped.report["skipped_corrupt"] == ["train_00002_aligned.jpg"] and skipped.report["images"] == 3
