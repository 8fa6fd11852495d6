"""Entry point of ``python -m gimefive_lib``."""

import sys

from gimefive_lib.cli import main

sys.exit(main())
