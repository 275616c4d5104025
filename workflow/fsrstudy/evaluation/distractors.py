"""HR features of an external distractor set (revisitop1m), streamed into a memmap.

A million images cannot be stacked like the datasets' images (150 GB at 224 px): each
batch is read, resized to the network input and described, and its rows are written
into an (N, D) float32 memory-mapped array, per backbone. Unreadable images get a zero
row (they then match nothing) and are listed by name.

On a cluster the work is scattered: shard k of K describes the k-th of K equal slices of
the fetched distractors (in list order) into its own arrays, and the gathering stage
copies the shards, in order, into the one memmap per backbone that the large-scale
search reads (stages/applications.py). The result equals one job's, row for row.
"""
from __future__ import annotations

import contextlib
from pathlib import Path

import numpy as np

from fsrstudy.atomic import atomic_path
from fsrstudy.data import degrade, images
from fsrstudy.models import compute, features


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
            plan: compute.Plan) -> list[dict]:
    """Write one (N, D) float32 memmap per backbone (`out_paths`: backbone -> path;
    `names`: the model's output -> backbone), streamed, since N may be a million; rows
    of unreadable files are zero, and one (file, reason) dict per such file is returned."""
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
    return bad_rows
