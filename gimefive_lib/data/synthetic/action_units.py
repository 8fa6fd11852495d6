"""The FACS action units of each emotion: landmark motions, regions and evidence specs."""

from __future__ import annotations

import numpy as np

from gimefive_lib.labels import EMOTIONS

ACTION_UNITS: dict[str, tuple[int, ...]] = {
    "happiness": (6, 12),
    "surprise": (1, 2, 5, 26),
    "sadness": (1, 4, 15),
    "anger": (4, 5, 7, 23),
    "disgust": (9, 15, 16),
    "fear": (1, 2, 4, 5, 20, 26),
}

# Apex level of an AU within an emotion where it is below 1: the prototypes' intensities (FACS) differ per emotion.
APEX_LEVELS: dict[str, dict[int, float]] = {
    # the jaw drops half way: real surprised mouths open less than fearful ones (median opening 0.029 of the face
    # width on RAF-DB train faces, the face mesh's reading), and a fully dropped jaw taught "open mouth: fear or
    # surprise" (bench/synthetic_transfer.py: real surprise recognised at 0.21-0.23 instead of 0.10)
    "surprise": {26: 0.5},
    "anger": {5: 0.5},  # a glare under the lowered brows, not the wide-open eyes of surprise
    "sadness": {4: 0.6},  # the brows drawn together but still raised at the inner ends (oblique)
    # AU1 wins over AU4: the inner brows raised but knitted (the worried brow), pulled a little lower than in
    # surprise; the jaw drops further than in surprise (0.8 against 0.5) and the lip stretcher widens the mouth
    "fear": {4: 0.5, 26: 0.8},
}

AU_NAMES: dict[int, str] = {
    1: "inner brow raiser",
    2: "outer brow raiser",
    4: "brow lowerer",
    5: "upper lid raiser",
    6: "cheek raiser",
    7: "lid tightener",
    9: "nose wrinkler",
    12: "lip corner puller",
    15: "lip corner depressor",
    16: "lower lip depressor",
    20: "lip stretcher",
    23: "lip tightener",
    26: "jaw drop",
}

# Each action unit deforms one region of data.regions.ACTION_UNIT_REGIONS.
AU_REGIONS: dict[int, str] = {
    1: "brows",
    2: "brows",
    4: "brows",
    5: "eyes",
    6: "cheeks",
    7: "eyes",
    9: "nose",
    12: "mouth",
    15: "mouth",
    16: "mouth",
    20: "mouth",
    23: "mouth",
    26: "mouth",
}

OCCLUDERS: tuple[str, ...] = ("glasses", "hand", "patch")

# iBUG 68-point index of each point's left/right mirror partner (centre points map to themselves).
_MIRROR = np.array(
    [16 - i for i in range(17)]
    + [26, 25, 24, 23, 22, 21, 20, 19, 18, 17]
    + [27, 28, 29, 30, 35, 34, 33, 32, 31]
    + [45, 44, 43, 42, 47, 46, 39, 38, 37, 36, 41, 40]
    + [54, 53, 52, 51, 50, 49, 48, 59, 58, 57, 56, 55]
    + [64, 63, 62, 61, 60, 67, 66, 65]
)

# Landmark motion of each AU at apex, face units (dx, dy), for the image-left half and the centre line;
# the image-right half is mirrored. Brows 17-21, eye 36-41, nose 27-33, lips 48-51/57-59, inner lips 60-62/66-67.
_AU_MOTION: dict[int, dict[int, tuple[float, float]]] = {
    1: {21: (0.0, -0.045), 20: (0.0, -0.030), 19: (0.0, -0.014), 18: (0.0, -0.005)},
    2: {17: (0.0, -0.036), 18: (0.0, -0.034), 19: (0.0, -0.026), 20: (0.0, -0.012)},
    4: {21: (0.04, 0.066), 20: (0.028, 0.046), 19: (0.016, 0.026), 18: (0.006, 0.01), 17: (0.0, -0.004)},
    5: {37: (0.0, -0.017), 38: (0.0, -0.017)},
    6: {40: (0.0, -0.008), 41: (0.0, -0.008), 36: (0.0, -0.002)},
    7: {40: (0.0, -0.014), 41: (0.0, -0.014), 37: (0.0, 0.006), 38: (0.0, 0.006)},
    9: {
        21: (0.01, 0.026),  # the medial brows lowered and the eyes narrowed from below, as FACS describes AU9
        20: (0.005, 0.016),
        40: (0.0, -0.011),
        41: (0.0, -0.011),
        28: (0.0, -0.004),
        29: (0.0, -0.006),
        30: (0.0, -0.008),
        31: (0.004, -0.014),
        32: (0.002, -0.012),
        33: (0.0, -0.010),
        49: (0.0, -0.01),
        50: (0.0, -0.016),
        51: (0.0, -0.016),
        61: (0.0, -0.012),
        62: (0.0, -0.017),
    },
    12: {
        48: (-0.018, -0.032),
        60: (-0.014, -0.028),
        49: (-0.006, -0.013),
        59: (-0.006, -0.013),
        61: (-0.003, -0.009),
        67: (-0.004, -0.002),  # at apex the stretched lips part a little over the upper teeth
        66: (0.0, 0.006),
        50: (0.0, -0.003),
        58: (0.0, 0.002),
    },
    15: {
        48: (0.004, 0.028),
        60: (0.004, 0.024),
        49: (0.0, 0.009),
        59: (0.0, 0.011),
        61: (0.0, 0.007),
        67: (0.0, 0.007),
        50: (0.0, 0.002),
        58: (0.0, 0.004),
    },
    16: {
        59: (0.0, 0.016),
        58: (0.0, 0.026),
        57: (0.0, 0.03),
        67: (0.0, 0.018),
        66: (0.0, 0.022),
    },
    20: {  # lips stretched sideways and flattened: the corners drawn back towards the ears, the lips thinned
        # over the teeth; parted, the lower lip is pulled down evenly (a wide, flat, rectangular opening)
        48: (-0.046, 0.016),
        60: (-0.042, 0.016),
        49: (-0.03, 0.012),
        59: (-0.03, 0.04),
        50: (-0.012, 0.0),
        58: (-0.012, 0.036),
        51: (0.0, -0.002),
        57: (0.0, 0.032),
        61: (-0.025, -0.004),
        62: (0.0, -0.004),
        67: (-0.025, 0.036),
        66: (0.0, 0.03),
    },
    23: {
        48: (0.016, 0.0),  # the tightened lips narrow the mouth
        60: (0.013, 0.0),
        49: (0.004, 0.016),
        50: (0.0, 0.017),
        51: (0.0, 0.017),
        59: (0.004, -0.018),
        58: (0.0, -0.02),
        57: (0.0, -0.02),
        61: (0.003, 0.0),
        67: (0.003, 0.0),
    },
    26: {
        5: (0.0, 0.01),
        6: (0.0, 0.026),
        7: (0.0, 0.038),
        8: (0.0, 0.042),
        48: (0.01, 0.012),
        60: (0.01, 0.012),
        59: (0.004, 0.045),
        58: (0.0, 0.058),
        57: (0.0, 0.06),
        67: (0.004, 0.05),
        66: (0.0, 0.06),
    },
}

# Evidence region of each AU: point sets (landmark, dx, dy) whose padded convex hull, taken over the neutral and the
# deformed landmarks, is the AU's mask. "L" sets are given for the image-left half and mirrored, "C" sets span the
# centre line.
_Spec = tuple[tuple[int, float, float], ...]
_LIPS: _Spec = tuple((i, 0.0, 0.0) for i in range(48, 68))
_AU_REGION_SPECS: dict[int, tuple[tuple[str, _Spec], ...]] = {
    1: (("C", tuple((i, 0.0, dy) for i in range(18, 26) for dy in (0.02, -0.085))),),
    2: (("L", tuple((i, 0.0, dy) for i in range(17, 21) for dy in (0.02, -0.08)) + ((17, -0.015, 0.0),)),),
    4: (("C", tuple((i, 0.0, dy) for i in range(17, 27) for dy in (0.022, -0.03)) + ((27, 0.0, 0.012),)),),
    5: (
        (
            "L",
            (
                (36, -0.008, 0.0),
                (37, 0.0, -0.028),
                (38, 0.0, -0.028),
                (39, 0.008, 0.0),
                (40, 0.0, 0.004),
                (41, 0.0, 0.004),
            ),
        ),
    ),
    6: (
        (
            "L",
            (
                (36, -0.05, -0.018),
                (36, -0.05, 0.11),
                (39, 0.0, 0.0),
                (40, 0.0, 0.0),
                (41, 0.0, 0.0),
                (31, -0.01, 0.0),
                (48, -0.015, 0.0),
            ),
        ),
    ),
    7: (
        (
            "L",
            (
                (36, -0.008, 0.0),
                (37, 0.0, -0.028),
                (38, 0.0, -0.028),
                (39, 0.008, 0.0),
                (40, 0.0, 0.024),
                (41, 0.0, 0.024),
            ),
        ),
    ),
    9: (
        (
            "C",
            tuple((i, 0.0, 0.0) for i in range(27, 36))
            + ((27, -0.045, 0.0), (27, 0.045, 0.0), (28, -0.045, 0.0), (28, 0.045, 0.0)),
        ),
        ("C", tuple((i, 0.0, dy) for i in (20, 21, 22, 23) for dy in (0.02, -0.03))),
        ("L", ((36, -0.008, 0.0), (39, 0.008, 0.0), (40, 0.0, 0.024), (41, 0.0, 0.024), (40, 0.0, -0.004))),
        (  # the upper lip it lifts and the nasolabial folds it deepens
            "C",
            tuple((i, 0.0, 0.0) for i in range(31, 36))
            + tuple((i, 0.0, 0.0) for i in range(48, 55))
            + ((31, -0.03, 0.0), (35, 0.03, 0.0), (48, -0.02, -0.01), (54, 0.02, -0.01)),
        ),
    ),
    12: (("C", _LIPS + ((48, -0.025, -0.012), (54, 0.025, -0.012))),),
    15: (("C", _LIPS + ((48, -0.01, 0.02), (54, 0.01, 0.02))),),
    16: (("C", _LIPS + ((58, 0.0, 0.015), (56, 0.0, 0.015))),),
    20: (  # the stretched lips and the wrinkles beyond their corners
        ("C", _LIPS + ((48, -0.02, 0.0), (54, 0.02, 0.0))),
        ("L", ((48, 0.0, -0.04), (48, -0.04, -0.04), (48, -0.04, 0.05), (48, 0.0, 0.05))),
    ),
    23: (("C", _LIPS),),
    26: (("C", _LIPS + tuple((i, 0.0, 0.0) for i in range(5, 12))),),
}
_REGION_PAD = 0.015  # face units added around every evidence hull


def _motion_table(motion: dict[int, tuple[float, float]]) -> np.ndarray:
    """(68, 2) displacement of one AU from its half-face motion spec."""
    table = np.zeros((68, 2))
    for index, (dx, dy) in motion.items():
        table[index] = dx, dy
        table[_MIRROR[index]] = -dx, dy
    return table


_AU_DISPLACEMENT: dict[int, np.ndarray] = {au: _motion_table(motion) for au, motion in _AU_MOTION.items()}

AU_LANDMARKS: dict[int, tuple[int, ...]] = {
    au: tuple(int(i) for i in np.flatnonzero(np.abs(table).sum(axis=1))) for au, table in _AU_DISPLACEMENT.items()
}


def au_displacement(au: int) -> np.ndarray:
    """The (68, 2) landmark displacement of one action unit at apex, face units (1.0 = image width)."""
    return _AU_DISPLACEMENT[au].copy()


def evidence_landmarks(emotion: int) -> tuple[int, ...]:
    """Sorted landmark indices moved by the action units of an emotion id."""
    return tuple(sorted({i for au in ACTION_UNITS[EMOTIONS[emotion]] for i in AU_LANDMARKS[au]}))


