"""Stages of workflow/rules/distractors.smk: HR features of an external distractor set
(revisitop1m), streamed into a memmap, per shard and gathered, and large-scale retrieval
against the database plus growing sets of distractors.

A million images cannot be stacked like the datasets' images (150 GB at 224 px): each
batch is read, resized to the network input and described, and its rows are written
into an (N, D) float32 memory-mapped array, per backbone. Unreadable images get a zero
row (they then match nothing) and are listed by name.

On a cluster the work is scattered: shard k of K describes the k-th of K equal slices of
the fetched distractors (in list order) into its own arrays, and the gathering stage
copies the shards, in order, into the one memmap per backbone that the large-scale
search reads. The result equals one job's, row for row.

    python -m fsrstudy.stages.distractors --params '{"list_file": ..., "shard": 0, ...}'

runs one shard job of rule distractor_shard.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from fsrstudy import run_files
from fsrstudy.atomic import atomic_path, save_csv, save_json
from fsrstudy.config import extractor_options
from fsrstudy.data import degrade, groundtruth, images, manifest as mf
from fsrstudy.evaluation import retrieval
from fsrstudy.models import backbones, compute, features
from fsrstudy.stages import analysis

BAD_IMAGE_COLUMNS = ["file", "reason"]


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


def describe_distractors(list_file, images_dir, features_dir, bad_csv, *, input_size: int,
                         source: str, poolings, gem_p: float, batch_size: int | str,
                         device: str, precision: str, engine: str = "auto",
                         limit: int | None = None, shard: int = 0, shards: int = 1,
                         shard_dir=None) -> dict:
    """HR descriptors of the fetched distractors, one memmap per backbone: all of them
    into features_dir, or (shard_dir given) shard `shard` of `shards` into shard_dir;
    the unreadable images into bad_csv."""
    files = listed_files(list_file, images_dir, limit)
    if not files:
        raise FileNotFoundError(f"no distractor image of {list_file} under {images_dir}")
    part = files[run_files.shard_slice(len(files), shard, shards,
                                     align=compute.batch_alignment(batch_size),
                                     option="distractors.shards")]
    plan = compute.plan(device, precision, engine)
    batch_size = compute.batch_size(batch_size, plan.device)
    model, names = backbones.build_named(source, poolings, gem_p)
    out_paths = {b: run_files.distractor_feature_path(shard_dir or features_dir, b)
                 for b in names.values()}
    bad = extract(part, out_paths, model, names, size=input_size,
                              batch_size=batch_size, plan=plan)
    save_csv(bad_csv, pd.DataFrame(bad, columns=BAD_IMAGE_COLUMNS))
    return {"images": len(part), "shard": shard, "shards": shards, **plan.as_dict(),
            "files": {b: str(p) for b, p in out_paths.items()}}


def gather_distractors(shard_dirs, backbone_names: list[str], features_dir, bad_csvs,
                       bad_csv) -> dict:
    """Copy the shards' arrays, in order, into one (N, D) memmap per backbone, and their
    lists of unreadable images into one; returns rows per backbone."""
    rows = {}
    for backbone in backbone_names:
        parts = [run_files.load(run_files.distractor_feature_path(d, backbone))
                 for d in shard_dirs]
        dims = {p.shape[1] for p in parts}
        if len(dims) != 1:
            raise ValueError(f"{backbone}: shards of different widths {sorted(dims)}")
        total = sum(len(p) for p in parts)
        with atomic_path(run_files.distractor_feature_path(features_dir, backbone)) as tmp:
            out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float32,
                                            shape=(total, dims.pop()))
            start = 0
            for part in parts:
                out[start:start + len(part)] = part
                start += len(part)
            out.flush()
            del out  # release the memmap before the atomic rename
        rows[backbone] = total
    bad = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in bad_csvs]
    save_csv(bad_csv, pd.concat(bad, ignore_index=True) if bad
             else pd.DataFrame(columns=BAD_IMAGE_COLUMNS))
    return rows


def large_scale(manifest_csv, ground_truth_json, features_dir, out_csv, *, backbone_names: list,
                factors, methods, source: str, sizes=None, protocols=None,
                seed: int = 0) -> pd.DataFrame:
    """mAP against the database plus growing sets of distractors: tables/large_scale.csv.
    `source`: train_only (the manifest's train-only rows) or revisitop1m (the gathered
    memmaps in features_dir)."""
    external = None if source == "train_only" else {
        b: run_files.load(run_files.distractor_feature_path(features_dir, b))
        for b in backbone_names}
    table = retrieval.evaluate_large_scale(
        mf.read(manifest_csv), groundtruth.load(ground_truth_json),
        analysis.feature_loader(features_dir), backbone_names=backbone_names,
        factors=factors, methods=methods, source=source, sizes=sizes,
        protocol_names=protocols, external=external, seed=seed)
    save_csv(out_csv, table)
    return table


def main(argv=None) -> None:
    """One shard job of rule distractor_shard: its parameters as one JSON object (the
    notebooks' convention), its arrays, unreadable images and meta.json into shard_dir."""
    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("--params", required=True, help="JSON: list_file, distractor_images, "
                        "the `degrade` and `features` sections, shard, shards, the shard's "
                        "outputs (arrays, bad, meta: its folder is the shard's), threads")
    values = json.loads(parser.parse_args(argv).params)
    torch.set_num_threads(values["threads"])
    start = time.perf_counter()
    shard_dir = run_files.folder({"folder": os.path.dirname(values["meta"]),
                                "files": [*values["arrays"], values["meta"]]})
    meta = describe_distractors(values["list_file"], values["distractor_images"], None,
                                values["bad"], input_size=values["degrade"]["input_size"],
                                **extractor_options(values["features"]), shard=values["shard"],
                                shards=values["shards"], shard_dir=shard_dir)
    meta["seconds"] = round(time.perf_counter() - start, 1)
    save_json(run_files.meta_path(shard_dir), meta)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
