"""Names of the feature super-resolution methods: a family fitted on one kind of data.

`fsrgan`, `fsrgan_fa`, `ridge` and `mean_shift` are fitted on the train split,
`fsrgan_db`, `fsrgan_fa_db`, `ridge_db` and `mean_shift_db` on the database's own images
(config `fsrgan.training_data`). `distill` / `distill_db` are fitted the same way but are not
feature maps: a query network for LR images (the layers after pool4, distilled).
Torch-free: the workflow names its files with it.
"""
from __future__ import annotations

FAMILIES = ("fsrgan", "fsrgan_fa", "ridge", "mean_shift")  # LR -> SR feature (feature_sr)
GAN_FAMILIES = ("fsrgan", "fsrgan_fa")
# closed-form maps: ridge, and its limit as alpha grows (F_LR + the mean correction)
LINEAR_FAMILIES = ("ridge", "mean_shift")
QUERY_NETWORK_FAMILIES = ("distill",)  # pool4 maps of the LR image -> descriptor
FITTED_FAMILIES = FAMILIES + QUERY_NETWORK_FAMILIES
FIT_SUFFIX = {"train_split": "", "database": "_db"}


def method_name(family: str, training_data: str) -> str:
    if family not in FITTED_FAMILIES:
        raise ValueError(f"unknown fitted family {family!r}; known: {FITTED_FAMILIES}")
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
