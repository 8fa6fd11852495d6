"""Frames per second of the video pipeline at 640x480 with one face, beside the paper's per-frame loop.

Ours: ``FramePipeline`` (Haar on the half-size frame, all faces in one batch, the conv blocks run once and
Grad-CAM back-propagates only through the head) plus ``draw_results``. The paper's loop is a faithful
re-implementation of ``script_video.py`` of werywjw/SEP-CVDL: Haar on the full frame (scale 1.1,
10 neighbours, 64 px), then per face a PIL/torchvision transform, one model call with gradients, one full
backward pass, Grad-CAM from hooks on the last conv layer, the heatmap blend and seven text lines
(their dlib landmarks are left out of both loops). Both run the same clip (``astronaut_clip``) in the same
process, alternating, and the median of the rounds is reported. The weights do not change the speed, so an
untrained GiMeFive is used.

    nice -n 19 .venv/bin/python bench/video_fps.py [--frames 48] [--rounds 3] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from torchvision import transforms

from gimefive_lib.data.detection import HAAR_CASCADE
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.models import build_model
from gimefive_lib.video.draw import draw_results
from gimefive_lib.video.frames import astronaut_clip
from gimefive_lib.video.pipeline import FramePipeline


class PaperLoop:
    """The per-frame loop of the paper's ``script_video.py``: no batching, no reuse, a full backward per face."""

    def __init__(self, model: torch.nn.Module) -> None:
        self.model = model.eval()
        self.cascade = cv2.CascadeClassifier(str(HAAR_CASCADE))
        self.transform = transforms.Compose([
            transforms.Resize((64, 64)),
            transforms.Grayscale(num_output_channels=3),
            transforms.ToTensor(),
            transforms.Normalize(mean=[0.485, 0.456, 0.406], std=[0.229, 0.224, 0.225]),
        ])
        conv5 = model.features.block5[0]
        self.forward_out = self.backward_out = None
        conv5.register_forward_hook(lambda module, inputs, output: setattr(self, "forward_out", output))
        conv5.register_full_backward_hook(lambda module, g_in, g_out: setattr(self, "backward_out", g_out[0]))

    def detect_emotion(self, crop: np.ndarray) -> tuple[list[float], np.ndarray]:
        """One face: forward with gradients, backward of the one-hot prediction, Grad-CAM from the hooks."""
        tensor = self.transform(Image.fromarray(crop)).unsqueeze(0)
        logits = self.model(tensor)
        probabilities = F.softmax(logits, dim=1)
        one_hot = torch.zeros(1, probabilities.shape[1])
        one_hot[0][int(torch.argmax(probabilities, dim=1).item())] = 1
        logits.backward(one_hot, retain_graph=True)
        weights = torch.mean(self.backward_out, dim=[2, 3], keepdim=True)
        cam = torch.sum(weights * self.forward_out, dim=1, keepdim=True).clamp(min=0).squeeze()
        cam -= cam.min()
        cam /= cam.max() + 1e-12
        scores = probabilities.detach().numpy().flatten()
        return [round(float(s), 2) for s in scores], cam.detach().numpy()

    def __call__(self, frame: np.ndarray) -> int:
        """Annotate one BGR frame in place; returns the number of faces."""
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        faces = self.cascade.detectMultiScale(gray, scaleFactor=1.1, minNeighbors=10, minSize=(64, 64))
        for x, y, w, h in faces:
            scores, cam = self.detect_emotion(frame[y : y + h, x : x + w])
            heatmap = np.float32(cv2.applyColorMap(np.uint8(255 * cv2.resize(cam, (w, h))), cv2.COLORMAP_JET)) / 255
            roi = frame[y : y + h, x : x + w, :]
            frame[y : y + h, x : x + w, :] = np.uint8(255 * np.clip(heatmap * 0.4 + roi / 255 * 0.6, 0, 1))
            font = cv2.FONT_HERSHEY_SIMPLEX
            cv2.putText(frame, EMOTIONS[int(np.argmax(scores))], (x, y - 15), font, 1, (154, 1, 254), 2, cv2.LINE_AA)
            for k, name in enumerate(EMOTIONS):
                cv2.putText(frame, f"{name}: {scores[k]:.2f}", (x + w + 10, y + 20 + 40 * k), font, 1, (154, 1, 254), 2,
                            cv2.LINE_AA)
        return len(faces)


def time_ours(pipeline: FramePipeline, frames: np.ndarray) -> tuple[float, float, int, dict[str, float]]:
    """Wall and CPU seconds for all frames, faces found, mean milliseconds per stage."""
    pipeline.reset()
    stages: dict[str, list[float]] = {}
    faces = 0
    cpu, started = time.process_time(), time.perf_counter()
    for i, frame in enumerate(frames):
        result = pipeline.process(frame, i, i / 12)
        before_draw = time.perf_counter()
        draw_results(frame, result)
        stages.setdefault("draw", []).append(time.perf_counter() - before_draw)
        for name, seconds in result.timings.items():
            stages.setdefault(name, []).append(seconds)
        faces += len(result.faces)
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu
    return wall, cpu, faces, {k: 1000 * float(np.mean(v)) for k, v in stages.items()}


def time_paper(loop: PaperLoop, frames_bgr: np.ndarray) -> tuple[float, float, int]:
    """Wall and CPU seconds for all frames, faces found by the paper's loop (frames copied: it draws in place)."""
    faces = 0
    cpu, started = time.process_time(), time.perf_counter()
    for frame in frames_bgr:
        faces += loop(frame.copy())
    return time.perf_counter() - started, time.process_time() - cpu, faces


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--frames", type=int, default=48)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--threads", type=int, help="torch threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    torch.manual_seed(0)
    frames = astronaut_clip(args.frames).images
    frames_bgr = np.ascontiguousarray(frames[..., ::-1])
    pipeline = FramePipeline(build_model("gimefive").eval())
    paper = PaperLoop(build_model("gimefive").eval())
    time_ours(pipeline, frames[: args.warmup])
    time_paper(paper, frames_bgr[: args.warmup])

    ours, theirs, cpu_ours, cpu_paper, stages = [], [], [], [], {}
    for _ in range(args.rounds):
        wall, cpu, faces_ours, stages = time_ours(pipeline, frames)
        ours.append(len(frames) / wall)
        cpu_ours.append(1000 * cpu / len(frames))
        wall, cpu, faces_paper = time_paper(paper, frames_bgr)
        theirs.append(len(frames) / wall)
        cpu_paper.append(1000 * cpu / len(frames))

    fps_ours, fps_paper = statistics.median(ours), statistics.median(theirs)
    cpu_ms_ours, cpu_ms_paper = statistics.median(cpu_ours), statistics.median(cpu_paper)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"clip: {len(frames)} frames 640x480, one real face (astronaut); torch threads {torch.get_num_threads()}, "
          f"{os.cpu_count()} CPUs, nice {os.nice(0)}, load average {load}")
    print(f"ours (detect, classify, Grad-CAM, draw): {fps_ours:6.1f} frames/s, CPU {cpu_ms_ours:6.1f} ms/frame "
          f"({faces_ours} faces found)")
    print("  wall ms per frame by stage: " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    print(f"paper's per-frame loop:                   {fps_paper:6.1f} frames/s, CPU {cpu_ms_paper:6.1f} ms/frame "
          f"({faces_paper} faces found)")
    print(f"CPU ms/frame sums all threads (OpenMP threads spin while they wait, so it grows on a busy machine); "
          f"CPU ratio paper / ours: {cpu_ms_paper / cpu_ms_ours:.2f}x")
    print(f"ratio ours / paper: {fps_ours / fps_paper:.2f}x   target >= 30 frames/s: "
          f"{'met' if fps_ours >= 30 else 'not met'} (rounds: ours {[round(x, 1) for x in ours]}, "
          f"paper {[round(x, 1) for x in theirs]})")


if __name__ == "__main__":
    main()
