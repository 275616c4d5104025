"""HR features of an external distractor set (revisitop1m), streamed into a memmap.

A million images cannot be stacked like the datasets' images (150 GB at 224 px): each
batch is read, resized to the network input and described, and its rows are written
into an (N, D) float32 memory-mapped array, per backbone. Unreadable images get a zero
row (they then match nothing) and are listed by name.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np
import pandas as pd

from . import backbones, compute, degrade, features, images, storage
from .atomic import atomic_path, save_csv


def listed_files(list_file, images_dir, limit: int | None = None) -> list[Path]:
    """revisitop1m.txt names files relative to the archives' jpg/ folder."""
    names = Path(list_file).read_text().split()
    root = Path(images_dir) / "jpg"
    files = [root / n for n in names]
    present = [f for f in files if f.is_file()]  # only the archives that were fetched
    return present[:limit] if limit else present


def hr_batch(files, size: int) -> tuple[np.ndarray, list[dict]]:
    """(B, size, size, 3) uint8 (a zero image where a file cannot be read) and one
    (index, file, reason) row per unreadable file."""
    out = np.zeros((len(files), size, size, 3), np.uint8)
    bad = []
    for i, path in enumerate(files):
        reason = images.check_image(path)
        if reason:
            bad.append({"index": i, "file": str(path), "reason": reason})
            continue
        out[i] = degrade.hr_input(images.load_rgb(path, exif=False), None, size)
    return out, bad


def extract(files, out_paths: dict, model, names: dict, *, size: int, batch_size: int,
            plan: compute.Plan, bad_csv) -> int:
    """Write one (N, D) float32 memmap per backbone (`out_paths`: backbone -> path;
    `names`: the model's output -> backbone); rows of unreadable files are zero."""
    n, arrays, bad_rows = len(files), {}, []
    with contextlib.ExitStack() as stack:
        for start in range(0, n, batch_size):
            chunk = files[start:start + batch_size]
            batch, bad = hr_batch(chunk, size)
            out = features.extract(model, batch, batch_size, plan,
                                   desc=f"distractors {start}/{n}")
            for output, values in out.items():
                backbone = names[output]
                if backbone not in arrays:
                    tmp = stack.enter_context(atomic_path(out_paths[backbone]))
                    arrays[backbone] = np.lib.format.open_memmap(
                        tmp, mode="w+", dtype=np.float32, shape=(n, values.shape[1]))
                values[[b["index"] for b in bad]] = 0.0
                arrays[backbone][start:start + len(chunk)] = values
            bad_rows += [{"file": b["file"], "reason": b["reason"]} for b in bad]
        for array in arrays.values():
            array.flush()
        arrays.clear()  # release the memmaps before the atomic rename
    save_csv(bad_csv, pd.DataFrame(bad_rows, columns=["file", "reason"]))
    return n


def feature_path(features_dir, backbone: str) -> Path:
    return storage.feature_path(features_dir, backbone, "distractors_hr", 1)


def extract_features(list_file, images_dir, features_dir, bad_csv, *, input_size: int,
                     source: str, poolings, gem_p: float, batch_size: int, device: str,
                     precision: str, engine: str = "auto", limit: int | None = None) -> dict:
    """The stage: HR descriptors of every fetched distractor, one memmap per backbone."""
    files = listed_files(list_file, images_dir, limit)
    if not files:
        raise FileNotFoundError(f"no distractor image of {list_file} under {images_dir}")
    plan = compute.plan(device, precision, engine)
    model, names = backbones.build_named(source, poolings, gem_p)
    out_paths = {b: feature_path(features_dir, b) for b in names.values()}
    n = extract(files, out_paths, model, names, size=input_size, batch_size=batch_size,
                plan=plan, bad_csv=bad_csv)
    return {"images": n, **plan.as_dict(), "files": {b: str(p) for b, p in out_paths.items()}}
