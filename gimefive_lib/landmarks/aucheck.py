"""The check of the whole method on synthetic faces: do an emotion's top landmarks lie where its action units act?"""

from __future__ import annotations

import numpy as np
import pandas as pd

from gimefive_lib.data.regions import IBUG68, landmark_regions
from gimefive_lib.data.synthetic.action_units import ACTION_UNITS, AU_NAMES, au_displacement, evidence_landmarks
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.landmarks.attribution import LandmarkRanking
from gimefive_lib.landmarks.landmark_splits import DETECTOR_NOISE


def action_unit_landmarks(emotion: int) -> tuple[int, ...]:
    """The 68-point landmarks the synthetic faces' action units of ``emotion`` move."""
    return evidence_landmarks(emotion)


def action_unit_regions(emotion: int) -> set[str]:
    """The landmark regions (brows, eyes, nose, mouth, contour) that the emotion's action units move.

    A cheek raiser (AU6) lifts the lower eyelids and a jaw drop (AU26) lowers the chin, so their landmark regions
    are the eyes and the contour, while the synthetic faces' ``AU_REGIONS`` name the image regions they mark.
    """
    regions = landmark_regions(IBUG68)
    return {str(regions[i]) for i in action_unit_landmarks(emotion)}


def check_ranking(ranking: LandmarkRanking, top: int = 5) -> dict:
    """The top landmarks of a 68-point ranking, their regions and the share of them the emotion's AUs move."""
    regions = landmark_regions(IBUG68)
    expected = action_unit_regions(ranking.emotion)
    moved = set(action_unit_landmarks(ranking.emotion))
    best = ranking.order[:top]
    return {
        "emotion": EMOTIONS[ranking.emotion],
        "action_units": list(ACTION_UNITS[EMOTIONS[ranking.emotion]]),
        "expected_regions": sorted(expected),
        "top_landmarks": [int(i) for i in best],
        "top_regions": [str(regions[i]) for i in best],
        "share_in_au_regions": float(np.mean([regions[i] in expected for i in best])),
        "share_moved_by_aus": float(np.mean([int(i) in moved for i in best])),
    }


def au_motion_vs_noise(emotion: int, noise: float = DETECTOR_NOISE) -> pd.DataFrame:
    """Per action unit of an emotion: the landmarks it moves at apex, its largest displacement (image widths, as the
    detector noise) and that displacement in noise standard deviations (below about 1: hidden in the noise)."""
    regions = landmark_regions(IBUG68)
    rows = {}
    for au in ACTION_UNITS[EMOTIONS[emotion]]:
        shift = np.linalg.norm(au_displacement(au), axis=1)
        moved = np.flatnonzero(shift)
        rows[f"AU{au} {AU_NAMES[au]}"] = {"landmarks": [int(i) for i in moved],
                                          "regions": sorted({str(regions[i]) for i in moved}),
                                          "largest shift": float(shift.max()),
                                          "in noise sd": float(shift.max() / noise)}
    return pd.DataFrame.from_dict(rows, orient="index")
