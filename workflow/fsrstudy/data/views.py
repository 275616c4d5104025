"""Seeded synthetic views of a photograph: the relevance source of the demo set.

With only ~100 real scenes, relevant images come from views: each photo gets views made
by a random but recorded transformation (crop, scale, perspective, rotation, photometric
change, JPEG re-encoding). View 0 is the photo itself. The parameters are drawn once, in
the prepare stage, from a generator seeded by (seed, photo id), and stored in the
manifest, so every later stage renders exactly the same pixels.
"""
from __future__ import annotations

import hashlib
import io
import json
import math

import numpy as np
from PIL import Image, ImageEnhance


def photo_rng(seed: int, photo_id: str) -> np.random.Generator:
    """A generator that depends only on the seed and the photo, not on list order."""
    digest = hashlib.sha256(f"{seed}:{photo_id}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def draw_view(rng: np.random.Generator) -> dict:
    """Parameters of one view. Ranges are moderate: same scene, clearly another shot."""
    area = rng.uniform(0.45, 0.9)
    # math's exp and log, not numpy's: numpy has its own AVX-512 versions, which differ
    # from the C library's in the last bit, and a manifest must not depend on the CPU
    aspect = math.exp(rng.uniform(math.log(3 / 4), math.log(4 / 3)))
    w = min(1.0, float(np.sqrt(area * aspect)))
    h = min(1.0, float(np.sqrt(area / aspect)))
    return {
        "crop": [float(rng.uniform(0, 1 - w)), float(rng.uniform(0, 1 - h)), w, h],
        "rotation_deg": float(rng.uniform(-12, 12)),
        "perspective": [float(v) for v in rng.uniform(-0.08, 0.08, size=8)],
        "brightness": float(rng.uniform(0.75, 1.25)),
        "contrast": float(rng.uniform(0.75, 1.25)),
        "saturation": float(rng.uniform(0.7, 1.3)),
        "jpeg_quality": int(rng.integers(40, 91)),
    }


def draw_views(seed: int, photo_id: str, n_views: int) -> list[dict | None]:
    """View 0 (None: the photo unchanged) followed by n_views - 1 random views."""
    rng = photo_rng(seed, photo_id)
    return [None] + [draw_view(rng) for _ in range(n_views - 1)]


def _perspective_coeffs(src, dst):
    """Coefficients PIL's PERSPECTIVE transform needs to map output dst -> input src."""
    matrix = []
    for (x, y), (u, v) in zip(dst, src):
        matrix.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        matrix.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    a = np.asarray(matrix, dtype=np.float64)
    b = np.asarray(src, dtype=np.float64).reshape(8)
    return np.linalg.solve(a, b).tolist()


def parse(params: dict | list | str | None) -> dict:
    """View parameters as stored in the manifest (JSON text, '' for none) as a dict;
    of a chain of views (a list), its first step: the one applied to the photo."""
    chain = steps(params)
    return chain[0] if chain else {}


def steps(params: dict | list | str | None) -> list[dict]:
    """The views to apply in order: one, none, or a chain (an extra fitting view is
    drawn on top of the view it is made from)."""
    if isinstance(params, str):
        params = json.loads(params) if params else None
    if not params:
        return []
    return [p or {} for p in params] if isinstance(params, list) else [params]


# Rotations that make a stored image upright, as exact pixel transposes (no resampling).
_UPRIGHT = {90: Image.Transpose.ROTATE_90, 180: Image.Transpose.ROTATE_180,
            270: Image.Transpose.ROTATE_270}


def render_real(image: Image.Image, params: dict) -> Image.Image:
    """A benchmark image as its protocol asks: `box` (x1, y1, x2, y2 in stored pixels,
    the query region, widened to whole pixels), then `rotate` (degrees anticlockwise)."""
    if params.get("box"):
        x1, y1, x2, y2 = params["box"]
        width, height = image.size
        box = (max(0, math.floor(x1)), max(0, math.floor(y1)),
               min(width, math.ceil(x2)), min(height, math.ceil(y2)))
        if box[2] <= box[0] or box[3] <= box[1]:
            raise ValueError(f"box {params['box']} is empty inside a {width}x{height} image")
        image = image.crop(box)
    if params.get("rotate"):
        image = image.transpose(_UPRIGHT[params["rotate"]])
    return image


def render_view(image: Image.Image, params: dict | list | str | None) -> Image.Image:
    """Apply recorded view parameters (one view or a chain) to an RGB image."""
    for step in steps(params):
        image = _render_one(image, step)
    return image


def _render_one(image: Image.Image, params: dict) -> Image.Image:
    if not params:
        return image
    if "crop" not in params:  # a benchmark image, not a synthetic view
        return render_real(image, params)
    width, height = image.size
    x, y, w, h = params["crop"]
    box = (round(x * width), round(y * height), round((x + w) * width), round((y + h) * height))
    out = image.crop(box)
    cw, ch = out.size
    corners = [(0, 0), (cw, 0), (cw, ch), (0, ch)]
    jitter = np.asarray(params["perspective"]).reshape(4, 2) * [cw, ch]
    moved = [(cx + dx, cy + dy) for (cx, cy), (dx, dy) in zip(corners, jitter)]
    out = out.transform((cw, ch), Image.Transform.PERSPECTIVE,
                        _perspective_coeffs(moved, corners), Image.Resampling.BICUBIC)
    out = out.rotate(params["rotation_deg"], Image.Resampling.BICUBIC, expand=False)
    out = ImageEnhance.Brightness(out).enhance(params["brightness"])
    out = ImageEnhance.Contrast(out).enhance(params["contrast"])
    out = ImageEnhance.Color(out).enhance(params["saturation"])
    buffer = io.BytesIO()
    out.save(buffer, "JPEG", quality=params["jpeg_quality"])
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")
