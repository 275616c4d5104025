"""Where each stage keeps its arrays, so that every stage names files the same way.

Image stacks:   <images>/f<factor>.npy   (N, S, S, 3) uint8; f1 is the HR input
Restored:       <images>/<isr method>_f<factor>.npy  the query rows, ISR-restored
Features:       <features>/<backbone>/<method>_f<factor>.npy  (N, D) float32
                (revisitop1m's distractors: method distractors_hr, factor 1; a memmap)
pool4 maps:     <features>/pool4/lr_f<factor>.npy  (N, 512, S/16, S/16) float16 (distill)
Models:         <models>/<method>_<backbone>.pt (feature SR), <models>/<isr name>.pt
Row order of every array = the manifest's row order (ids.txt beside them).
The rules name their files with these functions too: no other module or rule spells
an .npy or .pt name.
A shard job writes the same layout for its rows into its own folder (shard_slice).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from .atomic import save_text

HR = 1  # the factor of the high-resolution input: f1


def stack_path(images_dir, factor: int) -> Path:
    return Path(images_dir) / f"f{factor}.npy"


def feature_path(features_dir, backbone: str, method: str, factor: int) -> Path:
    return Path(features_dir) / backbone / f"{method}_f{factor}.npy"


def restored_path(images_dir, method: str, factor: int) -> Path:
    """The query images restored by an ISR method (SRCNN, VDSR) from factor `factor`."""
    return Path(images_dir) / f"{method}_f{factor}.npy"


def distractor_feature_path(features_dir, backbone: str) -> Path:
    """revisitop1m's HR features, streamed into one memmap per backbone."""
    return feature_path(features_dir, backbone, "distractors_hr", HR)


def pool4_path(features_dir, factor: int) -> Path:
    """The pool4 maps of every image at one factor, which the distilled students read."""
    return Path(features_dir) / "pool4" / f"lr_f{factor}.npy"


def isr_model_name(method: str, factor: int) -> str:
    """models/<name>.pt of an ISR baseline. SRCNN: one model per factor (as in its
    paper); VDSR: one for all factors."""
    return f"{method}_f{factor}" if method == "srcnn" else method


def isr_model_path(models_dir, method: str, factor: int) -> Path:
    return Path(models_dir) / f"{isr_model_name(method, factor)}.pt"


# a feature-SR model (FSR-GAN, ridge ...): one per method and backbone; the rules fill
# this pattern's wildcards too
FSR_MODEL = "{method}_{backbone}.pt"


def fsr_model_path(models_dir, method: str, backbone: str) -> Path:
    return Path(models_dir) / FSR_MODEL.format(method=method, backbone=backbone)


def sha256_of(path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def shard_slice(n: int, shard: int, shards: int, align: int = 1,
                option: str = "the shard count") -> slice:
    """Rows of shard `shard` (0-based) of `shards` near-equal slices of n rows, cut at
    multiples of `align` (the batch size: every batch is then the one a single job
    would run, so the shards' rows equal its rows bit for bit). An empty shard is an
    error that names `option`, the setting that asked for too many."""
    if not 0 <= shard < shards:
        raise ValueError(f"shard {shard} is not one of 0..{shards - 1}")

    def cut(k):
        return n if k == shards else min(n, round(k * n / shards / align) * align)
    rows = slice(cut(shard), cut(shard + 1))
    if rows.start == rows.stop:
        batches = -(-n // align)
        raise ValueError(f"shard {shard} of {shards} is empty: {n} rows make {batches} "
                         f"batches of {align}; set {option} to at most {batches}")
    return rows


def write_ids(path, ids) -> None:
    save_text(path, "\n".join(ids) + "\n")


def read_ids(path) -> np.ndarray:
    return np.array(Path(path).read_text().split())


def load(path, mmap: bool = True) -> np.ndarray:
    return np.load(path, mmap_mode="r" if mmap else None)


def load_features(features_dir, backbone: str, method: str, factor: int) -> np.ndarray:
    """One method's features of every image at one factor, in memory."""
    return np.load(feature_path(features_dir, backbone, method, factor))
