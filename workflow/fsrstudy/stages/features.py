"""Stages of workflow/rules/features.smk: the VGG16 descriptors of every image at every
factor (one job, or shard jobs gathered in order), and the pool4 maps the distilled
students read.

    python -m fsrstudy.stages.features --params JSON   (one shard job, rule feature_shard)
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import time

import numpy as np
import torch

from fsrstudy import run_files
from fsrstudy.atomic import atomic_path, save_json, save_npy
from fsrstudy.config import extractor_options
from fsrstudy.models import backbones, compute, distill
from fsrstudy.models.features import extract as describe_stack

HR = run_files.HR  # the factor of the HR input


def extract_features(images_dir, features_dir, *, factors, source: str, poolings,
                     gem_p: float, batch_size: int | str, device: str, precision: str,
                     engine: str = "auto", pretrained: bool = True, shard: int = 0,
                     shards: int = 1) -> dict:
    """HR ('hr_f1') and LR ('lr_f<k>') descriptors of every image, per backbone; with
    `shards` > 1, of the rows of shard `shard` only (features_dir: the shard's folder)."""
    ids = run_files.read_ids(run_files.ids_path(images_dir))
    rows = run_files.shard_slice(len(ids), shard, shards,
                               align=compute.batch_alignment(batch_size),
                               option="features.shards")
    ids = ids[rows]
    plan = compute.plan(device, precision, engine)
    batch_size = compute.batch_size(batch_size, plan.device)
    model, names = backbones.build_named(source, poolings, gem_p, pretrained)
    timings = {}
    for f in [HR] + [f for f in factors if f != HR]:
        stack = run_files.load(run_files.stack_path(images_dir, f))[rows]
        start = time.perf_counter()
        out = describe_stack(model, stack, batch_size, plan, desc=f"f{f}")
        timings[f"f{f}"] = round(time.perf_counter() - start, 2)
        method = "hr" if f == HR else "lr"
        for pooling, array in out.items():
            save_npy(run_files.feature_path(features_dir, names[pooling], method, f), array)
    run_files.write_ids(run_files.ids_path(features_dir), ids)
    seconds = sum(timings.values())
    meta = {"source": source, "backbones": list(names.values()), **plan.as_dict(),
            "batch_size": batch_size, "n_images": len(ids), "shard": shard, "shards": shards,
            "seconds_per_factor": timings,
            "images_per_second": round(len(ids) * len(timings) / seconds, 2),
            "torch": torch.__version__, "threads": torch.get_num_threads(),
            "cpu": platform.processor() or platform.machine(),
            "gpu": torch.cuda.get_device_name(0) if plan.device.startswith("cuda") else None}
    save_json(run_files.meta_path(features_dir), meta)
    return meta


def gather_features(shard_dirs, features_dir, images_dir) -> dict:
    """The shard jobs' descriptors, concatenated in shard order into the files one job
    writes; their ids must be the images' ids (images/ids.txt), in order. A shard is
    known by its folder (its meta.json, written after its arrays, is what the rule
    waits for)."""
    metas = [json.loads(run_files.meta_path(d).read_text()) for d in shard_dirs]
    ids = np.concatenate([run_files.read_ids(run_files.ids_path(d)) for d in shard_dirs])
    images_ids = run_files.ids_path(images_dir)
    expected = run_files.read_ids(images_ids)
    if not np.array_equal(ids, expected):
        raise ValueError(f"the shards in {[str(d) for d in shard_dirs]} hold {len(ids)} rows "
                         f"that are not the {len(expected)} images of {images_ids}, in order")
    factors = [int(key[1:]) for key in metas[0]["seconds_per_factor"]]
    for backbone in metas[0]["backbones"]:
        for f in factors:
            method = "hr" if f == HR else "lr"
            parts = [run_files.load_features(d, backbone, method, f) for d in shard_dirs]
            save_npy(run_files.feature_path(features_dir, backbone, method, f),
                     np.concatenate(parts))
    run_files.write_ids(run_files.ids_path(features_dir), ids)
    timings = {key: round(sum(m["seconds_per_factor"][key] for m in metas), 2)
               for key in metas[0]["seconds_per_factor"]}
    meta = {**metas[0], "n_images": len(ids), "shard": None, "shards": len(metas),
            "seconds_per_factor": timings,  # summed over the shard jobs
            "images_per_second": round(len(ids) * len(timings) / sum(timings.values()), 2),
            "shard_jobs": [{k: m[k] for k in ("shard", "n_images", "images_per_second",
                                               "device", "cpu", "gpu")} for m in metas]}
    save_json(run_files.meta_path(features_dir), meta)
    return meta


def feature_shard_main(argv=None) -> None:
    """One shard job of rule feature_shard: its parameters as one JSON object, as a
    notebook gets them: images_dir, the shard's outputs (arrays, ids, meta: its folder is
    the shard's), factors, the `features` section, shard, shards, threads."""
    parser = argparse.ArgumentParser(description=feature_shard_main.__doc__.splitlines()[0])
    parser.add_argument("--params", required=True)
    values = json.loads(parser.parse_args(argv).params)
    torch.set_num_threads(values["threads"])
    shard_dir = run_files.folder({"folder": os.path.dirname(values["meta"]),
                                "files": [*values["arrays"], values["ids"], values["meta"]]})
    meta = extract_features(values["images_dir"], shard_dir, factors=values["factors"],
                            **extractor_options(values["features"]), shard=values["shard"],
                            shards=values["shards"])
    print(json.dumps(meta))


def distill_maps(images_dir, features_dir, *, factors, source: str, poolings,
                 gem_p: float, batch_size: int | str, device: str, precision: str,
                 engine: str = "auto") -> dict:
    """The pool4 maps of every image at every factor (features/pool4/lr_f<k>.npy,
    float16): computed once, read by every distilled student's training and use."""
    plan = compute.plan(device, precision, engine)
    batch_size = compute.batch_size(batch_size, plan.device)
    trunk = backbones.Pool4Trunk(backbones.build(source, poolings[:1], gem_p))
    timings = {}
    for f in factors:
        stack = run_files.load(run_files.stack_path(images_dir, f))
        size = stack.shape[1] // 16  # four 2x2 max-pools
        start = time.perf_counter()
        with atomic_path(run_files.pool4_path(features_dir, f)) as tmp:
            out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float16,
                                            shape=(len(stack), 512, size, size))
            distill.pool4_maps(trunk, stack, out, batch_size, plan, desc=f"pool4 f{f}")
            out.flush()
            del out
        timings[f"f{f}"] = round(time.perf_counter() - start, 2)
    meta = {**plan.as_dict(), "source": source, "batch_size": batch_size,
            "seconds_per_factor": timings, "threads": torch.get_num_threads()}
    save_json(run_files.pool4_meta_path(features_dir), meta)
    return meta


if __name__ == "__main__":
    feature_shard_main()
