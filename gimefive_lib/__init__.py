"""gimefive_lib: interpretable facial emotion recognition with GiMeFive, for notebooks, Python and the CLI."""

from gimefive_lib.labels import EMOTIONS, NUM_CLASSES

__version__ = "0.1.0"
__all__ = ["EMOTIONS", "NUM_CLASSES", "__version__"]
