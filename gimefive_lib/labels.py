"""The six GiMeFive emotions and the tables that map each dataset's label ids onto them."""

from __future__ import annotations

EMOTIONS: tuple[str, ...] = ("happiness", "surprise", "sadness", "anger", "disgust", "fear")
NUM_CLASSES = len(EMOTIONS)

# Official id -> GiMeFive id; None marks a class GiMeFive does not use (neutral, contempt).
RAFDB_TO_GIMEFIVE: dict[int, int | None] = {1: 1, 2: 5, 3: 4, 4: 0, 5: 2, 6: 3, 7: None}
FER2013_TO_GIMEFIVE: dict[int, int | None] = {0: 3, 1: 4, 2: 5, 3: 0, 4: 2, 5: 1, 6: None}
CKPLUS_TO_GIMEFIVE: dict[int, int | None] = {0: None, 1: 3, 2: None, 3: 4, 4: 5, 5: 0, 6: 2, 7: 1}

# Class-per-folder datasets (AffectNet, TFEID, FER2013 folders) name their folders in many ways.
FOLDER_NAME_TO_GIMEFIVE: dict[str, int | None] = {
    "happy": 0,
    "happiness": 0,
    "joy": 0,
    "surprise": 1,
    "surprised": 1,
    "sad": 2,
    "sadness": 2,
    "angry": 3,
    "anger": 3,
    "disgust": 4,
    "disgusted": 4,
    "fear": 5,
    "fearful": 5,
    "afraid": 5,
    "neutral": None,
    "contempt": None,
    "calm": None,
}

LABEL_TABLES: dict[str, dict] = {
    "rafdb": RAFDB_TO_GIMEFIVE,
    "fer2013": FER2013_TO_GIMEFIVE,
    "ckplus": CKPLUS_TO_GIMEFIVE,
    "folder": FOLDER_NAME_TO_GIMEFIVE,
}


def emotion_name(label: int) -> str:
    """Return the emotion name of a GiMeFive label id."""
    return EMOTIONS[int(label)]


def emotion_id(name: str) -> int:
    """Return the GiMeFive id of an emotion name (case-insensitive)."""
    try:
        return EMOTIONS.index(name.strip().lower())
    except ValueError:
        raise ValueError(f"unknown emotion {name!r}; expected one of {', '.join(EMOTIONS)}") from None
