"""Reading photographs safely: every unreadable file is reported by name."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image, ImageOps, UnidentifiedImageError


class BadImage(ValueError):
    """An image file that is missing, empty or cannot be decoded."""


def check_image(path: str | Path) -> str | None:
    """Return why `path` is not a usable image, or None if it decodes."""
    path = Path(path)
    if not path.is_file():
        return "missing"
    if path.stat().st_size == 0:
        return "zero bytes"
    try:
        with Image.open(path) as im:
            im.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        return f"cannot be decoded ({error.__class__.__name__}: {error})"
    return None


def screen(paths, policy: str = "skip") -> pd.DataFrame:
    """One row (file, reason) per unusable file; policy 'fail' raises BadImage naming
    every one of them instead (the config's bad_images)."""
    bad = [{"file": str(p), "reason": r} for p in paths if (r := check_image(p))]
    bad = pd.DataFrame(bad, columns=["file", "reason"])
    if len(bad) and policy == "fail":
        listing = "\n  ".join(f"{r.file}: {r.reason}" for r in bad.itertuples())
        raise BadImage(f"{len(bad)} unusable image(s):\n  {listing}")
    return bad


def load_rgb(path: str | Path, exif: bool = True) -> Image.Image:
    """Open an image as RGB; BadImage names the file. `exif`: apply the EXIF orientation
    (upright photos); False keeps the stored pixels, the frame in which the Oxford/Paris
    query boxes are given and what the benchmarks' reference code reads."""
    reason = check_image(path)
    if reason:
        raise BadImage(f"{path}: {reason}")
    with Image.open(path) as im:
        return (ImageOps.exif_transpose(im) if exif else im).convert("RGB")


def to_array(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.uint8)
