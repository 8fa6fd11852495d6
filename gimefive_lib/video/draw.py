"""Draw a frame's results: box, label with probability, probability bars, Grad-CAM inside the box, landmarks."""

from __future__ import annotations

import cv2
import numpy as np

from gimefive_lib.data.detection import Box
from gimefive_lib.labels import EMOTIONS
from gimefive_lib.video.pipeline import FaceResult, FrameResult

# One colour per emotion (RGB), in EMOTIONS order.
EMOTION_COLORS: tuple[tuple[int, int, int], ...] = (
    (255, 193, 7), (0, 188, 212), (63, 81, 181), (244, 67, 54), (76, 175, 80), (156, 39, 176),
)
FONT = cv2.FONT_HERSHEY_SIMPLEX
BAR_WIDTH, BAR_HEIGHT, BAR_FONT = 70, 14, 0.5  # at 480 px frame height; larger frames scale them up
REFERENCE_HEIGHT = 480


def bar_scale(height: int) -> float:
    """How much larger than at 480 px the bars and their labels are drawn on a frame ``height`` pixels tall, so they
    stay legible on a projected slide (never smaller than at 480 px)."""
    return max(1.0, height / REFERENCE_HEIGHT)


def cam_overlay(roi: np.ndarray, cam: np.ndarray, alpha: float = 0.35) -> np.ndarray:
    """``roi`` (RGB) blended with the jet-coloured ``cam`` (values in [0, 1]) resized to it."""
    heat = cv2.resize(cam.astype(np.float32), (roi.shape[1], roi.shape[0]), interpolation=cv2.INTER_LINEAR)
    colored = cv2.cvtColor(cv2.applyColorMap(np.uint8(np.clip(heat, 0, 1) * 255), cv2.COLORMAP_JET), cv2.COLOR_BGR2RGB)
    return cv2.addWeighted(colored, alpha, roi, 1.0 - alpha, 0.0)


def _text(canvas: np.ndarray, text: str, x: int, y: int, color: tuple[int, int, int], scale: float = 0.5) -> None:
    """``text`` on a filled ``color`` label whose bottom-left corner is at (x, y)."""
    (tw, th), base = cv2.getTextSize(text, FONT, scale, 1)
    cv2.rectangle(canvas, (x, y - th - base - 2), (x + tw + 4, y), color, cv2.FILLED)
    cv2.putText(canvas, text, (x + 2, y - base), FONT, scale, (0, 0, 0), 1, cv2.LINE_AA)


def _bar_size(height: int) -> tuple[int, int, float]:
    """Bar width, bar height and label font scale on a frame ``height`` pixels tall."""
    scale = bar_scale(height)
    return int(round(BAR_WIDTH * scale)), int(round(BAR_HEIGHT * scale)), BAR_FONT * scale


def _bars(canvas: np.ndarray, probabilities: np.ndarray, x: int, y: int) -> None:
    """Six horizontal probability bars with three-letter names, top-left corner at (x, y)."""
    bar_w, bar_h, font = _bar_size(canvas.shape[0])
    for k, (name, p) in enumerate(zip(EMOTIONS, probabilities, strict=True)):
        top = y + k * (bar_h + 2)
        cv2.rectangle(canvas, (x, top), (x + bar_w, top + bar_h), (40, 40, 40), cv2.FILLED)
        cv2.rectangle(canvas, (x, top), (x + int(round(bar_w * float(p))), top + bar_h), EMOTION_COLORS[k], -1)
        cv2.putText(canvas, name[:3], (x + bar_w + 3, top + bar_h - 1), FONT, font, (255, 255, 255), 1, cv2.LINE_AA)


def _bars_corner(b: Box, width: int, height: int) -> tuple[int, int]:
    """Where the bars go: right of the box if they fit, else below it, else left of it."""
    bar_w, bar_h, font = _bar_size(height)
    bars_w, bars_h = bar_w + int(round(70 * font)), 6 * (bar_h + 2)
    if b.x + b.w + 6 + bars_w <= width:
        return b.x + b.w + 6, min(b.y, height - bars_h)
    if b.y + b.h + 4 + bars_h <= height:
        return min(b.x, width - bars_w), b.y + b.h + 4
    return max(0, b.x - bars_w - 6), min(b.y, height - bars_h)


def _landmarks(canvas: np.ndarray, points: np.ndarray) -> None:
    """White dots: one pixel each for a dense face mesh, small discs for the 68 iBUG points."""
    height, width = canvas.shape[:2]
    xy = np.round(points).astype(int)
    xy = xy[(xy[:, 0] >= 0) & (xy[:, 0] < width) & (xy[:, 1] >= 0) & (xy[:, 1] < height)]
    if len(points) > 100:
        canvas[xy[:, 1], xy[:, 0]] = 255
        return
    for px, py in xy:
        cv2.circle(canvas, (int(px), int(py)), 2, (255, 255, 255), -1, cv2.LINE_AA)


def draw_face(
    canvas: np.ndarray, face: FaceResult, cam: bool = True, landmarks: bool = True, bars: bool = True
) -> None:
    """Draw one face's results onto ``canvas`` (RGB, modified in place)."""
    b, color = face.box, EMOTION_COLORS[face.label]
    if cam and face.cam is not None and b.w > 1 and b.h > 1:
        roi = canvas[b.y : b.y + b.h, b.x : b.x + b.w]
        roi[:] = cam_overlay(roi, face.cam)
    if landmarks and face.landmarks is not None:
        _landmarks(canvas, face.landmarks)
    cv2.rectangle(canvas, (b.x, b.y), (b.x + b.w, b.y + b.h), color, 2)
    _text(canvas, f"{face.emotion} {face.confidence:.2f}", b.x, max(b.y, 20), color)
    if bars:
        _bars(canvas, face.smoothed, *_bars_corner(b, canvas.shape[1], canvas.shape[0]))


def draw_results(
    image: np.ndarray,
    result: FrameResult,
    *,
    cam: bool = True,
    landmarks: bool = True,
    bars: bool = True,
    note: str | None = None,
) -> np.ndarray:
    """An RGB copy of ``image`` with every face of ``result`` drawn on it (and "no face found" when empty)."""
    canvas = cv2.cvtColor(image, cv2.COLOR_GRAY2RGB) if image.ndim == 2 else np.ascontiguousarray(image[..., :3]).copy()
    for face in result.faces:
        draw_face(canvas, face, cam=cam, landmarks=landmarks, bars=bars)
    status = " | ".join(part for part in (note, "" if result.faces else "no face found") if part)
    if status:
        _text(canvas, status, 4, 20, (230, 230, 230))
    return canvas
