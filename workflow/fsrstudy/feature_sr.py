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

FAMILIES = ("fsrgan", "fsrgan_fa", "ridge")
GAN_FAMILIES = ("fsrgan", "fsrgan_fa")
FIT_SUFFIX = {"train_split": "", "database": "_db"}


def method_name(family: str, training_data: str) -> str:
    if family not in FAMILIES:
        raise ValueError(f"unknown feature-SR family {family!r}; known: {FAMILIES}")
    return family + FIT_SUFFIX[training_data]


def methods(families, training_data) -> dict[str, tuple[str, str]]:
    """{method: (family, training data)} in a stable order: family, then data."""
    return {method_name(f, d): (f, d) for f in families for d in training_data}


def family_of(method: str) -> str:
    base = method[:-len(FIT_SUFFIX["database"])] if method.endswith("_db") else method
    if base not in FAMILIES:
        raise ValueError(f"{method!r} is not a feature-SR method")
    return base


def fitted_on(method: str) -> str:
    """The training-data option a method name says it was fitted on."""
    for data, suffix in FIT_SUFFIX.items():
        if suffix and method.endswith(suffix):
            return data
    return "train_split"


def load(path, device="cpu", backbone: str | None = None, dim: int | None = None):
    """The model in a checkpoint of any family, checked to fit `backbone` and `dim`."""
    import torch

    from . import ridge, training
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
    from . import ridge, training
    if isinstance(model, ridge.LinearMap):
        return model.apply(feats, factor)
    return training.apply(model, feats, device, factor=factor)
