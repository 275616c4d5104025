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

from fsrstudy.models import cross_fit


def load(path, device="cpu", backbone: str | None = None,
         dim: int | None = None) -> cross_fit.Folds:
    """A method's model(s) from a checkpoint of any family (one per fold where it was
    cross-fitted: models/cross_fit.py), checked to fit `backbone` and `dim`."""
    import torch

    from fsrstudy.models import fsrgan_training, ridge
    if not Path(path).is_file():
        raise FileNotFoundError(f"no feature-SR model at {path}")
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    if backbone is not None and ckpt.get("backbone") != backbone:
        raise fsrgan_training.IncompatibleCheckpoint(
            f"{path} was fitted on {ckpt.get('backbone')} features, not {backbone}")

    def build(fit: dict):
        if dim is not None and fit["dim"] != dim:
            raise fsrgan_training.IncompatibleCheckpoint(f"{path} maps {fit['dim']}-d features; "
                                                  f"these are {dim}-d")
        if fit.get("kind") == "ridge":
            return ridge.from_checkpoint(fit)
        return fsrgan_training.generator_from(fit)

    return cross_fit.read(ckpt, build)


def apply(model, feats: np.ndarray, factor: int, device="cpu") -> np.ndarray:
    """SR features of LR features at `factor`, by one model (an FSR-GAN generator serves
    every factor; a ridge map has one map per factor)."""
    from fsrstudy.models import fsrgan_training, ridge
    if isinstance(model, ridge.LinearMap):
        return model.apply(feats, factor)
    return fsrgan_training.apply(model, feats, device, factor=factor)


def apply_rows(model, feats: np.ndarray, factor: int, rows, device="cpu", *,
               photo_keys=None, image_ids=None) -> np.ndarray:
    """SR features of the rows `rows` of `feats` only, the other rows NaN: the tables
    read only the evaluation images (270 of the demo's 738 rows). `model`: one model, or
    a method's cross_fit.Folds, which needs every row's `photo_keys` and `image_ids` to
    map each row by the model that may serve it (Folds.serving). No layer mixes rows
    (eval mode, no batch statistics), so these rows get what `apply` on every row gives
    them."""
    if not isinstance(model, cross_fit.Folds):
        model = cross_fit.Folds.single(model)
        photo_keys = image_ids = np.zeros(len(feats), dtype=str)
    elif photo_keys is None or image_ids is None:
        raise ValueError("a method's folds map rows by their photo and image ids: give "
                         "photo_keys and image_ids")
    rows = np.asarray(rows, dtype=int)
    out = np.full(feats.shape, np.nan, np.float32)
    if len(rows):
        chosen = np.ascontiguousarray(feats[rows])
        out[rows] = model.map(lambda one, at: apply(one, chosen[at], factor, device),
                              np.asarray(photo_keys)[rows], np.asarray(image_ids)[rows],
                              feats.shape[1])
    return out
