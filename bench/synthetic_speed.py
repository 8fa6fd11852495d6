"""Synthetic-face generation speed: faces per second of each style (the default train set is 6,000 faces).

    python bench/synthetic_speed.py [--n 600] [--size 64]
"""

from __future__ import annotations

import argparse
import time

from gimefive_lib.data.synthetic.render import STYLES, generate_synthetic


def main() -> None:
    """Time ``generate_synthetic`` for every style and print faces per second and the time for 6,000 faces."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=600)
    parser.add_argument("--size", type=int, default=64)
    args = parser.parse_args()
    for style in STYLES:
        generate_synthetic(12, size=args.size, style=style)  # warm the caches
        started = time.perf_counter()
        generate_synthetic(args.n, size=args.size, seed=1, style=style)
        seconds = time.perf_counter() - started
        rate = args.n / seconds
        print(f"{style:>9}: {rate:7.0f} faces/s at {args.size}x{args.size} ({6000 / rate:.1f} s for 6,000 faces)")


if __name__ == "__main__":
    main()
