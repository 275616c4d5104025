"""Where each stage keeps its arrays, so that every stage names files the same way.

Image stacks:   <images>/f<factor>.npy   (N, S, S, 3) uint8; f1 is the HR input
Restored:       <images>/<isr method>_f<factor>.npy  the query rows, ISR-restored
Features:       <features>/<backbone>/<method>_f<factor>.npy  (N, D) float32
                (revisitop1m's distractors: method distractors_hr, factor 1; a memmap)
pool4 maps:     <features>/pool4/lr_f<factor>.npy  (N, 512, S/16, S/16) float16 (distill)
Models:         <models>/<method>_<backbone>.pt (feature SR), <models>/<isr name>.pt,
                <models>/seeds/<method>_seed<seed>_<backbone>.pt (the seed spread's
                FSR-GANs, which the focal ablation reuses)
Row order of every array = the manifest's row order (ids.txt beside them).
The rules name their files with these functions too: no other module or rule spells
an .npy or .pt name.
A shard job writes the same layout for its rows into its own folder (shard_slice).

Each function takes the folder as a path, or as a `Declared` folder: the folder and the
files its rule declares there, which is how the workflow hands them to a stage. A name
outside those files is then an error, so a stage cannot read a file that Snakemake does
not know it depends on (it would not rerun the stage when that file changes).
"""
from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from fsrstudy.atomic import save_text

HR = 1  # the factor of the high-resolution input: f1


class UndeclaredFileError(LookupError):
    """A stage named a file that its rule does not declare."""


@dataclass(frozen=True)
class Declared:
    """A folder and the files a rule declares in it (inputs and outputs)."""
    folder: Path
    files: frozenset

    @classmethod
    def of(cls, folder, files) -> Declared:
        return cls(Path(folder), frozenset(os.path.abspath(f) for f in files))

    def check(self, path: Path) -> Path:
        if os.path.abspath(path) not in self.files:
            raise UndeclaredFileError(
                f"{path} is not among the {len(self.files)} files that the stage's rule "
                f"declares in {self.folder}: add it to the rule's input or output")
        return path


def folder(value) -> Path | Declared:
    """A stage's folder parameter: a path, or (as the workflow passes it, in JSON) a
    {"folder": ..., "files": [...]} object, which becomes a Declared folder."""
    if isinstance(value, dict):
        return _declared(str(value["folder"]), tuple(value["files"]))
    return value if isinstance(value, Declared) else Path(value)


@functools.lru_cache(maxsize=32)
def _declared(folder_: str, files: tuple) -> Declared:
    # every run_files call of a stage names the same few folders: normalise each once
    # (about 1 ms for a few hundred files, a few thousand times per stage otherwise)
    return Declared.of(folder_, files)


def in_folder(where, *parts: str) -> Path:
    """The file `parts` under a folder; under a Declared one, only a declared file."""
    where = folder(where)
    if isinstance(where, Declared):
        return where.check(where.folder.joinpath(*parts))
    return where.joinpath(*parts)


def stack_path(images_dir, factor: int) -> Path:
    return in_folder(images_dir, f"f{factor}.npy")


def feature_path(features_dir, backbone: str, method: str, factor: int) -> Path:
    return in_folder(features_dir, backbone, f"{method}_f{factor}.npy")


def restored_path(images_dir, method: str, factor: int) -> Path:
    """The query images restored by an ISR method (SRCNN, VDSR) from factor `factor`."""
    return in_folder(images_dir, f"{method}_f{factor}.npy")


def ids_path(folder_) -> Path:
    """The image ids of an image or feature folder, one per line, in row order."""
    return in_folder(folder_, "ids.txt")


def meta_path(folder_) -> Path:
    """How a folder's arrays were computed (device, precision, seconds ...)."""
    return in_folder(folder_, "meta.json")


def distractor_feature_path(features_dir, backbone: str) -> Path:
    """revisitop1m's HR features, streamed into one memmap per backbone."""
    return feature_path(features_dir, backbone, "distractors_hr", HR)


def pool4_path(features_dir, factor: int) -> Path:
    """The pool4 maps of every image at one factor, which the distilled students read."""
    return in_folder(features_dir, "pool4", f"lr_f{factor}.npy")


def pool4_meta_path(features_dir) -> Path:
    return in_folder(features_dir, "pool4", "meta.json")


def isr_model_name(method: str, factor: int) -> str:
    """models/<name>.pt of an ISR baseline. SRCNN: one model per factor (as in its
    paper); VDSR: one for all factors."""
    return f"{method}_f{factor}" if method == "srcnn" else method


def isr_model_path(models_dir, method: str, factor: int) -> Path:
    return in_folder(models_dir, f"{isr_model_name(method, factor)}.pt")


# a feature-SR model (FSR-GAN, ridge ...): one per method and backbone; the rules fill
# this pattern's wildcards too
FSR_MODEL = "{method}_{backbone}.pt"


def fsr_model_path(models_dir, method: str, backbone: str) -> Path:
    return in_folder(models_dir, FSR_MODEL.format(method=method, backbone=backbone))


def seed_model_path(models_dir, method: str, seed: int, backbone: str) -> Path:
    """A feature-SR model fitted again with another seed (the seed spread's)."""
    return in_folder(models_dir, "seeds", f"{method}_seed{seed}_{backbone}.pt")


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
