"""``video``: annotate a video file, a camera or the fallback clip with emotions, Grad-CAM and landmarks."""

from __future__ import annotations

import argparse
from pathlib import Path

from gimefive_lib.cli import options
from gimefive_lib.data.detection import DEFAULT_DETECTOR, DETECTORS, make_detector
from gimefive_lib.video.frames import FALLBACK_CLIPS, CameraNotFoundError, CameraSource, open_source
from gimefive_lib.video.model import video_model
from gimefive_lib.video.pipeline import VIDEO_FULL_SCAN_EVERY, FramePipeline
from gimefive_lib.video.runner import annotate_video
from gimefive_lib.video.writer import FOURCC_BY_SUFFIX


def register(subparsers) -> None:
    """Add the ``video`` sub-command."""
    p = subparsers.add_parser("video", help="annotate a video, a camera or the fallback clip (emotions, Grad-CAM)")
    p.add_argument("--input", type=Path, help="video file; without it: --camera N, else the fallback clip")
    p.add_argument(
        "--camera", type=options.count_or_off,
        help="index of a camera on this machine (stop with Ctrl-C or --max-frames)"
    )
    p.add_argument("--output", type=options.output_file, help="annotated video: .mp4 (mp4v), .webm (VP8) or .avi")
    p.add_argument("--csv", type=options.output_file, help="CSV with one row per frame and face")
    p.add_argument("--checkpoint", type=Path, help="GiMeFive checkpoint (default: the shipped RAF-DB one)")
    p.add_argument("--no-cam", action="store_true", help="no Grad-CAM overlay")
    p.add_argument("--landmarks", action="store_true", help="draw landmarks (MediaPipe face mesh; exact on synthetic)")
    p.add_argument("--detector", default=DEFAULT_DETECTOR, choices=DETECTORS,
                   help="face detector: BlazeFace (mediapipe, default; Haar if mediapipe is missing) or haar")
    p.add_argument("--smoothing", type=options.fraction, default=0.6, help="EMA weight of the past per face; 0 = none")
    p.add_argument("--max-frames", type=options.count, help="stop after this many frames")
    p.add_argument("--fallback", default="synthetic", choices=FALLBACK_CLIPS, help="clip used without input/camera")
    p.add_argument("--fallback-frames", type=options.count, default=48, help="length of the fallback clip")
    p.add_argument("--progress", action="store_true", help="show a progress bar")
    p.add_argument("--threads", type=options.count,
                   help="torch threads (default: all cores but one, which finds the faces of the next frames; "
                   "with --no-lookahead, torch's own choice)")
    p.add_argument("--no-lookahead", action="store_true",
                   help="find the faces of each frame in turn instead of in a second thread ahead of the rest "
                   "(same results, slower on a multi-core CPU)")
    p.add_argument("--full-scan-every", type=options.count, default=VIDEO_FULL_SCAN_EVERY,
                   help="frames between searches of the whole frame for new faces; in between only the faces "
                   "followed are looked for, and a lost one sends a full search at once (default 30: a new "
                   "face shows within a second of 30-fps video; 1 = search every frame)")
    p.add_argument("--fp32", action="store_true",
                   help="keep the conv layers in fp32 (default: bf16 weights on a CPU with AVX512-BF16 or AMX, fp16 "
                   "or bf16 on CUDA; about twice as fast, probabilities within about 0.01)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Open the source, load the model, annotate every frame, print frames and frames per second."""
    if args.input is not None and args.camera is not None:
        raise SystemExit("error: give --input or --camera, not both")
    for option, target in (("--output", args.output), ("--csv", args.csv)):
        options.refuse_same_file(args.input, "--input", target, option)
    options.refuse_same_file(args.output, "--output", args.csv, "--csv")
    if args.output is not None and args.output.suffix.lower() not in FOURCC_BY_SUFFIX:
        suffixes = ", ".join(FOURCC_BY_SUFFIX)
        raise ValueError(f"--output {args.output}: unsupported video suffix; use one of {suffixes}")
    try:
        source = open_source(args.input, args.camera, args.fallback, args.fallback_frames)
        model, note = video_model(args.checkpoint)
    except (FileNotFoundError, ValueError, CameraNotFoundError) as error:
        raise SystemExit(f"error: {error}") from None
    if isinstance(source, CameraSource):
        source.max_frames = args.max_frames
    if args.input is None and args.camera is None:
        print(f"no --input or --camera: using the fallback {source.name}")
    print(f"model: {note}", flush=True)
    pipeline = FramePipeline(
        model, make_detector(args.detector, mirror=False), cam=not args.no_cam, smoothing=args.smoothing,
        landmarks=args.landmarks, full_scan_every=args.full_scan_every, reduced_precision=not args.fp32,
    )
    try:
        result = annotate_video(source, pipeline, args.output, args.csv, max_frames=args.max_frames,
                                landmarks=args.landmarks, progress=args.progress, lookahead=not args.no_lookahead,
                                threads=args.threads)
    except (OSError, ValueError) as error:
        raise SystemExit(f"error: {error}") from None
    print(f"{result.frames} frames processed, {result.faces} faces, {result.fps:.1f} frames per second")
    for path in (result.output, result.csv):
        if path is not None:
            print(f"wrote {path}")
    return 0
