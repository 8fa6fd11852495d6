"""Face boxes and the geometry detectors share: squares, overlaps, non-maximum suppression, tiles and crops that may
reach beyond the image."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np


@dataclass(frozen=True)
class Box:
    """A face box in pixel coordinates: top-left corner, width and height."""

    x: int
    y: int
    w: int
    h: int

    def expanded(self, margin: float, width: int, height: int) -> Box:
        """The box grown by ``margin`` (fraction of its size) on each side, clipped to the image."""
        dx, dy = int(round(self.w * margin)), int(round(self.h * margin))
        x0, y0 = max(0, self.x - dx), max(0, self.y - dy)
        x1, y1 = min(width, self.x + self.w + dx), min(height, self.y + self.h + dy)
        return Box(x0, y0, x1 - x0, y1 - y0)


def square_box(box: Box, pad: float, width: int, height: int, lift: float = 0.0) -> Box:
    """The square around ``box``: side ``max(w, h) * (1 + 2 * pad)``, centred on the box and raised by ``lift``
    times its height, moved (not cut) to lie inside a ``width x height`` image; smaller only if the image is."""
    side = max(1, int(round(max(box.w, box.h) * (1.0 + 2.0 * pad))))
    side = min(side, width, height)
    cx, cy = box.x + box.w / 2.0, box.y + box.h / 2.0 - lift * box.h
    x = int(round(min(max(cx - side / 2.0, 0), width - side)))
    y = int(round(min(max(cy - side / 2.0, 0), height - side)))
    return Box(x, y, side, side)


def _intersection(a: Box, b: Box) -> int:
    """The area two boxes share (0 when they do not overlap)."""
    x0, y0 = max(a.x, b.x), max(a.y, b.y)
    x1, y1 = min(a.x + a.w, b.x + b.w), min(a.y + a.h, b.y + b.h)
    return max(0, x1 - x0) * max(0, y1 - y0)


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (0 when they do not overlap)."""
    inter = _intersection(a, b)
    union = a.w * a.h + b.w * b.h - inter
    return inter / union if union > 0 else 0.0


def inside_share(inner: Box, outer: Box) -> float:
    """The share of ``inner``'s area that lies inside ``outer`` (0-1)."""
    area = inner.w * inner.h
    return _intersection(inner, outer) / area if area > 0 else 0.0


def mean_box(a: Box, b: Box) -> Box:
    """The box whose centre, width and height are the means of ``a``'s and ``b``'s."""
    cx, cy = (a.x + a.w / 2 + b.x + b.w / 2) / 2, (a.y + a.h / 2 + b.y + b.h / 2) / 2
    w, h = (a.w + b.w) / 2, (a.h + b.h) / 2
    return Box(int(round(cx - w / 2)), int(round(cy - h / 2)), int(round(w)), int(round(h)))


def match_boxes(boxes: list[Box], others: list[Box], min_iou: float) -> dict[int, int]:
    """Pairs ``{i: j}`` of ``boxes[i]`` and ``others[j]``, one to one, the most overlapping first, each pair
    overlapping by ``min_iou`` or more."""
    pairs = sorted(((iou(box, other), i, j) for i, box in enumerate(boxes) for j, other in enumerate(others)),
                   reverse=True)
    matched: dict[int, int] = {}
    for overlap, i, j in pairs:
        if overlap < min_iou:
            break
        if i not in matched and j not in matched.values():
            matched[i] = j
    return matched


def tile_starts(length: int, tile: int, stride: int) -> list[int]:
    """Evenly spread starts of tiles of ``tile`` pixels covering ``length`` with steps of at most ``stride``."""
    if length <= tile:
        return [0]
    count = -(-(length - tile) // stride) + 1
    return [round(k * (length - tile) / (count - 1)) for k in range(count)]


def nms(found: list[tuple[float, Box]], overlap: float = 0.3) -> list[tuple[float, Box]]:
    """The highest-scoring boxes, dropping any that overlaps a kept one by more than ``overlap`` IoU."""
    kept: list[tuple[float, Box]] = []
    for score, box in sorted(found, key=lambda pair: -pair[0]):
        if all(iou(box, other) <= overlap for _, other in kept):
            kept.append((score, box))
    return kept


def centred_square(box: Box, scale: float) -> Box:
    """The square ``scale`` times the longer side of ``box`` centred on it; it may reach beyond the image."""
    side = max(1, int(round(max(box.w, box.h) * scale)))
    return Box(int(round(box.x + (box.w - side) / 2)), int(round(box.y + (box.h - side) / 2)), side, side)


def padded_crop(image: np.ndarray, region: Box) -> np.ndarray:
    """``region`` of ``image``, black where it reaches beyond the image."""
    height, width = image.shape[:2]
    x0, y0 = max(0, region.x), max(0, region.y)
    x1, y1 = min(width, region.x + region.w), min(height, region.y + region.h)
    crop = image[y0:y1, x0:x1]
    if (x0, y0, x1, y1) == (region.x, region.y, region.x + region.w, region.y + region.h):
        return crop
    return cv2.copyMakeBorder(np.ascontiguousarray(crop), y0 - region.y, region.y + region.h - y1, x0 - region.x,
                              region.x + region.w - x1, cv2.BORDER_CONSTANT, value=0)
