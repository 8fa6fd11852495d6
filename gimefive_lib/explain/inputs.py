"""What the explainers look at: a model and faces, synthetic by default, real with the shipped checkpoint."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from torch import nn

from gimefive_lib.data import get_loader, load_test_split
from gimefive_lib.data.detection import largest_face_crop, make_detector
from gimefive_lib.data.faceset import FaceSet
from gimefive_lib.settings import Settings, get_settings
from gimefive_lib.training.checkpoint import held_out_validation, read_checkpoint
from gimefive_lib.training.recipes import shipped_model, synthetic_model


@dataclass
class ExplainData:
    """A model, faces to explain (with masks and landmarks on synthetic faces) and a line saying what they are."""

    model: nn.Module
    faces: FaceSet
    description: str

    @property
    def has_masks(self) -> bool:
        """True when the faces carry ground-truth evidence masks (synthetic faces)."""
        return self.faces.masks is not None


def sample_faces(faces: FaceSet, n: int, seed: int = 0) -> FaceSet:
    """``n`` faces drawn without replacement in a fixed order (all of them when ``n`` is larger)."""
    if n >= len(faces):
        return faces
    index = np.sort(np.random.default_rng(seed).choice(len(faces), n, replace=False))
    return faces.subset(index)


def explain_data(settings: Settings | None = None, n: int = 64) -> ExplainData:
    """The model and ``n`` faces the explainers look at.

    With ``GIMEFIVE_DATA`` set and the checkpoint present: the shipped model on faces it never trained on (see
    :func:`unseen_real_faces`). Otherwise the GiMeFive trained on synthetic faces (trained once, then loaded) on
    synthetic test faces.
    """
    settings = settings or get_settings()
    if settings.uses_real_data and settings.checkpoint.is_file():

        part, which = unseen_real_faces(settings)
        faces = sample_faces(part, n, settings.seed)
        description = f"shipped checkpoint on {len(faces)} {settings.dataset} {which} faces"
        return ExplainData(shipped_model(settings), faces, description)

    note = ""
    if settings.uses_real_data:
        note = f" (GIMEFIVE_DATA is set but {settings.checkpoint} does not exist yet, so synthetic faces are used)"
    model, data = synthetic_model(settings)
    faces = sample_faces(data.test, n, settings.seed)
    return ExplainData(model, faces, f"GiMeFive trained on synthetic faces, {len(faces)} synthetic test faces{note}")


def astronaut_face(size: int = 64) -> np.ndarray:
    """The face crop (BlazeFace, else Haar) of scikit-image's astronaut photo (Eileen Collins), a real face that
    ships with scikit-image."""
    from skimage.data import astronaut


    face = largest_face_crop(astronaut(), make_detector(), size)
    if face is None:
        raise RuntimeError("no face found in skimage.data.astronaut()")
    return face


def unseen_real_faces(settings: Settings) -> tuple[FaceSet, str]:
    """Real faces the checkpoint ``settings.checkpoint`` never trained on, and which split they are: the test split,
    or where it is missing the validation faces ``train`` carved from the train split for it (``VAL_FRACTION``,
    with the seed stored in the checkpoint, whatever ``GIMEFIVE_SEED`` says).

    Not the notebooks' held-out test faces (:func:`~gimefive_lib.data.configured_splits`): the shipped model
    trained on most of them. A checkpoint refitted on all train faces has no such faces: ValueError.
    """
    test, _ = load_test_split(settings)
    if test is not None:
        return test, "test"
    state = read_checkpoint(settings.checkpoint, mmap=True)
    full = get_loader(settings.dataset).load(settings.data_root, "train", cache_dir=settings.cache_dir)
    try:
        val = held_out_validation(state, full)
    except ValueError as error:
        raise ValueError(f"{settings.checkpoint}: {error}; without a test split of {settings.dataset} no face is "
                         "left that it never trained on") from None
    return val, "validation (no test split)"
