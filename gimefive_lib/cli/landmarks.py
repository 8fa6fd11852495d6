"""``landmarks``: landmark extraction, binary classifiers, IG landmark ranking and pruning; writes a JSON report."""

from __future__ import annotations

import argparse
from pathlib import Path

from gimefive_lib.cli import options
from gimefive_lib.data.regions import FACEMESH468, IBUG68, LAYOUT_SIZES
from gimefive_lib.landmarks.attribution import BASELINES
from gimefive_lib.landmarks.classifiers import KINDS
from gimefive_lib.landmarks.landmark_splits import real_landmark_splits, synthetic_landmark_splits
from gimefive_lib.landmarks.pruning import check_schedule
from gimefive_lib.landmarks.report import chosen_k_table, study_report, write_report
from gimefive_lib.landmarks.study import StudyConfig, run_study
from gimefive_lib.settings import get_settings


def _schedule(text: str) -> tuple[int, ...]:
    try:
        return tuple(int(k) for k in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers like 68,32,16, got {text!r}") from None


def register(subparsers) -> None:
    """Add the ``landmarks`` sub-command."""
    p = subparsers.add_parser("landmarks", help="landmark explainability (Di Luzio et al. 2024): rank and prune")
    p.add_argument("--dataset", default="synthetic", help="synthetic (exact 68 points) or a real dataset (rafdb)")
    p.add_argument("--root", type=Path, help="dataset folder (default: $GIMEFIVE_DATA)")
    p.add_argument("--out", type=options.output_file, required=True, help="JSON report to write")
    p.add_argument("--model", default="random", choices=KINDS,
                   help="binary classifiers: randomised networks (default, as in the paper's family) or MLPs")
    p.add_argument("--baseline", default="neutral", choices=BASELINES, help="Integrated Gradients baseline face")
    p.add_argument("--schedule", type=_schedule, help="landmark counts k to try, e.g. 68,32,16 (default per layout)")
    p.add_argument("--no-rerank", action="store_true", help="rank once with all landmarks instead of at every k")
    p.add_argument("--skip-corrupt", action="store_true", help="skip corrupt images and report them")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Load or extract the landmarks, run the study, write and summarise the report."""
    settings = get_settings()
    layout = IBUG68 if args.dataset == "synthetic" else FACEMESH468
    if args.schedule is not None:
        try:  # before any extraction: a bad schedule fails at once
            check_schedule(args.schedule, LAYOUT_SIZES[layout])
        except ValueError as error:
            raise SystemExit(f"--schedule: {error}") from None
    config = StudyConfig(model=args.model, baseline=args.baseline, schedule=args.schedule, rerank=not args.no_rerank,
                         seed=settings.seed)
    if args.dataset == "synthetic":
        splits = synthetic_landmark_splits(settings)
    else:
        root = args.root or settings.data_root
        if root is None:
            raise SystemExit(f"--root is required for --dataset {args.dataset} (or set GIMEFIVE_DATA)")
        splits = real_landmark_splits(args.dataset, root, settings, skip_corrupt=args.skip_corrupt)
    if config.baseline == "neutral" and splits.neutral is None:
        raise SystemExit(f"--baseline neutral needs neutral faces and {args.dataset} has none here; "
                         "use --baseline others or zeros")
    for note in splits.notes:
        print(f"note: {note}")
    summary = splits.report()
    for name, found in summary["extraction"].items():
        print(f"{name}: face mesh found a face in {found['found']} of {found['images']} images "
              f"({found['no_face']} without a face, {found['skipped_corrupt']} corrupt skipped)")
    print(", ".join(f"{part['n']} {name}" for name, part in summary["parts"].items()) + " faces")
    report = study_report(run_study(splits, config), args.dataset)
    path = write_report(report, args.out)
    print(chosen_k_table(report).round(3).to_string())
    print(f"report written to {path} ({report['seconds']:.0f} s)")
    return 0
