"""gimefive_lib: interpretable facial emotion recognition with GiMeFive, for notebooks, Python and the CLI.

The pipeline, one package per stage (docs/architecture.md): ``data`` -> ``models`` -> ``training`` ->
``evaluation`` -> ``explain``, ``video``, ``landmarks`` -> ``notebook`` and ``cli``. Import a stage as
``from gimefive_lib import data, models`` (stages load on first use); ``labels``, ``settings`` and ``devices``
are the shared vocabulary beneath them all.
"""

from __future__ import annotations

from gimefive_lib.labels import EMOTIONS, NUM_CLASSES, emotion_id

__version__ = "0.1.0"
__all__ = ["EMOTIONS", "NUM_CLASSES", "__version__", "emotion_id"]
