"""``data``: summarise a dataset split, fill the decoded-image cache, write the synthetic faces to disk, score how
real the synthetic faces look to a model trained on real faces, or write a video clip of real faces."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from gimefive_lib.cli import options
from gimefive_lib.cli.arguments import add_dataset_arguments, load_faces
from gimefive_lib.data import SYNTHETIC, DatasetError, FaceSet, SplitNotFound, get_loader
from gimefive_lib.data.figures import evidence_overlays, sample_grid
from gimefive_lib.data.scenes import MAX_CLIP_FACES, benchmark_clip
from gimefive_lib.data.summary import format_summary, summarize
from gimefive_lib.data.synthetic.render import STYLES, generate_synthetic
from gimefive_lib.devices import select_device
from gimefive_lib.evaluation.realism import REALISM_SEED, realism_report
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.settings import get_settings
from gimefive_lib.training.checkpoint import load_model
from gimefive_lib.video.writer import AnnotatedVideoWriter


def register(subparsers) -> None:
    """Add the ``data`` sub-command with ``summary``, ``prepare``, ``synthetic``, ``realism`` and ``clip``."""
    p = subparsers.add_parser("data", help="inspect and prepare datasets")
    actions = p.add_subparsers(dest="action", required=True)

    summary = actions.add_parser("summary", help="per-class counts, dropped labels, corrupt and no-face counts")
    add_dataset_arguments(summary)
    add_option_argument(summary)
    summary.add_argument("--split", default="train", help="train, val or test (FER2013 also takes its raw names)")
    summary.add_argument("--json", action="store_true", help="print one JSON object")
    summary.set_defaults(run=run_summary)

    prepare = actions.add_parser("prepare", help="decode, crop and cache the splits so training never decodes again")
    prepare.add_argument("--dataset", required=True, help="rafdb, fer2013, ckplus, folder or fer-gimefive")
    prepare.add_argument("--root", type=Path, help="dataset folder (default: $GIMEFIVE_DATA)")
    prepare.add_argument("--split", nargs="+", help="splits to cache (default: every split the dataset has)")
    prepare.add_argument("--size", type=options.face_size, default=64, help="face side length in pixels")
    prepare.add_argument("--skip-corrupt", action="store_true", help="skip corrupt images and report them")
    prepare.add_argument("--cache", type=Path, help="cache folder (default: $GIMEFIVE_CACHE)")
    add_option_argument(prepare)
    prepare.set_defaults(run=run_prepare)

    synthetic = actions.add_parser("synthetic", help="write synthetic faces (npz with masks, landmarks) + a PNG grid")
    synthetic.add_argument(
        "--n", type=options.count, default=6000, help="number of faces (balanced over the six emotions)"
    )
    synthetic.add_argument("--out", type=options.writable_folder, required=True, help="output folder")
    synthetic.add_argument("--size", type=options.face_size, default=64)
    synthetic.add_argument("--seed", type=int, default=None, help="default: $GIMEFIVE_SEED")
    synthetic.add_argument("--style", choices=STYLES, default=None, help="default: the generator's default style")
    synthetic.set_defaults(run=run_synthetic)

    realism = actions.add_parser("realism", help="accuracy of a real-face model on apex synthetic faces")
    realism.add_argument("--n", type=options.count, default=1200, help="number of faces (balanced, intensity 1.0)")
    realism.add_argument("--checkpoint", type=Path, help="model (default: $GIMEFIVE_CHECKPOINT or the shipped one)")
    realism.add_argument("--style", choices=STYLES, default="realistic", help="synthetic style to score")
    realism.add_argument("--seed", type=int, default=REALISM_SEED, help="seed of the faces")
    realism.add_argument("--device", help="cuda, mps or cpu (default: $GIMEFIVE_DEVICE, else the best available)")
    realism.add_argument("--json", action="store_true", help="print one JSON object")
    realism.set_defaults(run=run_realism)

    clip = actions.add_parser("clip", help="write bench/video_fps.py's 640x480 clip of real faces to a video file")
    clip.add_argument("--output", type=options.output_file, required=True, help=".mp4 (mp4v), .webm (VP8) or .avi")
    clip.add_argument("--faces", type=options.count, default=1, help=f"faces in each frame (1-{MAX_CLIP_FACES})")
    clip.add_argument("--frames", type=options.count, default=300, help="number of frames")
    clip.add_argument("--fps", type=float, default=30.0, help="frame rate written into the file")
    clip.add_argument("--data", type=Path, help="folder with RAF-DB (default: $GIMEFIVE_DATA; without it the "
                      "astronaut's face from scikit-image)")
    clip.set_defaults(run=run_clip)


def add_option_argument(parser: argparse.ArgumentParser) -> None:
    """``--option KEY=VALUE`` (repeatable): constructor options of the dataset loader."""
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="loader option, e.g. aligned=false (folder), peak_frames=3 (ckplus), parts=rafdb,fer2013 (fer-gimefive)",
    )


def parse_options(pairs: list[str]) -> dict:
    """``KEY=VALUE`` strings -> loader options: ``true``/``false`` -> bool, digits -> int, ``a,b`` -> list, else str."""
    options = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise SystemExit(f"--option expects KEY=VALUE, got {pair!r}")
        if value.lower() in ("true", "false", "yes", "no"):
            options[key] = value.lower() in ("true", "yes")
        elif value.lstrip("-").isdigit():
            options[key] = int(value)
        elif "," in value:
            options[key] = [v for v in value.split(",") if v]
        else:
            options[key] = value
    return options


def data_root(root: Path | None, dataset: str) -> Path:
    """``--root`` or ``$GIMEFIVE_DATA``; exits with a message when neither is given."""
    root = root or get_settings().data_root
    if root is None:
        raise SystemExit(f"--root is required for --dataset {dataset} (or set GIMEFIVE_DATA)")
    return root


def load_split(args: argparse.Namespace, split: str) -> FaceSet:
    """The split named by the parsed ``summary`` arguments (synthetic, or a real dataset with loader options)."""
    if args.dataset == SYNTHETIC:
        return load_faces(args, split)
    loader = get_loader(args.dataset, **parse_options(args.option))
    cache = None if args.no_cache else get_settings().cache_dir
    return loader.load(data_root(args.root, args.dataset), split, args.size, cache, args.skip_corrupt)


def run_summary(args: argparse.Namespace) -> int:
    """Load the split (from the cache when fresh) and print its summary."""
    try:
        faces = load_split(args, args.split)
    except (DatasetError, ValueError) as error:
        raise SystemExit(f"error: {error}") from None
    summary = summarize(faces)
    print(json.dumps(summary) if args.json else format_summary(summary))
    return 0


def run_prepare(args: argparse.Namespace) -> int:
    """Decode and cache each split; splits the dataset does not have on disk are reported and skipped."""
    try:
        loader = get_loader(args.dataset, **parse_options(args.option))
    except ValueError as error:
        raise SystemExit(f"error: {error}") from None
    root = data_root(args.root, args.dataset)
    cache = args.cache or get_settings().cache_dir
    for split in args.split or loader.splits:
        started = time.perf_counter()
        try:
            faces = loader.load(root, split, args.size, cache, args.skip_corrupt)
        except SplitNotFound as missing:
            print(f"{args.dataset} {split}: skipped ({missing})")
            continue
        except DatasetError as error:
            raise SystemExit(f"error: {error}") from None
        state = "already cached" if faces.report["from_cache"] else "decoded and cached"
        seconds = time.perf_counter() - started
        print(f"{faces.name}: {len(faces):,} faces {state} in {seconds:.1f} s -> {faces.report['cache']}")
    return 0


def run_synthetic(args: argparse.Namespace) -> int:
    """Generate the synthetic faces, save them as ``synthetic.npz`` and a per-class grid as ``synthetic-grid.png``."""
    import matplotlib.pyplot as plt

    seed = get_settings().seed if args.seed is None else args.seed
    started = time.perf_counter()
    style = {} if args.style is None else {"style": args.style}
    faces = generate_synthetic(args.n, size=args.size, seed=seed, **style)
    seconds = time.perf_counter() - started
    args.out.mkdir(parents=True, exist_ok=True)
    faces.save(args.out / "synthetic.npz")
    for name, figure in (
        ("synthetic-grid", sample_grid(faces, seed=seed)),
        ("synthetic-evidence", evidence_overlays(faces)),
    ):
        figure.savefig(args.out / f"{name}.png", dpi=110, bbox_inches="tight")
        plt.close(figure)
    print(f"{len(faces):,} synthetic faces ({args.size}x{args.size}, seed {seed}) generated in {seconds:.1f} s")
    print(
        f"wrote {args.out / 'synthetic.npz'}, {args.out / 'synthetic-grid.png'}, {args.out / 'synthetic-evidence.png'}"
    )
    return 0


def run_realism(args: argparse.Namespace) -> int:
    """Score the synthetic style with a real-face checkpoint: accuracy, per-class accuracy, confusion matrix."""
    device = select_device(args.device or get_settings().device)
    checkpoint = args.checkpoint or get_settings().checkpoint
    model, _ = load_model(checkpoint, device)
    started = time.perf_counter()
    report = realism_report(model, n=args.n, seed=args.seed, style=args.style)
    report["checkpoint"] = str(checkpoint)
    report["seconds"] = round(time.perf_counter() - started, 2)
    if args.json:
        print(json.dumps(report))
        return 0
    print(f"{args.style} synthetic faces (n = {report['n']}, seed {args.seed}) read by {checkpoint}: "
          f"accuracy {report['accuracy']:.3f} (chance {1 / len(EMOTIONS):.3f})")
    for name, accuracy in report["per_class_accuracy"].items():
        print(f"  {name:<10} {accuracy:.3f}")
    print("confusion matrix (rows = truth):")
    for name, row in zip(EMOTIONS, report["confusion_matrix"], strict=True):
        print(f"  {name:<10} " + " ".join(f"{count:5d}" for count in row))
    return 0


def run_clip(args: argparse.Namespace) -> int:
    """Write the benchmark clip (``data.scenes.benchmark_clip``) to ``--output``; the file appears only when whole."""
    if args.faces > MAX_CLIP_FACES:
        raise SystemExit(f"error: --faces {args.faces}: at most {MAX_CLIP_FACES} faces fit a 640x480 frame")
    data = args.data or get_settings().data_root
    if data is not None and not Path(data).exists():
        raise SystemExit(f"error: --data {data}: no such folder")
    frames, _, origin = benchmark_clip(data, args.faces, args.frames)
    with AnnotatedVideoWriter(args.output, args.fps) as writer:
        for frame in frames:
            writer.write(frame)
    print(f"wrote {args.output}: {len(frames)} frames {frames.shape[2]}x{frames.shape[1]}, {args.faces} face"
          f"{'s' if args.faces > 1 else ''} each; faces: {origin}")
    return 0
