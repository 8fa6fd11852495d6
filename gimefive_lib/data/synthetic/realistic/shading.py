"""Light on the 2.5-D head (Lambertian, ambient occlusion of creases, a little specular), then the camera."""

from __future__ import annotations

import cv2
import numpy as np

from gimefive_lib.data.synthetic.realistic.framing import Look


def shade(albedo: np.ndarray, depth: np.ndarray, head: np.ndarray, unit: float, look: Look) -> np.ndarray:
    """Gray levels (0..255 float) of the frontal crop lit from ``look``'s direction; ``depth`` in face units."""
    depth = depth.astype(np.float32, copy=False)
    z = depth * np.float32(unit)  # pixels
    gx = cv2.Sobel(z, cv2.CV_32F, 1, 0, ksize=3, scale=0.125)
    gy = cv2.Sobel(z, cv2.CV_32F, 0, 1, ksize=3, scale=0.125)
    norm = 1.0 / np.sqrt(gx * gx + gy * gy + 1.0)
    sin_e = np.sin(look.light_elevation)
    lx, ly, lz = sin_e * np.cos(look.light_azimuth), sin_e * np.sin(look.light_azimuth), np.cos(look.light_elevation)
    cosine = (lz - lx * gx - ly * gy) * norm
    diffuse = look.ambient + (1.0 - look.ambient) * np.clip(cosine, 0.0, None)
    cavity = cv2.GaussianBlur(depth, (0, 0), 0.012 * unit) - depth  # > 0 in creases and hollows
    occlusion = np.clip(1.0 - 6.0 * cavity, 0.6, 1.0)
    hx, hy, hz = lx, ly, lz + 1.0
    h_norm = 1.0 / np.sqrt(hx * hx + hy * hy + hz * hz)
    highlight = np.clip((hz - hx * gx - hy * gy) * norm * h_norm, 0.0, None)
    for _ in range(4):  # the 16th power by squaring
        highlight *= highlight
    return 255.0 * (albedo * diffuse * occlusion + look.specular * head * highlight)


def camera(image: np.ndarray, rng: np.random.Generator | None) -> np.ndarray:
    """Exposure, lens softness, sensor noise and JPEG compression of a float gray image; uint8 out.

    ``rng`` None gives the clean image (exposure only).
    """
    size = image.shape[0]
    if rng is None:
        return np.clip(image + 0.5, 0, 255).astype(np.uint8)
    gain, gamma = rng.uniform(0.8, 1.2), rng.uniform(0.8, 1.25)
    out = 255.0 * (np.clip(image * gain, 0.0, 255.0) / 255.0) ** gamma
    sigma = rng.uniform(0.1, 0.5) * size / 64.0
    out = cv2.GaussianBlur(out, (0, 0), sigma)
    out += rng.standard_normal(out.shape, dtype=np.float32) * rng.uniform(1.0, 5.0)
    image8 = np.clip(out + 0.5, 0, 255).astype(np.uint8)
    quality = int(rng.integers(35, 96))
    ok, buffer = cv2.imencode(".jpg", image8, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(buffer, cv2.IMREAD_GRAYSCALE) if ok else image8
