"""Turning the frontal 2.5-D crop in 3-D: yaw, pitch and roll about the eyes, as a remap of every map."""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from gimefive_lib.data.synthetic.realistic.framing import HeadPose


def rotation(pose: HeadPose) -> np.ndarray:
    """3x3 rotation: yaw about the vertical axis, then pitch about the horizontal, then in-plane roll."""
    yaw, pitch, roll = np.deg2rad([pose.yaw, pose.pitch, pose.roll])
    ry = np.array([[np.cos(yaw), 0.0, np.sin(yaw)], [0.0, 1.0, 0.0], [-np.sin(yaw), 0.0, np.cos(yaw)]])
    rx = np.array([[1.0, 0.0, 0.0], [0.0, np.cos(pitch), np.sin(pitch)], [0.0, -np.sin(pitch), np.cos(pitch)]])
    rz = np.array([[np.cos(roll), np.sin(roll), 0.0], [-np.sin(roll), np.cos(roll), 0.0], [0.0, 0.0, 1.0]])
    return rz @ rx @ ry


@lru_cache(maxsize=8)
def pixel_grid(side: int) -> tuple[np.ndarray, np.ndarray]:
    """x and y pixel coordinates of a side x side image (read-only)."""
    grid_x, grid_y = np.meshgrid(np.arange(side, dtype=np.float32), np.arange(side, dtype=np.float32))
    grid_x.flags.writeable = False
    grid_y.flags.writeable = False
    return grid_x, grid_y


class Projection:
    """Orthographic view of the frontal crop's surface ``depth`` (pixels) turned by ``pose`` about ``pivot``."""

    def __init__(self, pose: HeadPose, depth: np.ndarray, pivot: np.ndarray) -> None:
        self.side = depth.shape[0]
        self.depth = depth
        self.pivot = np.asarray(pivot, dtype=np.float64)
        self.identity = abs(pose.yaw) + abs(pose.pitch) + abs(pose.roll) < 1e-9
        self._rows = rotation(pose)[:2]  # the image plane rows: projected (x, y) = rows @ (x, y, z)
        self.maps = None if self.identity else self._inverse_maps()

    def _inverse_maps(self, iterations: int = 4) -> tuple[np.ndarray, np.ndarray]:
        """For every output pixel the frontal pixel seen there (fixed-point iteration on the surface depth)."""
        grid_x, grid_y = pixel_grid(self.side)
        inverse = np.linalg.inv(self._rows[:, :2]).astype(np.float32)
        a3 = self._rows[:, 2].astype(np.float32)
        px, py = np.float32(self.pivot[0]), np.float32(self.pivot[1])
        # map = inverse @ (q - a3 z) + pivot = base - slope z, in float32 throughout
        base_x = inverse[0, 0] * (grid_x - px) + inverse[0, 1] * (grid_y - py) + px
        base_y = inverse[1, 0] * (grid_x - px) + inverse[1, 1] * (grid_y - py) + py
        slope_x = inverse[0, 0] * a3[0] + inverse[0, 1] * a3[1]
        slope_y = inverse[1, 0] * a3[0] + inverse[1, 1] * a3[1]
        map_x, map_y = base_x, base_y
        for _ in range(iterations - 1):
            z = cv2.remap(self.depth, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            map_x, map_y = base_x - slope_x * z, base_y - slope_y * z
        return map_x, map_y

    def warp(self, image: np.ndarray, nearest: bool = False) -> np.ndarray:
        """The frontal ``image`` as the turned head shows it."""
        if self.maps is None:
            return image
        interpolation = cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR
        return cv2.remap(image, *self.maps, interpolation, borderMode=cv2.BORDER_REPLICATE)

    def points(self, xy: np.ndarray) -> np.ndarray:
        """Frontal pixel points (N, 2) moved to where the turned head shows them."""
        if self.identity:
            return xy
        z = cv2.remap(self.depth, xy[:, :1].astype(np.float32), xy[:, 1:].astype(np.float32), cv2.INTER_LINEAR,
                      borderMode=cv2.BORDER_REPLICATE)[:, 0]
        local = np.concatenate([xy - self.pivot, z[:, None]], axis=1)
        return local @ self._rows.T + self.pivot
