"""Dataset loaders against tiny fixtures written in each official layout, including the bad inputs users meet."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
import skimage.data
from PIL import Image

from gimefive_lib.data import (
    Aggregate,
    CKPlus,
    DatasetError,
    Fer2013,
    FolderDataset,
    RafDB,
    SplitNotFound,
    configured_splits,
    get_loader,
)
from gimefive_lib.data.datasets import base as loader_module
from gimefive_lib.data.preprocess import to_gray
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.settings import Settings

# Every fixture image is flat grey at a brightness that encodes its GiMeFive label, so a test can check that
# each decoded face still sits next to its own label.
RAFDB_IDS = {1: 1, 2: 5, 3: 4, 4: 0, 5: 2, 6: 3}  # official id -> GiMeFive id


def brightness(label: int) -> int:
    """The grey level the fixtures use for a GiMeFive label."""
    return 30 + 35 * label


def write_image(path: Path, value: int, size: int = 100) -> Path:
    """A flat RGB image of grey ``value``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full((size, size, 3), value, np.uint8)).save(path)
    return path


def write_rafdb(root: Path, train_ids=(4, 4, 1, 5, 6, 3, 2, 7), test_ids=(4, 1, 7)) -> Path:
    """RAF-DB basic: ``RAF-DB/basic/Image/aligned/*_aligned.jpg`` and ``EmoLabel/list_patition_label.txt``."""
    basic = root / "RAF-DB" / "basic"
    lines = []
    for split, ids in (("train", train_ids), ("test", test_ids)):
        for number, raw in enumerate(ids, start=1):
            name = f"{split}_{number:05d}"
            lines.append(f"{name}.jpg {raw}")
            write_image(basic / "Image" / "aligned" / f"{name}_aligned.jpg", brightness(RAFDB_IDS.get(raw, 0)))
    label_file = basic / "EmoLabel" / "list_patition_label.txt"
    label_file.parent.mkdir(parents=True, exist_ok=True)
    label_file.write_text("\n".join(lines) + "\n")
    return basic


def fer_row(emotion, usage: str, value: int = 100, count: int = 48 * 48) -> str:
    """One FER2013 csv row."""
    return f"{emotion},{' '.join([str(value)] * count)},{usage}"


FER_IDS = {0: 3, 1: 4, 2: 5, 3: 0, 4: 2, 5: 1}  # official id -> GiMeFive id


def write_fer(root: Path, rows: list[str] | None = None, header: str = "emotion,pixels,Usage") -> Path:
    """``fer2013/fer2013.csv``; by default every official id in Training, two rows in PublicTest, one in PrivateTest."""
    if rows is None:
        rows = [fer_row(k, "Training", brightness(FER_IDS.get(k, 0))) for k in range(7)]
        rows += [fer_row(3, "PublicTest"), fer_row(6, "PublicTest"), fer_row(5, "PrivateTest")]
    csv = root / "fer2013" / "fer2013.csv"
    csv.parent.mkdir(parents=True, exist_ok=True)
    csv.write_text("\n".join([header, *rows]) + "\n")
    return csv


@pytest.fixture(scope="module")
def face_photo() -> np.ndarray:
    """A small grayscale photo of a real face (the astronaut of scikit-image) that the Haar detector finds."""
    return to_gray(skimage.data.astronaut())[0:300:2, 100:360:2]


def write_ckplus(root: Path, photo: np.ndarray, sequences: dict[str, float]) -> Path:
    """CK+: ``cohn-kanade-images/S/seq/*.png`` (3 frames each) + ``Emotion/S/seq/*_emotion.txt`` on the last frame."""
    base = root / "CK+"
    for sequence, emotion in sequences.items():
        subject, number = sequence.split("/")
        for frame in (1, 2, 3):
            name = f"{subject}_{number}_{frame:08d}"
            path = base / "cohn-kanade-images" / subject / number / f"{name}.png"
            path.parent.mkdir(parents=True, exist_ok=True)
            Image.fromarray(photo).save(path)
        label = base / "Emotion" / subject / number / f"{name}_emotion.txt"
        label.parent.mkdir(parents=True, exist_ok=True)
        label.write_text(f"   {emotion:.7e}\n")
    (base / "Emotion" / "S999" / "001").mkdir(parents=True)  # an unlabelled sequence, as in the real download
    return base


def write_folders(root: Path, layout: dict[str, int]) -> Path:
    """Class folders: ``{"train/happy": 3, ...}`` writes 3 images into ``root/train/happy``."""
    for folder, count in layout.items():
        for i in range(count):
            write_image(root / folder / f"img{i:03d}.png", 120, size=48)
    return root


def assert_faces_match_labels(faces) -> None:
    """Each face still carries the brightness of its own label (nothing shuffled by the threaded decode)."""
    means = faces.images.reshape(len(faces), -1).mean(axis=1)
    expected = np.array([brightness(k) for k in faces.labels])
    np.testing.assert_allclose(means, expected, atol=2)


# ------------------------------------------------------------------------------------------------ RAF-DB


def test_rafdb_loads_train_maps_ids_and_counts_neutral(tmp_path):
    write_rafdb(tmp_path)
    faces = RafDB().load(tmp_path, "train", size=32)
    assert faces.images.shape == (7, 32, 32)
    assert faces.class_counts().tolist() == [2, 1, 1, 1, 1, 1]
    assert faces.report["dropped_labels"] == {"neutral": 1}
    assert faces.sources[0] == "train_00001_aligned.jpg"
    assert_faces_match_labels(faces)


def test_rafdb_test_split_is_separate(tmp_path):
    write_rafdb(tmp_path)
    faces = get_loader("rafdb").load(tmp_path / "RAF-DB", "test", size=32)
    assert len(faces) == 2
    assert all(s.startswith("test_") for s in faces.sources)


def test_rafdb_missing_label_file_names_it(tmp_path):
    basic = write_rafdb(tmp_path)
    (basic / "EmoLabel" / "list_patition_label.txt").unlink()
    with pytest.raises(DatasetError, match="list_patition_label.txt"):
        RafDB().load(tmp_path)


def test_missing_dataset_folder_names_it(tmp_path):
    with pytest.raises(DatasetError, match="nowhere.*not found"):
        RafDB().load(tmp_path / "nowhere")


def test_rafdb_missing_image_folder_names_it(tmp_path):
    basic = write_rafdb(tmp_path)
    (basic / "Image" / "aligned").rename(basic / "Image" / "elsewhere")
    with pytest.raises(DatasetError, match=r"Image/aligned: image folder missing"):
        RafDB().load(tmp_path)


def test_rafdb_unknown_id_names_file_and_line(tmp_path):
    write_rafdb(tmp_path, train_ids=(4, 1, 9))
    with pytest.raises(DatasetError, match=r"list_patition_label.txt:3: unknown label 9"):
        RafDB().load(tmp_path)


def test_rafdb_malformed_line_names_file_and_line(tmp_path):
    basic = write_rafdb(tmp_path)
    label_file = basic / "EmoLabel" / "list_patition_label.txt"
    label_file.write_text("train_00001.jpg 4\ntrain_00002.jpg\n")
    with pytest.raises(DatasetError, match=r"list_patition_label.txt:2: expected '<name>.jpg <id>'"):
        RafDB().load(tmp_path)


def test_image_listed_but_missing_names_it(tmp_path):
    basic = write_rafdb(tmp_path)
    (basic / "Image" / "aligned" / "train_00002_aligned.jpg").unlink()
    with pytest.raises(DatasetError, match="train_00002_aligned.jpg: image listed in the labels but missing"):
        RafDB().load(tmp_path)


@pytest.mark.parametrize("damage", ["garbage", "truncated"])
def test_corrupt_image_raises_unless_skipping_is_asked(tmp_path, damage):
    basic = write_rafdb(tmp_path)
    bad = basic / "Image" / "aligned" / "train_00003_aligned.jpg"
    if damage == "garbage":
        bad.write_bytes(b"this is not a jpeg")
    else:
        Image.fromarray(np.random.default_rng(0).integers(0, 255, (100, 100, 3), np.uint8)).save(bad)
        bad.write_bytes(bad.read_bytes()[: bad.stat().st_size // 2])
    with pytest.raises(DatasetError, match=r"train_00003_aligned.jpg: corrupt or truncated image.*skip_corrupt"):
        RafDB().load(tmp_path)
    faces = RafDB().load(tmp_path, skip_corrupt=True)
    assert len(faces) == 6
    assert faces.report["skipped_corrupt"] == ["train_00003_aligned.jpg"]
    assert "train_00003_aligned.jpg" not in faces.sources


def test_unknown_split_lists_the_splits(tmp_path):
    write_rafdb(tmp_path)
    with pytest.raises(DatasetError, match="rafdb has splits train, test, not 'validation'"):
        RafDB().load(tmp_path, "validation")


def test_split_absent_on_disk_is_split_not_found(tmp_path):
    write_rafdb(tmp_path, test_ids=())
    with pytest.raises(SplitNotFound, match="no rafdb images of split 'test'"):
        RafDB().load(tmp_path, "test")


# ------------------------------------------------------------------------------------------------ cache


def test_second_load_comes_from_the_cache_without_decoding(tmp_path, monkeypatch):
    write_rafdb(tmp_path / "data")
    first = RafDB().load(tmp_path / "data", cache_dir=tmp_path / "cache", size=32)
    assert first.report["from_cache"] is False
    assert Path(first.report["cache"]).exists()

    def no_decoding(path):
        raise AssertionError(f"decoded {path} although the cache is fresh")

    monkeypatch.setattr(loader_module, "decode_image", no_decoding)
    second = RafDB().load(tmp_path / "data", cache_dir=tmp_path / "cache", size=32)
    assert second.report["from_cache"] is True
    np.testing.assert_array_equal(second.images, first.images)
    np.testing.assert_array_equal(second.labels, first.labels)
    assert second.sources == first.sources
    assert second.report["dropped_labels"] == {"neutral": 1}


def test_cache_is_invalidated_when_the_label_file_changes(tmp_path):
    basic = write_rafdb(tmp_path / "data")
    cache = tmp_path / "cache"
    assert RafDB().load(tmp_path / "data", cache_dir=cache).class_counts()[0] == 2
    label_file = basic / "EmoLabel" / "list_patition_label.txt"
    label_file.write_text(label_file.read_text().replace("train_00002.jpg 4", "train_00002.jpg 1"))
    stat = label_file.stat()
    os.utime(label_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    again = RafDB().load(tmp_path / "data", cache_dir=cache)
    assert again.report["from_cache"] is False
    assert again.class_counts()[:2].tolist() == [1, 2]


def test_cache_keys_differ_by_size_and_split(tmp_path):
    write_rafdb(tmp_path / "data")
    paths = {
        RafDB().load(tmp_path / "data", split, size, cache_dir=tmp_path / "cache").report["cache"]
        for split in ("train", "test")
        for size in (32, 64)
    }
    assert len(paths) == 4


def test_fer2013_cache_skips_parsing_the_csv(tmp_path, monkeypatch):
    write_fer(tmp_path)
    first = Fer2013().load(tmp_path, cache_dir=tmp_path / "cache")

    def no_parsing(self, root, split):
        raise AssertionError("parsed the csv although the cache is fresh")

    monkeypatch.setattr(Fer2013, "parse", no_parsing)
    second = Fer2013().load(tmp_path, cache_dir=tmp_path / "cache")
    assert second.report["from_cache"] is True
    np.testing.assert_array_equal(second.images, first.images)


# ------------------------------------------------------------------------------------------------ FER2013


def test_fer2013_splits_map_usage_and_drop_neutral(tmp_path):
    write_fer(tmp_path)
    train = Fer2013().load(tmp_path, "train", size=48)
    assert train.class_counts().tolist() == [1] * 6
    assert train.report["dropped_labels"] == {"neutral": 1}
    assert train.sources[0] == "fer2013.csv:2"
    assert_faces_match_labels(train)
    assert len(Fer2013().load(tmp_path / "fer2013", "val")) == 1
    assert Fer2013().load(tmp_path, "PublicTest").name == "fer2013-val"
    assert Fer2013().load(tmp_path, "PrivateTest").labels.tolist() == [1]


def test_fer2013_pixels_keep_their_order(tmp_path):
    pixels = np.arange(48 * 48) % 256
    row = f"3,{' '.join(map(str, pixels))},Training"
    write_fer(tmp_path, [row])
    faces = Fer2013().load(tmp_path, size=48)
    np.testing.assert_array_equal(faces.images[0], pixels.reshape(48, 48))


def test_fer2013_skips_blank_lines_and_keeps_line_numbers(tmp_path):
    write_fer(tmp_path, [fer_row(3, "Training"), "", fer_row(9, "Training")])
    with pytest.raises(DatasetError, match=r"fer2013.csv:4: unknown label 9"):
        Fer2013().load(tmp_path)


@pytest.mark.parametrize(
    ("rows", "header", "message"),
    [
        ([fer_row(3, "Training")], "emotion,image,Usage", r"fer2013.csv:1: header .* lacks pixels"),
        (
            [fer_row(3, "Training"), fer_row(3, "Training", count=2303)],
            None,
            r"fer2013.csv:3: 2303 pixels; expected 2304",
        ),
        ([fer_row(3, "Training").replace(" 100 ", " 1x0 ", 1)], None, r"fer2013.csv:2: non-numeric pixel '1x0'"),
        ([fer_row(3, "Training", value=256)], None, r"fer2013.csv:2: pixel value 256; expected integers 0..255"),
        ([fer_row(8, "Training")], None, r"fer2013.csv:2: unknown label 8; expected one of 0, 1"),
        ([fer_row("happy", "Training")], None, r"fer2013.csv:2: emotion 'happy' is not an integer id"),
        ([fer_row(3, "Validation")], None, r"fer2013.csv:2: unknown Usage 'Validation'"),
    ],
    ids=["header", "pixel-count", "non-numeric", "out-of-range", "unknown-id", "text-id", "unknown-usage"],
)
def test_fer2013_bad_rows_name_the_line(tmp_path, rows, header, message):
    write_fer(tmp_path, rows, header or "emotion,pixels,Usage")
    with pytest.raises(DatasetError, match=message):
        Fer2013().load(tmp_path)


def test_fer2013_missing_csv_says_what_is_expected(tmp_path):
    (tmp_path / "fer2013").mkdir()
    with pytest.raises(DatasetError, match=r"no fer2013.csv; expected it there or under fer2013/"):
        Fer2013().load(tmp_path)


def test_fer2013_without_usage_column_is_all_train(tmp_path):
    write_fer(tmp_path, ["3,1 2 3 4 5 6 7 8 9", ""], header="emotion,pixels")
    with pytest.raises(DatasetError, match="9 pixels"):
        Fer2013().load(tmp_path)
    write_fer(tmp_path, [f"3,{' '.join(['5'] * 2304)}"], header="emotion,pixels")
    assert len(Fer2013().load(tmp_path)) == 1
    with pytest.raises(SplitNotFound, match="no Usage column"):
        Fer2013().load(tmp_path, "test")


# ------------------------------------------------------------------------------------------------ CK+


def test_ckplus_takes_peak_frames_crops_faces_and_drops_contempt(tmp_path, face_photo):
    write_ckplus(tmp_path, face_photo, {"S005/001": 3.0, "S010/002": 5.0, "S011/004": 2.0})
    faces = CKPlus().load(tmp_path, size=48)
    assert faces.labels.tolist() == [4, 0]  # disgust, happiness
    assert faces.sources == ["S005/001/S005_001_00000003.png", "S010/002/S010_002_00000003.png"]
    assert faces.report["dropped_labels"] == {"contempt": 1}
    assert faces.images.shape == (2, 48, 48)
    three = CKPlus(peak_frames=3).load(tmp_path, "all", size=48)
    assert len(three) == 6


def test_ckplus_frame_without_a_face_is_counted(tmp_path, face_photo):
    base = write_ckplus(tmp_path, face_photo, {"S005/001": 3.0, "S006/001": 7.0})
    blank = base / "cohn-kanade-images" / "S006" / "001" / "S006_001_00000003.png"
    Image.fromarray(np.full_like(face_photo, 128)).save(blank)
    faces = CKPlus().load(tmp_path)
    assert faces.report["no_face"] == ["S006/001/S006_001_00000003.png"]
    assert len(faces) == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [("   9.0000000e+00", "unknown label 9"), ("3.5", "not a whole number"), ("happy", "expected one number")],
)
def test_ckplus_bad_emotion_file_names_it(tmp_path, face_photo, content, message):
    base = write_ckplus(tmp_path, face_photo, {"S005/001": 3.0})
    label = base / "Emotion" / "S005" / "001" / "S005_001_00000003_emotion.txt"
    label.write_text(content)
    with pytest.raises(DatasetError, match=f"S005_001_00000003_emotion.txt.*{message}"):
        CKPlus().load(tmp_path)


def test_ckplus_missing_folder_or_peak_frame(tmp_path, face_photo):
    base = write_ckplus(tmp_path, face_photo, {"S005/001": 3.0})
    (base / "cohn-kanade-images" / "S005" / "001" / "S005_001_00000003.png").unlink()
    with pytest.raises(DatasetError, match="its peak frame .*S005_001_00000003.png is missing"):
        CKPlus().load(tmp_path)
    (base / "Emotion").rename(base / "Labels")
    with pytest.raises(DatasetError, match=r"CK\+: no CK\+ layout; missing folder Emotion \(expected"):
        CKPlus().load(tmp_path)


# ------------------------------------------------------------------------------------------------ folders


def test_folder_split_layout_maps_names_case_insensitively(tmp_path):
    write_folders(tmp_path, {"train/Happy": 2, "train/fearful": 1, "train/neutral": 3, "test/sad": 2})
    loader = FolderDataset(name="affectnet")
    train = loader.load(tmp_path, "train", size=32)
    assert train.class_counts().tolist() == [2, 0, 0, 0, 0, 1]
    assert train.report["dropped_labels"] == {"neutral": 3}
    assert train.name == "affectnet-train"
    assert train.sources[0] == "train/Happy/img000.png"
    assert loader.load(tmp_path, "test").class_counts()[2] == 2
    with pytest.raises(SplitNotFound, match="no val folder"):
        loader.load(tmp_path, "val")


def test_folder_flat_layout_is_train(tmp_path):
    write_folders(tmp_path, {"anger": 1, "disgust": 2, "surprise": 1})
    faces = get_loader("folder").load(tmp_path)
    assert faces.class_counts().tolist() == [0, 1, 0, 1, 2, 0]
    with pytest.raises(SplitNotFound):
        get_loader("folder").load(tmp_path, "test")


def test_folder_unknown_class_lists_the_known_names(tmp_path):
    write_folders(tmp_path, {"train/happy": 1, "train/smirk": 1})
    with pytest.raises(DatasetError, match=r"smirk: class folder: unknown label 'smirk'; expected one of happy, "):
        FolderDataset().load(tmp_path)


def test_folder_mixed_layout_is_an_error(tmp_path):
    write_folders(tmp_path, {"train/happy": 1, "happy": 1})
    with pytest.raises(DatasetError, match="mixed layout"):
        FolderDataset().load(tmp_path)


def test_folder_can_detect_faces_in_whole_photos(tmp_path, face_photo):
    (tmp_path / "happy").mkdir()
    Image.fromarray(face_photo).save(tmp_path / "happy" / "photo.png")
    Image.fromarray(np.full_like(face_photo, 90)).save(tmp_path / "happy" / "wall.png")
    faces = get_loader("folder", aligned=False).load(tmp_path, size=40)
    assert faces.sources == ["happy/photo.png"]
    assert faces.report["no_face"] == ["happy/wall.png"]


def test_get_loader_rejects_unknown_names_and_options():
    with pytest.raises(ValueError, match="unknown dataset 'imagenet'"):
        get_loader("imagenet")
    with pytest.raises(ValueError, match="bad options"):
        get_loader("rafdb", peak_frames=3)


# ------------------------------------------------------------------------------------------------ FER-GiMeFive


def test_aggregate_concatenates_parts_in_one_label_space(tmp_path, face_photo):
    write_rafdb(tmp_path)
    write_fer(tmp_path)
    write_ckplus(tmp_path, face_photo, {"S005/001": 5.0})
    faces = get_loader("fer-gimefive").load(tmp_path, size=32)
    assert len(faces) == 7 + 6 + 1
    assert faces.class_counts().tolist() == [2 + 1 + 1, 2, 2, 2, 2, 2]
    assert faces.sources[0] == "rafdb/train_00001_aligned.jpg"
    assert "fer2013/fer2013.csv:2" in faces.sources
    assert faces.sources[-1] == "ckplus/S005/001/S005_001_00000003.png"
    assert faces.report["dropped_labels"] == {"neutral": 2}
    assert faces.report["missing_parts"] == ["affectnet", "tfeid"]
    assert faces.report["parts"]["fer2013"]["class_counts"] == [1] * 6
    test = Aggregate().load(tmp_path, "test", size=32)
    assert {s.split("/")[0] for s in test.sources} == {"rafdb", "fer2013"}


def test_aggregate_named_parts_are_required(tmp_path):
    write_rafdb(tmp_path)
    only = Aggregate(parts="rafdb").load(tmp_path, size=32)
    assert only.report["missing_parts"] == []
    with pytest.raises(DatasetError, match=r"part\(s\) ckplus not found; expected"):
        Aggregate(parts=["rafdb", "ckplus"]).load(tmp_path)
    with pytest.raises(ValueError, match="unknown part"):
        Aggregate(parts=["imagenet"])


def test_aggregate_with_no_part_says_what_it_looked_for(tmp_path):
    with pytest.raises(DatasetError, match="rafdb in .*fer2013 in"):
        Aggregate().load(tmp_path)


def test_aggregate_parse_prefixes_sources(tmp_path):
    write_rafdb(tmp_path)
    write_folders(tmp_path / "AffectNet", {"train/happy": 2})
    parsed = Aggregate().parse(tmp_path, "train")
    prefixes = [r.source.split("/")[0] for r in parsed.records]
    assert prefixes.count("rafdb") == 7 and prefixes.count("affectnet") == 2
    assert all(0 <= r.label < len(EMOTIONS) for r in parsed.records)


# ------------------------------------------------------------------------------------------------ notebook splits


def test_configured_splits_of_a_real_dataset_carve_validation_from_train(tmp_path):
    write_rafdb(tmp_path, train_ids=(4,) * 20 + (1,) * 20, test_ids=(5, 5))
    settings = Settings(data_root=tmp_path, dataset="rafdb", cache_dir=tmp_path / "cache")
    splits = configured_splits(settings)
    assert (len(splits.train), len(splits.val), len(splits.test)) == (36, 4, 2)  # validation: 10 %, as `train`
    assert splits.val.class_counts().tolist()[:2] == [2, 2]  # stratified
    assert not set(splits.train.sources) & set(splits.val.sources)
    assert (splits.train.name, splits.val.name) == ("rafdb-train", "rafdb-val")
    assert splits.notes == []


def test_without_a_test_split_part_of_train_is_held_out_as_test_not_validation_reused(tmp_path):
    write_rafdb(tmp_path, train_ids=(4,) * 20 + (1,) * 20, test_ids=())
    splits = configured_splits(Settings(data_root=tmp_path, dataset="rafdb", cache_dir=tmp_path / "cache"))
    assert (len(splits.train), len(splits.val), len(splits.test)) == (28, 4, 8)
    assert splits.test.class_counts().tolist()[:2] == [4, 4] and splits.test.name.endswith("-holdout")
    parts = [set(part.sources) for part in (splits.train, splits.val, splits.test)]
    assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
    assert "no rafdb images of split 'test'" in splits.notes[0] and "20% of train held out" in splits.notes[1]


@pytest.mark.slow  # renders the 1,500 synthetic faces of fast mode
def test_configured_splits_default_to_the_synthetic_faces(tmp_path):
    splits = configured_splits(Settings(fast=True, runs_dir=tmp_path))
    assert splits.train.masks is not None and splits.test is not None
    assert len(splits.val) == pytest.approx(0.15 * (len(splits.train) + len(splits.val)), abs=1)


def test_a_label_file_with_a_byte_order_mark_keeps_its_first_line(tmp_path):
    basic = write_rafdb(tmp_path)
    label_file = basic / "EmoLabel" / "list_patition_label.txt"
    label_file.write_bytes(b"\xef\xbb\xbf" + label_file.read_bytes())
    faces = RafDB().load(tmp_path, "train")
    assert len(faces) == 7 and faces.sources[0] == "train_00001_aligned.jpg"


def test_a_label_file_that_is_not_utf8_names_file_and_line(tmp_path):
    basic = write_rafdb(tmp_path)
    label_file = basic / "EmoLabel" / "list_patition_label.txt"
    lines = label_file.read_bytes().split(b"\n")
    lines[2] = b"train_00003\xe9.jpg 1"
    label_file.write_bytes(b"\n".join(lines))
    with pytest.raises(DatasetError, match=r"list_patition_label\.txt:3: not UTF-8 text \(byte 0xe9\)"):
        RafDB().load(tmp_path, "train")


def test_the_cache_notices_changed_and_deleted_images(tmp_path):
    basic = write_rafdb(tmp_path)
    cache = tmp_path / "cache"
    first = RafDB().load(tmp_path, "train", cache_dir=cache)
    assert RafDB().load(tmp_path, "train", cache_dir=cache).report["from_cache"]
    images = basic / "Image" / "aligned"
    write_image(images / "train_00001_aligned.jpg", 0)  # zeroed (size or time changes)
    os.utime(images / "train_00001_aligned.jpg", ns=(1, 1))
    (images / "train_00002_aligned.jpg").unlink()
    with pytest.raises(DatasetError, match="train_00002_aligned.jpg: image listed in the labels but missing"):
        RafDB().load(tmp_path, "train", cache_dir=cache)
    again = RafDB().load(tmp_path, "train", cache_dir=cache, skip_corrupt=True)
    assert not again.report["from_cache"] and len(again) == len(first) - 1
    assert again.images[0].max() == 0


def test_fer2013_skip_corrupt_skips_a_short_row_and_counts_it(tmp_path):
    rows = [fer_row(3, "Training"), fer_row(4, "Training", count=2303), fer_row(0, "Training")]
    write_fer(tmp_path, rows)
    with pytest.raises(DatasetError, match=r"fer2013\.csv:3: 2303 pixels; expected 2304"):
        Fer2013().load(tmp_path, "train")
    faces = Fer2013().load(tmp_path, "train", skip_corrupt=True)
    assert len(faces) == 2 and faces.report["skipped_corrupt"] == ["fer2013.csv:3"]
