"""``explain``: a class activation map of one face, the method x layer metric table, or the randomisation check."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError
from torch import nn

from gimefive_lib.cli import options
from gimefive_lib.data.configured import synthetic_data
from gimefive_lib.data.detection import DEFAULT_DETECTOR, DETECTORS, largest_face_crop, make_detector
from gimefive_lib.devices import select_device
from gimefive_lib.explain.benchmark import compare_methods
from gimefive_lib.explain.cams import METHOD_NAMES, SLOW_METHODS, explain_face, target_layers
from gimefive_lib.explain.figures import plot_explanation
from gimefive_lib.explain.ground_truth import FAST_METHODS, correctly_classified, ground_truth_table
from gimefive_lib.explain.inputs import sample_faces
from gimefive_lib.explain.sanity import randomisation_test
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.models import build_model
from gimefive_lib.settings import get_settings
from gimefive_lib.training.checkpoint import load_model
from gimefive_lib.training.recipes import synthetic_model

ACTIONS = ("map", "benchmark", "sanity", "ground-truth")


def register(subparsers) -> None:
    """Add the ``explain`` sub-command."""
    p = subparsers.add_parser(
        "explain", help="CAM of a face (map), the metric table (benchmark), the randomisation check (sanity) or the "
        "shipped RAF-DB model's maps against the synthetic faces' evidence (ground-truth)",
        description="map: one face's map and probabilities as a PNG; benchmark: pointing game, energy pointing game, "
        "confidence drop and ROAD per method and layer on synthetic test faces; sanity: the model-randomisation check.",
    )
    p.add_argument("action", nargs="?", default="map", choices=ACTIONS)
    p.add_argument("--image", type=Path, help="a photo; its largest face is cropped (see --detector)")
    p.add_argument("--detector", default=DEFAULT_DETECTOR, choices=DETECTORS,
                   help="face detector for --image: BlazeFace (mediapipe, default; Haar if it is missing) or haar")
    p.add_argument("--synthetic", type=int, default=None, metavar="INDEX", help="face INDEX of the synthetic test")
    p.add_argument("--checkpoint", type=Path, help="model checkpoint (default: shipped for photos, synthetic model "
                   "for synthetic faces)")
    p.add_argument("--method", default="gradcam", choices=METHOD_NAMES)
    p.add_argument("--layer", default=None, help="block1 ... block5 (default: the last block)")
    p.add_argument("--target", default="predicted", help="'predicted' or an emotion name")
    p.add_argument("--opacity", type=options.probability, default=0.5)
    p.add_argument(
        "--output", type=options.output_file, help="PNG to write (default: figures/explain-METHOD-LAYER.png)"
    )
    p.add_argument("--n", type=options.count, default=64, help="faces for benchmark and sanity")
    p.add_argument("--methods", nargs="+", default=[m for m in METHOD_NAMES if m not in SLOW_METHODS],
                   choices=METHOD_NAMES, help="methods of the benchmark")
    p.add_argument("--layers", nargs="+", default=None, help="layers of the benchmark (default: all blocks)")
    p.add_argument("--slow-images", type=options.count_or_off, default=2, help="faces for Score-CAM and Ablation-CAM")
    p.add_argument("--no-road", action="store_true", help="skip ROAD (the slowest metric)")
    p.add_argument("--json", action="store_true", help="print JSON records instead of a table")
    p.set_defaults(run=run)


def _load_model(args: argparse.Namespace, photo: bool) -> nn.Module:
    """The checkpoint given, else the shipped model for photos (when present), else the synthetic model."""
    settings = get_settings()
    if args.checkpoint is not None:
        return load_model(args.checkpoint, select_device(settings.device))[0]
    if photo and settings.checkpoint.is_file():
        return load_model(settings.checkpoint, select_device(settings.device), expect="gimefive")[0]
    if photo:
        print(f"note: {settings.checkpoint} not found; using the GiMeFive trained on synthetic faces", file=sys.stderr)
    return synthetic_model(settings)[0]


def _photo_face(path: Path, detector: str = DEFAULT_DETECTOR) -> np.ndarray:
    """The largest face of a photo as a 64 x 64 uint8 crop; a clear error when there is none."""
    try:
        with Image.open(path) as image:
            rgb = np.asarray(image.convert("RGB"))
    except (FileNotFoundError, UnidentifiedImageError, OSError) as error:
        raise SystemExit(f"{path}: cannot read the image ({error})") from None
    face = largest_face_crop(rgb, make_detector(detector))
    if face is None:
        raise SystemExit(f"{path}: no face found by the {detector} face detector")
    return face


def _synthetic_test():
    return synthetic_data(get_settings()).test


def run_map(args: argparse.Namespace) -> int:
    """Explain one face and save the figure."""
    if args.image is not None:
        face = _photo_face(args.image, args.detector)
    else:
        test = _synthetic_test()
        index = args.synthetic or 0
        if not 0 <= index < len(test):
            raise SystemExit(f"--synthetic must lie in 0..{len(test) - 1}, got {index}")
        face = test.images[index]
    model = _load_model(args, photo=args.image is not None)
    explanation = explain_face(model, face, args.method, args.layer, args.target)
    output = args.output or get_settings().figures_dir / f"explain-{args.method}-{explanation.layer}.png"
    output.parent.mkdir(parents=True, exist_ok=True)
    figure = plot_explanation(explanation, args.opacity)
    figure.savefig(output, dpi=110, bbox_inches="tight")
    probabilities = {e: round(float(p), 4) for e, p in zip(EMOTIONS, explanation.probabilities, strict=True)}
    print(json.dumps({"predicted": EMOTIONS[explanation.predicted], "explained": EMOTIONS[explanation.target],
                      "method": args.method, "layer": explanation.layer, "probabilities": probabilities,
                      "output": str(output)}))
    return 0


def _print_table(table, as_json: bool) -> None:
    if as_json:
        print(table.to_json(orient="records"))
    else:
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))


def run_benchmark(args: argparse.Namespace) -> int:
    """Score the methods and layers on synthetic test faces and print the table."""
    model = _load_model(args, photo=False)
    faces = sample_faces(_synthetic_test(), args.n, get_settings().seed)
    layers = args.layers or list(target_layers(model))
    table = compare_methods(model, faces.images, faces.masks, args.methods, layers, slow_images=args.slow_images,
                            road=not args.no_road)
    _print_table(table, args.json)
    return 0


def run_ground_truth(args: argparse.Namespace) -> int:
    """Score a real-face model's maps (default: the shipped RAF-DB GiMeFive) on the synthetic test faces it gets
    right against their evidence masks, beside the random and centre maps."""
    settings = get_settings()
    model = load_model(args.checkpoint or settings.checkpoint, select_device(settings.device))[0]
    faces, accuracy = correctly_classified(model, _synthetic_test(), limit=args.n)
    print(f"{len(faces)} synthetic test faces the model classifies correctly (its accuracy on all: {accuracy:.3f})",
          file=sys.stderr)
    methods = [m for m in args.methods if m in FAST_METHODS]
    _print_table(ground_truth_table(model, faces, methods, args.layer, seed=settings.seed), args.json)
    return 0


def run_sanity(args: argparse.Namespace) -> int:
    """Print the model-randomisation check for one method and layer."""
    model = _load_model(args, photo=False)
    faces = sample_faces(_synthetic_test(), args.n, get_settings().seed)
    _print_table(randomisation_test(model, faces.images, args.method, args.layer), args.json)
    return 0


def check_names(args: argparse.Namespace) -> None:
    """ValueError for a --target, --layer or --layers name the model cannot have, before any model is loaded or
    trained. Without --checkpoint the model is a GiMeFive (shipped or trained on synthetic faces)."""
    if args.target != "predicted" and args.target not in EMOTIONS:
        raise ValueError(f"--target {args.target!r}: use 'predicted' or an emotion: {', '.join(EMOTIONS)}")
    if args.checkpoint is None:
        known = list(target_layers(build_model("gimefive")))
        for layer in ([args.layer] if args.layer else []) + (args.layers or []):
            if layer not in known:
                raise ValueError(f"--layer {layer!r}: GiMeFive's layers are {', '.join(known)}")
    elif not args.checkpoint.is_file():
        raise ValueError(f"{args.checkpoint}: checkpoint not found")


def run(args: argparse.Namespace) -> int:
    """Dispatch on the action, after checking the names given."""
    check_names(args)
    actions = {"map": run_map, "benchmark": run_benchmark, "sanity": run_sanity, "ground-truth": run_ground_truth}
    return actions[args.action](args)
