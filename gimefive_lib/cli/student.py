"""``student``: write the student versions of the notebooks (solutions replaced by nbgrader-style stubs)."""

from __future__ import annotations

import argparse

from gimefive_lib.cli import options
from gimefive_lib.notebook.student import write_student_versions
from gimefive_lib.settings import PROJECT_DIR


def register(subparsers) -> None:
    """Add the ``student`` sub-command."""
    p = subparsers.add_parser("student", help="write the notebooks without their solutions, for students")
    p.add_argument("--output", type=options.writable_folder, default=PROJECT_DIR / "build" / "student",
                   help="folder for the student notebooks (default: build/student)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Write the student versions and say how many solutions each lost."""
    for path, stubbed in write_student_versions(args.output):
        print(f"{path}: {stubbed} solutions replaced by stubs")
    return 0
