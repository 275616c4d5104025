"""Names of the feature super-resolution methods: a family fitted on one kind of data.

`fsrgan`, `fsrgan_fa` and `ridge` are fitted on the train split, `fsrgan_db`,
`fsrgan_fa_db` and `ridge_db` on the database's own images (config
`fsrgan.training_data`). Torch-free: the workflow names its files with it.
"""
from __future__ import annotations

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


def fitted_on(method: str) -> str:
    """The training-data option a method name says it was fitted on."""
    for data, suffix in FIT_SUFFIX.items():
        if suffix and method.endswith(suffix):
            return data
    return "train_split"
