"""Stages of workflow/rules/applications.smk, the paper's applications: the external
distractors' features (a shard job's command line and the gathering step), large-scale
retrieval with distractors, low bit-rate search and the focal-exponent ablation. Files
in, files out: the domain modules (distractors, large_scale, retrieval, lowbitrate,
focal) return data.

    python -m fsrstudy.stages.applications --params '{"list_file": ..., "shard": 0, ...}'

runs one shard job of rule distractor_shard.
"""
from __future__ import annotations

import argparse
import json
import time

import numpy as np
import pandas as pd
import torch

from fsrstudy import storage
from fsrstudy.atomic import atomic_path, save_csv, save_json
from fsrstudy.data import manifest as mf
from fsrstudy.evaluation import distractors, focal, lowbitrate, retrieval
from fsrstudy.models import backbones, compute, training

BAD_IMAGE_COLUMNS = ["file", "reason"]


def describe_distractors(list_file, images_dir, features_dir, bad_csv, *, input_size: int,
                         source: str, poolings, gem_p: float, batch_size: int | str,
                         device: str, precision: str, engine: str = "auto",
                         limit: int | None = None, shard: int = 0, shards: int = 1,
                         shard_dir=None) -> dict:
    """HR descriptors of the fetched distractors, one memmap per backbone: all of them
    into features_dir, or (shard_dir given) shard `shard` of `shards` into shard_dir;
    the unreadable images into bad_csv."""
    files = distractors.listed_files(list_file, images_dir, limit)
    if not files:
        raise FileNotFoundError(f"no distractor image of {list_file} under {images_dir}")
    part = files[storage.shard_slice(len(files), shard, shards,
                                     align=compute.batch_alignment(batch_size),
                                     option="distractors.shards")]
    plan = compute.plan(device, precision, engine)
    batch_size = compute.batch_size(batch_size, plan.device)
    model, names = backbones.build_named(source, poolings, gem_p)
    out_paths = {b: storage.distractor_feature_path(shard_dir or features_dir, b)
                 for b in names.values()}
    bad = distractors.extract(part, out_paths, model, names, size=input_size,
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
        parts = [storage.load(storage.distractor_feature_path(d, backbone))
                 for d in shard_dirs]
        dims = {p.shape[1] for p in parts}
        if len(dims) != 1:
            raise ValueError(f"{backbone}: shards of different widths {sorted(dims)}")
        total = sum(len(p) for p in parts)
        with atomic_path(storage.distractor_feature_path(features_dir, backbone)) as tmp:
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
        b: storage.distractor_feature_path(features_dir, b) for b in backbone_names}
    table = retrieval.evaluate_large_scale(
        mf.read(manifest_csv), ground_truth_json, features_dir, backbone_names=backbone_names,
        factors=factors, methods=methods, source=source, sizes=sizes,
        protocol_names=protocols, external=external, seed=seed)
    save_csv(out_csv, table)
    return table


def low_bitrate(manifest_csv, ground_truth_json, images_dir, features_dir, models_dir,
                out_csv, **options) -> pd.DataFrame:
    """mAP against the bits a client sends, per method: tables/lowbitrate.csv (options:
    those of lowbitrate.run)."""
    table = lowbitrate.run(mf.read(manifest_csv), ground_truth_json, images_dir,
                           features_dir, models_dir, **options)
    save_csv(out_csv, table)
    return table


def focal_ablation(manifest_csv, ground_truth_json, features_dir, out_csv, *, backbone: str,
                   factors, fsrgan: dict, variants, seeds, trained=None,
                   workers: int = 1) -> pd.DataFrame:
    """Every loss variant x seed trained from the run's FSR-GAN settings (`fsrgan`: the
    config's section): tables/focal.csv."""
    options = {k: v for k, v in fsrgan.items() if k not in ("device", "training_data")}
    table = focal.run(mf.read(manifest_csv), ground_truth_json, features_dir,
                      backbone=backbone, factors=factors,
                      base=training.FSRGANConfig(**options), variants=variants, seeds=seeds,
                      device=compute.pick_device(fsrgan.get("device", "auto")),
                      trained=trained, workers=workers)
    save_csv(out_csv, table)
    return table


def main(argv=None) -> None:
    """One shard job of rule distractor_shard: its parameters as one JSON object (the
    notebooks' convention), its arrays, unreadable images and meta.json into shard_dir."""
    parser = argparse.ArgumentParser(description=main.__doc__.splitlines()[0])
    parser.add_argument("--params", required=True, help="JSON: list_file, images_dir, "
                        "input_size, extractor, shard, shards, shard_dir, bad_csv, threads")
    values = json.loads(parser.parse_args(argv).params)
    torch.set_num_threads(values["threads"])
    start = time.perf_counter()
    meta = describe_distractors(values["list_file"], values["images_dir"], None,
                                values["bad_csv"], input_size=values["input_size"],
                                **values["extractor"], shard=values["shard"],
                                shards=values["shards"], shard_dir=values["shard_dir"])
    meta["seconds"] = round(time.perf_counter() - start, 1)
    save_json(storage.meta_path(values["shard_dir"]), meta)
    print(json.dumps(meta))


if __name__ == "__main__":
    main()
