"""Where descriptors are compared: L2-normalised rows, and distances between them."""
from __future__ import annotations

import numpy as np


def l2_normalize(x: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    norms = np.linalg.norm(x, axis=-1, keepdims=True)
    return (x / np.maximum(norms, eps)).astype(np.float32)


def feature_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Row-wise Euclidean distance between the L2-normalised rows of `a` and `b`: what
    cosine retrieval sees. Every distance the study reports is this one, so that a method
    whose features come out shorter (fsrgan, ridge: not normalised) is not made to look
    closer to HR by its length alone; in [0, 2]."""
    return np.linalg.norm(l2_normalize(a) - l2_normalize(b), axis=-1)
