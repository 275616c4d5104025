"""Feature super-resolution methods: their names, and one way to load and apply each.

A method is a family (the model) fitted on one kind of data (config
`fsrgan.training_data`): `fsrgan`, `fsrgan_fa` (factor-aware) and `ridge` on the train
split, `fsrgan_db`, `fsrgan_fa_db` and `ridge_db` on the database's own images. Every
method's model lives in `models/<method>_<backbone>.pt`; `load` reads any of them and
`apply` maps LR features of one factor to SR features, whatever the family.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np


def load(path, device="cpu", backbone: str | None = None, dim: int | None = None):
    """The model in a checkpoint of any family, checked to fit `backbone` and `dim`."""
    import torch

    from fsrstudy.models import ridge, training
    if not Path(path).is_file():
        raise FileNotFoundError(f"no feature-SR model at {path}")
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    if ckpt.get("kind") != "ridge":
        return training.load_generator(path, device, backbone, dim)
    if backbone is not None and ckpt.get("backbone") != backbone:
        raise training.IncompatibleCheckpoint(
            f"{path} was fitted on {ckpt.get('backbone')} features, not {backbone}")
    if dim is not None and ckpt["dim"] != dim:
        raise training.IncompatibleCheckpoint(f"{path} maps {ckpt['dim']}-d features; "
                                              f"these are {dim}-d")
    return ridge.from_checkpoint(ckpt)


def apply(model, feats: np.ndarray, factor: int, device="cpu") -> np.ndarray:
    """SR features of LR features at `factor` (an FSR-GAN generator serves every factor;
    a ridge map has one map per factor)."""
    from fsrstudy.models import ridge, training
    if isinstance(model, ridge.LinearMap):
        return model.apply(feats, factor)
    return training.apply(model, feats, device, factor=factor)


def apply_rows(model, feats: np.ndarray, factor: int, rows, device="cpu") -> np.ndarray:
    """`apply` on the rows `rows` of `feats` only, the other rows NaN: the tables read
    only the evaluation images (270 of the demo's 738 rows). No layer mixes rows (eval
    mode, no batch statistics), so these rows get what `apply` on every row gives them."""
    rows = np.asarray(rows, dtype=int)
    out = np.full(feats.shape, np.nan, np.float32)
    if len(rows):
        out[rows] = apply(model, np.ascontiguousarray(feats[rows]), factor, device)
    return out
