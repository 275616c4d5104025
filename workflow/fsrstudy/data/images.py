"""Reading photographs safely: every unreadable file is reported by name."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from PIL import Image, ImageOps, UnidentifiedImageError


class BadImage(ValueError):
    """An image file that is missing, empty or cannot be decoded."""


@dataclass(frozen=True)
class Screening:
    """What a dataset's images must be (config datasets[]: bad_images, min_side,
    max_aspect): smaller or more elongated images would be stretched to the square
    input beyond recognition, so they are left out by name like unreadable ones."""
    policy: str = "skip"  # skip: list and leave out; fail: stop, naming every one
    min_side: int = 1
    max_aspect: float = float("inf")

    @classmethod
    def of(cls, entry: dict) -> Screening:
        """The screening of a dataset entry of the config (its defaults filled in)."""
        return cls(entry["bad_images"], entry["min_side"], entry["max_aspect"])

    @classmethod
    def given(cls, screening: Screening | str) -> Screening:
        """A Screening as given, or one of a bare policy ('skip', 'fail'): decoding alone."""
        return cls(screening) if isinstance(screening, str) else screening


def _decode(path: Path) -> tuple[str | None, tuple[int, int] | None]:
    """(why `path` is not a usable image or None, its stored width and height)."""
    if not path.is_file():
        return "missing", None
    if path.stat().st_size == 0:
        return "zero bytes", None
    try:
        with Image.open(path) as im:
            im.load()
            return None, im.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        return f"cannot be decoded ({error.__class__.__name__}: {error})", None


def check_image(path: str | Path, screening: Screening = Screening()) -> str | None:
    """Return why `path` is not a usable image, or None if it decodes and has the size
    and shape `screening` asks for."""
    reason, size = _decode(Path(path))
    if reason:
        return reason
    width, height = size
    found = []
    if min(size) < screening.min_side:
        found.append(f"a side under min_side {screening.min_side} (datasets[].min_side)")
    if max(size) / min(size) > screening.max_aspect:
        found.append(f"aspect {round(max(size) / min(size), 2):g} over max_aspect "
                     f"{screening.max_aspect:g} (datasets[].max_aspect)")
    return f"{width}x{height} pixels: " + "; ".join(found) if found else None


def screen(paths, screening: Screening | str = "skip") -> pd.DataFrame:
    """One row (file, reason) per unusable file; policy 'fail' raises BadImage naming
    every one of them instead (the config's bad_images). A bare policy string screens
    for decoding alone."""
    screening = Screening.given(screening)
    bad = [{"file": str(p), "reason": r} for p in paths if (r := check_image(p, screening))]
    bad = pd.DataFrame(bad, columns=["file", "reason"])
    if len(bad) and screening.policy == "fail":
        listing = "\n  ".join(f"{r.file}: {r.reason}" for r in bad.itertuples())
        raise BadImage(f"{len(bad)} unusable image(s) (bad_images: fail):\n  {listing}")
    return bad


def load_rgb(path: str | Path, exif: bool = True) -> Image.Image:
    """Open an image as RGB; BadImage names the file. `exif`: apply the EXIF orientation
    (upright photos); False keeps the stored pixels, the frame in which the Oxford/Paris
    query boxes are given and what the benchmarks' reference code reads."""
    reason = check_image(path)
    if reason:
        raise BadImage(f"{path}: {reason}")
    with Image.open(path) as im:
        return to_rgb8(ImageOps.exif_transpose(im) if exif else im)


# modes of more than 8 bits per sample, which convert("RGB") clips to white
HIGH_DEPTH = {"I;16": 16, "I;16L": 16, "I;16B": 16, "I;16N": 16, "I": 32}


def to_rgb8(image: Image.Image) -> Image.Image:
    """An image as 8-bit RGB. A 16-bit grayscale image (a 16-bit PNG) keeps its tones: its
    values are scaled to 8 bits by their depth (v >> 8), not clipped at 255. A 32-bit
    integer image (Pillow's mode for a 16-bit PGM/PPM) is read as 16-bit too, by the
    depth, not by its brightest pixel (a dark image stays dark); only values beyond 16
    bits scale by the bits their largest needs."""
    if image.mode not in HIGH_DEPTH:
        return image.convert("RGB")
    values = np.asarray(image).astype(np.int64)
    bits = HIGH_DEPTH[image.mode]
    if bits == 32:
        bits = max(16, int(values.max(initial=0)).bit_length())
    gray = (np.clip(values, 0, None) >> (bits - 8)).astype(np.uint8)
    return Image.fromarray(gray).convert("RGB")


def to_array(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.uint8)
