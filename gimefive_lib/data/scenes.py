"""Scenes of real faces with known boxes: aligned face crops pasted into larger frames, for detection benchmarks,
the video benchmark and the browser camera test.

Faces come from RAF-DB basic's aligned train crops (read straight from ``rafdb-basic-train.tar.gz`` or from an
unpacked ``RAF-DB/basic`` folder, never copied into the project) or, without them, from scikit-image's
astronaut photo. Each face is pasted as its whole aligned square, resized, slightly rotated and relit, on a
background (gradient, noise, stripes or one of scikit-image's bundled photos without people), so the
ground-truth box of a face is exactly the square an aligned crop would cover.
"""

from __future__ import annotations

import tarfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from gimefive_lib.data.detection import Box, iou
from gimefive_lib.labels import RAFDB_TO_GIMEFIVE

RAFDB_ARCHIVE = "rafdb-basic-train.tar.gz"
ALIGNED_DIR = "RAF-DB/basic/Image/aligned"
LABEL_FILE = "RAF-DB/basic/EmoLabel/list_patition_label.txt"
# Where scikit-image's astronaut (Eileen Collins) has her face, squared like a RAF-DB aligned crop.
ASTRONAUT_FACE = Box(174, 70, 100, 100)
# scikit-image's bundled photos without a person or a face in them (camera, astronaut, chelsea have one).
PHOTO_BACKGROUNDS = ("brick", "coffee", "grass", "gravel", "rocket", "hubble_deep_field", "moon", "coins", "text")


@dataclass
class FaceSource:
    """RGB aligned faces (square, uint8), their GiMeFive labels (-1 when unknown) and where they came from."""

    images: list[np.ndarray]
    labels: np.ndarray
    origin: str


def _labels(text: str) -> dict[str, int]:
    """``train_00001_aligned.jpg`` -> GiMeFive label, from RAF-DB's label file (neutral and unknown ids left out)."""
    labels = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[1].isdigit() and RAFDB_TO_GIMEFIVE.get(int(parts[1])) is not None:
            labels[parts[0].replace(".jpg", "_aligned.jpg")] = RAFDB_TO_GIMEFIVE[int(parts[1])]
    return labels


def _decode(data: bytes) -> np.ndarray | None:
    bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    return None if bgr is None else cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def find_rafdb(data: str | Path) -> Path | None:
    """The RAF-DB archive or unpacked ``RAF-DB/basic`` tree at or under ``data`` (a folder or the .tar.gz), or None."""
    data = Path(data).expanduser()
    if data.is_file() and data.name.endswith(".tar.gz"):
        return data
    if (data / RAFDB_ARCHIVE).is_file():
        return data / RAFDB_ARCHIVE
    return data if (data / ALIGNED_DIR).is_dir() and (data / LABEL_FILE).is_file() else None


def rafdb_faces(data: str | Path, count: int, seed: int = 0) -> FaceSource:
    """``count`` RAF-DB aligned train faces drawn at random (seeded) from the archive or folder at ``data``."""
    rng = np.random.default_rng(seed)

    def draw(labels: dict[str, int]) -> list[str]:
        names = list(labels)
        return [names[i] for i in rng.choice(len(names), min(count, len(names)), replace=False)]

    return rafdb_chosen_faces(data, draw)


def rafdb_chosen_faces(data: str | Path, choose: Callable[[dict[str, int]], list[str]]) -> FaceSource:
    """The RAF-DB aligned train faces that ``choose`` picks from all of them: it gets their names
    (``train_00001_aligned.jpg``) and GiMeFive labels in the order of RAF-DB's label file, neutral faces left out,
    which is the order the ``rafdb`` loader reads them in, so ``train``'s validation carve can pick the same faces
    (``bench/redetect_accuracy.py``)."""
    found = find_rafdb(data)
    if found is None:
        raise FileNotFoundError(f"{data}: no {RAFDB_ARCHIVE} and no {ALIGNED_DIR} folder there")
    if found.is_file():
        with tarfile.open(found, "r:gz") as archive:
            members = {m.name: m for m in archive.getmembers() if m.isfile()}
            labels = _labels(archive.extractfile(members[LABEL_FILE]).read().decode("utf-8-sig"))
            chosen = choose({n: k for n, k in labels.items() if f"{ALIGNED_DIR}/{n}" in members})
            wanted = {f"{ALIGNED_DIR}/{n}" for n in chosen}
            blobs = {}
            for member in archive:  # one pass over the compressed stream
                if member.name in wanted:
                    blobs[member.name.rsplit("/", 1)[1]] = archive.extractfile(member).read()
    else:
        labels = _labels((found / LABEL_FILE).read_text(encoding="utf-8-sig"))
        chosen = choose({n: k for n, k in labels.items() if (found / ALIGNED_DIR / n).exists()})
        blobs = {n: (found / ALIGNED_DIR / n).read_bytes() for n in chosen}
    images, kept = [], []
    for name in chosen:
        image = _decode(blobs.get(name, b""))
        if image is not None:
            images.append(image)
            kept.append(labels[name])
    return FaceSource(images, np.array(kept, dtype=np.int64), f"{len(images)} RAF-DB aligned train faces ({found})")


def astronaut_faces(count: int, seed: int = 0) -> FaceSource:
    """The one face of scikit-image's astronaut photo, ``count`` times (mirrored, recoloured at random)."""
    from skimage import data as skdata  # scikit-image is heavy; only the fallback needs it

    b = ASTRONAUT_FACE
    face = skdata.astronaut()[b.y : b.y + b.h, b.x : b.x + b.w]
    rng = np.random.default_rng(seed)
    images = []
    for _ in range(count):
        image = face[:, ::-1] if rng.random() < 0.5 else face
        images.append(np.clip(image * rng.uniform(0.8, 1.2, 3), 0, 255).astype(np.uint8))
    return FaceSource(images, np.full(count, -1), "scikit-image's astronaut face (no RAF-DB data found)")


def real_faces(data: str | Path | None, count: int, seed: int = 0) -> FaceSource:
    """RAF-DB faces from ``data`` when it holds them, else the astronaut's face."""
    if data is not None and find_rafdb(data) is not None:
        return rafdb_faces(data, count, seed)
    return astronaut_faces(count, seed)


def background(rng: np.random.Generator, width: int = 640, height: int = 480) -> np.ndarray:
    """An RGB background without faces: a gradient, smooth noise, stripes or a scikit-image photo."""
    kind = rng.integers(4)
    if kind == 0:
        a, b = rng.integers(0, 256, 3), rng.integers(0, 256, 3)
        t = np.linspace(0, 1, width if rng.random() < 0.5 else height)
        ramp = a + (b - a) * t[:, None]
        image = np.broadcast_to(ramp[None], (height, width, 3)) if len(t) == width else \
            np.broadcast_to(ramp[:, None], (height, width, 3))
    elif kind == 1:
        small = rng.integers(0, 256, (int(rng.integers(3, 30)), int(rng.integers(3, 30)), 3)).astype(np.uint8)
        image = cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC).astype(float)
        image += rng.normal(0, rng.uniform(2, 20), image.shape)
    elif kind == 2:
        period, angle = rng.uniform(8, 80), rng.uniform(0, np.pi)
        yy, xx = np.mgrid[:height, :width]
        wave = np.sin((xx * np.cos(angle) + yy * np.sin(angle)) * 2 * np.pi / period)[..., None]
        image = 128 + wave * rng.uniform(20, 100) * rng.uniform(0.3, 1.0, 3)
    else:
        from skimage import data as skdata  # heavy; only photo backgrounds need it

        photo = getattr(skdata, PHOTO_BACKGROUNDS[rng.integers(len(PHOTO_BACKGROUNDS))])()
        photo = cv2.cvtColor(photo, cv2.COLOR_GRAY2RGB) if photo.ndim == 2 else photo[..., :3]
        image = cv2.resize(photo, (width, height), interpolation=cv2.INTER_AREA).astype(float)
    return np.clip(image, 0, 255).astype(np.uint8)


def place_face(frame: np.ndarray, face: np.ndarray, box: Box, rng: np.random.Generator,
               rotation: float = 10.0, lighting: float = 0.25) -> None:
    """Paste ``face`` into ``frame`` (in place) over the square ``box``: rotated by up to ``rotation`` degrees,
    its brightness and contrast changed by up to ``lighting``, a side lit more than the other, edges feathered."""
    side = box.w
    patch = cv2.resize(face, (side, side), interpolation=cv2.INTER_AREA if side < face.shape[0] else cv2.INTER_LINEAR)
    turn = cv2.getRotationMatrix2D((side / 2, side / 2), rng.uniform(-rotation, rotation), 1.0)
    patch = cv2.warpAffine(patch, turn, (side, side), borderMode=cv2.BORDER_REFLECT).astype(np.float32)
    sided = np.linspace(-1, 1, side)[None, :, None] * rng.uniform(-lighting, lighting)
    gain = 1 + rng.uniform(-lighting, lighting) + sided
    patch = (patch - patch.mean()) * rng.uniform(1 - lighting, 1 + lighting) + patch.mean()
    patch = np.clip(patch * gain, 0, 255)
    edge = np.minimum(np.arange(side), np.arange(side)[::-1]) / max(1.0, 0.06 * side)
    alpha = np.clip(np.minimum(edge[:, None], edge[None, :]), 0, 1)[..., None]
    region = frame[box.y : box.y + side, box.x : box.x + side].astype(np.float32)
    frame[box.y : box.y + side, box.x : box.x + side] = (alpha * patch + (1 - alpha) * region).astype(np.uint8)


def face_scene(faces: list[np.ndarray], rng: np.random.Generator, width: int = 640, height: int = 480,
               sizes: tuple[int, int] = (48, 300), tries: int = 50) -> tuple[np.ndarray, list[Box]]:
    """A frame with ``faces`` pasted at random, non-overlapping squares (sides drawn log-uniformly from
    ``sizes``) and their true boxes; a face that finds no free place after ``tries`` is left out."""
    frame = background(rng, width, height)
    boxes: list[Box] = []
    for face in faces:
        for _ in range(tries):
            side = int(np.exp(rng.uniform(np.log(sizes[0]), np.log(min(sizes[1], width, height)))))
            box = Box(int(rng.integers(0, width - side + 1)), int(rng.integers(0, height - side + 1)), side, side)
            if all(iou(box, other) == 0 for other in boxes):
                place_face(frame, face, box, rng)
                boxes.append(box)
                break
    return frame, boxes


def face_clip(faces: list[np.ndarray], n_frames: int, rng: np.random.Generator, width: int = 640, height: int = 480,
              sizes: tuple[int, int] = (100, 200)) -> tuple[np.ndarray, list[list[Box]]]:
    """``n_frames`` RGB frames in which each of ``faces`` drifts slowly over one fixed background (a steady
    camera), kept apart on a grid of cells; the true boxes of each frame."""
    base = background(rng, width, height)
    cols = int(np.ceil(np.sqrt(len(faces))))
    rows = int(np.ceil(len(faces) / cols))
    cell_w, cell_h = width // cols, height // rows
    plans = []
    for k in range(len(faces)):
        side = int(min(rng.integers(sizes[0], sizes[1] + 1), cell_w - 8, cell_h - 8))
        x0, y0 = (k % cols) * cell_w, (k // cols) * cell_h
        start = rng.uniform(0, [cell_w - side, cell_h - side])
        end = rng.uniform(0, [cell_w - side, cell_h - side])
        plans.append((side, x0, y0, start, end))
    frames, truths = [], []
    for t in np.linspace(0, 1, n_frames):
        frame, boxes = base.copy(), []
        for face, (side, x0, y0, start, end) in zip(faces, plans, strict=True):
            dx, dy = start + (end - start) * t
            box = Box(x0 + int(dx), y0 + int(dy), side, side)
            place_face(frame, face, box, np.random.default_rng(0), rotation=0.0, lighting=0.0)
            boxes.append(box)
        frames.append(frame)
        truths.append(boxes)
    return np.stack(frames), truths


# The benchmark clip's faces: this many drawn with this seed, the first ``faces`` of them used (so that the clip
# with one face shows the first face of the clip with four).
CLIP_FACE_POOL, CLIP_FACE_SEED = 5, 3
MAX_CLIP_FACES = 16  # on a 4 x 4 grid of 160 x 120 cells, the most a 640x480 clip keeps apart


def benchmark_clip(
    data: str | Path | None, faces: int, n_frames: int
) -> tuple[np.ndarray, list[list[Box]], str]:
    """The clip of ``bench/video_fps.py`` and ``data clip``: ``faces`` real faces (RAF-DB from ``data``, else the
    astronaut's) drifting over one background at 640x480; returns the RGB frames, the true boxes and the faces'
    origin."""
    if not 1 <= faces <= MAX_CLIP_FACES:
        raise ValueError(f"faces must be 1-{MAX_CLIP_FACES}, got {faces}")
    source = real_faces(data, max(faces, CLIP_FACE_POOL), seed=CLIP_FACE_SEED)
    frames, truths = face_clip(source.images[:faces], n_frames, np.random.default_rng(faces))
    return frames, truths, source.origin
