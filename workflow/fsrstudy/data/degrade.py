"""High-resolution network inputs and their low-resolution copies.

Factors are AREA ratios' denominators, as in the paper: factor 4 means 1/4 of the
pixels, i.e. each side divided by sqrt(4) = 2. A low-resolution copy is the HR input
downscaled by the linear factor with an antialiasing (bicubic, support widened by the
scale, as PIL does) filter, then upscaled back to the input size with bicubic
interpolation: what a network sees when a small query image is resized to its input.
"""
from __future__ import annotations

import math

import numpy as np
from PIL import Image

from fsrstudy.data import images, views


def linear_scale(factor: float) -> float:
    if factor < 1:
        raise ValueError(f"area factor must be >= 1 (got {factor})")
    return math.sqrt(factor)


def low_size(size: int, factor: float) -> int:
    """Side of the low-resolution image: e.g. 224 at factor 9 -> 75."""
    return max(1, int(round(size / linear_scale(factor))))


def hr_input(photo: Image.Image, view_params, size: int) -> np.ndarray:
    """The HR network input of one view: rendered, then resized to size x size."""
    view = views.render_view(photo, view_params)
    return images.to_array(view.resize((size, size), Image.Resampling.BICUBIC))


def downscale(hr: np.ndarray, factor: float) -> np.ndarray:
    """The small image a low-resolution client would have (antialiased)."""
    size = hr.shape[0]
    small = low_size(size, factor)
    return images.to_array(Image.fromarray(hr).resize((small, small),
                                                      Image.Resampling.BICUBIC))


def upscale(small: np.ndarray, size: int) -> np.ndarray:
    return images.to_array(Image.fromarray(small).resize((size, size),
                                                         Image.Resampling.BICUBIC))


def lr_input(hr: np.ndarray, factor: float) -> np.ndarray:
    """Low-resolution copy at the network's input size (downscale, bicubic back)."""
    if factor == 1:
        return hr
    return upscale(downscale(hr, factor), hr.shape[0])
