"""One function per stage of the workflow: read inputs, compute, write outputs atomically.

Notebooks call these and show what they return; tests call them directly.
"""
from __future__ import annotations

import argparse
import contextlib
import dataclasses
import functools
import json
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from . import (
    analysis,
    augment,
    backbones,
    compute,
    dataset_kinds,
    degrade,
    descriptors,
    distill,
    feature_sr,
    features,
    fsr_names,
    groundtruth,
    images,
    isr,
    isr_training,
    manifest as mf,
    ridge,
    storage,
    training,
    views,
)
from .atomic import atomic_copy, atomic_path, save_csv, save_json, save_npy

HR = storage.HR
SR_METHODS = ("fsrgan",)


def read_manifest(path) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, dtype={"view_params": str})


# -- prepare ---------------------------------------------------------------------------
def prepare(datasets, data_dir, manifest_csv, bad_csv, ground_truth_json, *, seed: int,
            training_data=(), fitting_views: int = 0):
    """Every configured dataset as one manifest, its unusable images and the ground
    truth of every protocol.

    `training_data`: the options feature-SR models will be fitted on (none when another
    run's models are used); each must select images, else this stops here, before any
    image is described. `fitting_views`: extra seeded views of each of their images."""
    manifest, bad, query_sets = dataset_kinds.build_all(datasets, data_dir, seed)
    mf.check_fitting(manifest, training_data)
    manifest = augment.add(manifest, training_data, fitting_views, seed)
    mf.check(manifest, group_disjoint=False)  # each dataset checked its own groups
    save_csv(bad_csv, bad)
    groundtruth.save(ground_truth_json, query_sets)
    save_csv(manifest_csv, manifest)
    return manifest, bad, query_sets


# -- degrade ---------------------------------------------------------------------------
def degrade_images(manifest_csv, images_dir, *, input_size: int, factors) -> dict:
    """Write the HR input stack (f1) and one LR stack per factor, all (N, S, S, 3)."""
    manifest = read_manifest(manifest_csv)
    images_dir = Path(images_dir)
    n, shape = len(manifest), (len(manifest), input_size, input_size, 3)
    all_factors = [HR] + [f for f in factors if f != HR]
    with contextlib.ExitStack() as stack:
        outs = {}
        for f in all_factors:
            tmp = stack.enter_context(atomic_path(storage.stack_path(images_dir, f)))
            outs[f] = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=shape)
        photo, photo_file = None, None
        for i, row in enumerate(manifest.itertuples()):
            if row.file != photo_file:
                exif = views.parse(row.view_params).get("exif", True)
                photo, photo_file = images.load_rgb(row.file, exif), row.file
            hr = degrade.hr_input(photo, row.view_params, input_size)
            for f in all_factors:
                outs[f][i] = degrade.lr_input(hr, f)
        for array in outs.values():
            array.flush()
        del outs
    storage.write_ids(images_dir / "ids.txt", manifest["image_id"])
    return {"n_images": n, "input_size": input_size,
            "low_sizes": {f: degrade.low_size(input_size, f) for f in all_factors}}


# -- features --------------------------------------------------------------------------
def extract_features(images_dir, features_dir, *, factors, source: str, poolings,
                     gem_p: float, batch_size: int, device: str, precision: str,
                     engine: str = "auto", pretrained: bool = True, shard: int = 0,
                     shards: int = 1) -> dict:
    """HR ('hr_f1') and LR ('lr_f<k>') descriptors of every image, per backbone; with
    `shards` > 1, of the rows of shard `shard` only (features_dir: the shard's folder)."""
    ids = storage.read_ids(Path(images_dir) / "ids.txt")
    rows = storage.shard_slice(len(ids), shard, shards, align=batch_size,
                               option="features.shards")
    ids = ids[rows]
    plan = compute.plan(device, precision, engine)
    model, names = backbones.build_named(source, poolings, gem_p, pretrained)
    timings = {}
    for f in [HR] + [f for f in factors if f != HR]:
        stack = storage.load(storage.stack_path(images_dir, f))[rows]
        start = time.perf_counter()
        out = features.extract(model, stack, batch_size, plan, desc=f"f{f}")
        timings[f"f{f}"] = round(time.perf_counter() - start, 2)
        method = "hr" if f == HR else "lr"
        for pooling, array in out.items():
            save_npy(storage.feature_path(features_dir, names[pooling], method, f), array)
    storage.write_ids(Path(features_dir) / "ids.txt", ids)
    seconds = sum(timings.values())
    meta = {"source": source, "backbones": list(names.values()), **plan.as_dict(),
            "batch_size": batch_size, "n_images": len(ids), "shard": shard, "shards": shards,
            "seconds_per_factor": timings,
            "images_per_second": round(len(ids) * len(timings) / seconds, 2),
            "torch": torch.__version__, "threads": torch.get_num_threads(),
            "cpu": platform.processor() or platform.machine(),
            "gpu": torch.cuda.get_device_name(0) if plan.device.startswith("cuda") else None}
    save_json(Path(features_dir) / "meta.json", meta)
    return meta


def gather_features(shard_dirs, features_dir, images_ids) -> dict:
    """The shard jobs' descriptors, concatenated in shard order into the files one job
    writes; their ids must be the images' ids (`images_ids`: images/ids.txt), in order."""
    metas = [json.loads((Path(d) / "meta.json").read_text()) for d in shard_dirs]
    ids = np.concatenate([storage.read_ids(Path(d) / "ids.txt") for d in shard_dirs])
    expected = storage.read_ids(images_ids)
    if not np.array_equal(ids, expected):
        raise ValueError(f"the shards in {[str(d) for d in shard_dirs]} hold {len(ids)} rows "
                         f"that are not the {len(expected)} images of {images_ids}, in order")
    factors = [int(key[1:]) for key in metas[0]["seconds_per_factor"]]
    for backbone in metas[0]["backbones"]:
        for f in factors:
            method = "hr" if f == HR else "lr"
            parts = [load_features(d, backbone, method, f) for d in shard_dirs]
            save_npy(storage.feature_path(features_dir, backbone, method, f),
                     np.concatenate(parts))
    storage.write_ids(Path(features_dir) / "ids.txt", ids)
    timings = {key: round(sum(m["seconds_per_factor"][key] for m in metas), 2)
               for key in metas[0]["seconds_per_factor"]}
    meta = {**metas[0], "n_images": len(ids), "shard": None, "shards": len(metas),
            "seconds_per_factor": timings,  # summed over the shard jobs
            "images_per_second": round(len(ids) * len(timings) / sum(timings.values()), 2),
            "shard_jobs": [{k: m[k] for k in ("shard", "n_images", "images_per_second",
                                               "device", "cpu", "gpu")} for m in metas]}
    save_json(Path(features_dir) / "meta.json", meta)
    return meta


def feature_shard_main(argv=None) -> None:
    """One shard job of rule feature_shard: its parameters as one JSON object (the
    notebooks' convention): images_dir, shard_dir, factors, extractor, shard, shards,
    threads."""
    parser = argparse.ArgumentParser(description=feature_shard_main.__doc__.splitlines()[0])
    parser.add_argument("--params", required=True)
    values = json.loads(parser.parse_args(argv).params)
    torch.set_num_threads(values["threads"])
    meta = extract_features(values["images_dir"], values["shard_dir"],
                            factors=values["factors"], **values["extractor"],
                            shard=values["shard"], shards=values["shards"])
    print(json.dumps(meta))


def load_features(features_dir, backbone: str, method: str, factor: int) -> np.ndarray:
    return np.load(storage.feature_path(features_dir, backbone, method, factor))


# -- train -----------------------------------------------------------------------------
def train_fsrgan(manifest_csv, features_dir, models_dir, loss_csv, *, backbones_: list,
                 factors, cfg: training.FSRGANConfig, device: str = "auto",
                 training_data: str = "train_split", family: str = "fsrgan"
                 ) -> pd.DataFrame:
    """Train one FSR-GAN per backbone, all factors mixed, on the train split or (method
    fsrgan_db) on the database's own images; models/<method>_<backbone>.pt. Family
    fsrgan_fa: the same, with the generator told each row's factor."""
    manifest = read_manifest(manifest_csv)
    mf.check_fitting(manifest, [training_data])
    if family not in fsr_names.GAN_FAMILIES:
        raise ValueError(f"{family!r} is not an FSR-GAN family {fsr_names.GAN_FAMILIES}")
    cfg = dataclasses.replace(cfg, factor_aware=family == "fsrgan_fa")
    method = fsr_names.method_name(family, training_data)
    train_rows = mf.fitting_rows(manifest, training_data)
    dev = compute.pick_device(device)
    logs = []
    for backbone in backbones_:
        hr = load_features(features_dir, backbone, "hr", HR)
        lr = {f: load_features(features_dir, backbone, "lr", f) for f in factors}
        x, y, pair_factors = training.make_pairs(lr, hr, train_rows)
        start = time.perf_counter()
        gen, critic, log = training.train(x, y, cfg, dev, factors=pair_factors)
        seconds = time.perf_counter() - start
        training.save_checkpoint(storage.fsr_model_path(models_dir, method, backbone), gen,
                                 critic, cfg, {"backbone": backbone, "factors": list(factors),
                                       "training_data": training_data,
                                       "n_pairs": len(x), "train_seconds": seconds})
        log.insert(0, "backbone", backbone)
        logs.append(log)
    table = pd.concat(logs, ignore_index=True)
    save_csv(loss_csv, table)
    return table


def fit_ridge(manifest_csv, features_dir, models_dir, validation_csv, *, backbones_: list,
              factors, training_data: str = "train_split", alphas,
              validation_fraction: float, seed: int = 0) -> pd.DataFrame:
    """One ridge map per factor and backbone (method ridge, or ridge_db on the database's
    own images), its regularisation chosen on held-out groups of the fitting rows;
    models/<method>_<backbone>.pt and the validation table."""
    manifest = read_manifest(manifest_csv)
    mf.check_fitting(manifest, [training_data])
    method = fsr_names.method_name("ridge", training_data)
    rows = mf.fitting_rows(manifest, training_data)
    groups = manifest["group"].astype(str).to_numpy()[rows]
    tables = []
    for backbone in backbones_:
        hr = load_features(features_dir, backbone, "hr", HR)[rows]
        lr = {f: load_features(features_dir, backbone, "lr", f)[rows] for f in factors}
        start = time.perf_counter()
        model, table = ridge.fit(lr, hr, groups, alphas=alphas,
                                 validation_fraction=validation_fraction, seed=seed)
        seconds = time.perf_counter() - start
        with atomic_path(storage.fsr_model_path(models_dir, method, backbone)) as tmp:
            torch.save({**ridge.to_checkpoint(model), "backbone": backbone,
                        "factors": list(factors), "training_data": training_data,
                        "n_pairs": len(rows) * len(factors), "seed": seed,
                        "alphas": list(alphas), "fit_seconds": seconds}, tmp)
        table.insert(0, "backbone", backbone)
        tables.append(table)
    table = pd.concat(tables, ignore_index=True)
    save_csv(validation_csv, table)
    return table


def apply_feature_sr(features_dir, models_dir, *, backbones_: list, factors,
                     methods=("fsrgan",), device: str = "auto") -> dict:
    """SR features ('<method>_f<k>') of every image's LR features, per backbone and
    feature-SR model (fsrgan, fsrgan_db, ridge, ridge_db)."""
    dev = compute.pick_device(device)
    shapes = {}
    for backbone in backbones_:
        lr = {f: load_features(features_dir, backbone, "lr", f) for f in factors}
        for method in methods:
            model = feature_sr.load(storage.fsr_model_path(models_dir, method, backbone), dev,
                                     backbone, lr[factors[0]].shape[1])
            for f in factors:
                sr = feature_sr.apply(model, lr[f], f, dev)
                save_npy(storage.feature_path(features_dir, backbone, method, f), sr)
                shapes[f"{method}/{backbone}/f{f}"] = sr.shape
    return shapes


# -- asymmetric distillation (methods distill, distill_db) ------------------------------
def distill_maps(images_dir, features_dir, *, factors, source: str, poolings,
                 gem_p: float, batch_size: int, device: str, precision: str,
                 engine: str = "auto") -> dict:
    """The pool4 maps of every image at every factor (features/pool4/lr_f<k>.npy,
    float16): computed once, read by every distilled student's training and use."""
    plan = compute.plan(device, precision, engine)
    trunk = backbones.Pool4Trunk(backbones.build(source, poolings[:1], gem_p))
    timings = {}
    for f in factors:
        stack = storage.load(storage.stack_path(images_dir, f))
        size = stack.shape[1] // 16  # four 2x2 max-pools
        start = time.perf_counter()
        with atomic_path(storage.pool4_path(features_dir, f)) as tmp:
            out = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.float16,
                                            shape=(len(stack), 512, size, size))
            distill.pool4_maps(trunk, stack, out, batch_size, plan, desc=f"pool4 f{f}")
            out.flush()
            del out
        timings[f"f{f}"] = round(time.perf_counter() - start, 2)
    meta = {**plan.as_dict(), "source": source, "batch_size": batch_size,
            "seconds_per_factor": timings, "threads": torch.get_num_threads()}
    save_json(storage.pool4_path(features_dir, factors[0]).with_name("meta.json"), meta)
    return meta


def train_distill(manifest_csv, features_dir, models_dir, loss_csv, *, backbones_: list,
                  factors, source: str, gem_p: float, cfg: distill.DistillConfig,
                  device: str = "auto", training_data: str = "train_split") -> pd.DataFrame:
    """One student per backbone (method distill, or distill_db on the database's own
    images): the extractor's layers after pool4, trained so that the pool4 maps of each
    fitting image at every factor give its HR descriptor; models/<method>_<backbone>.pt."""
    manifest = read_manifest(manifest_csv)
    mf.check_fitting(manifest, [training_data])
    method = fsr_names.method_name("distill", training_data)
    rows = mf.fitting_rows(manifest, training_data)
    dev = compute.pick_device(device)
    maps = {f: storage.load(storage.pool4_path(features_dir, f)) for f in factors}
    logs = []
    for backbone in backbones_:
        output = descriptors.output_of(source, backbone)
        teacher = backbones.build(source, [output], gem_p)
        hr = load_features(features_dir, backbone, "hr", HR)
        start = time.perf_counter()
        head, log = distill.train(teacher.head(output), maps, hr, rows, cfg, dev)
        seconds = time.perf_counter() - start
        distill.save(storage.fsr_model_path(models_dir, method, backbone), head, cfg,
                     {"backbone": backbone, "source": source, "factors": list(factors),
                      "training_data": training_data, "n_pairs": len(rows) * len(factors),
                      "train_seconds": seconds, "device": str(dev)})
        log.insert(0, "backbone", backbone)
        logs.append(log)
    table = pd.concat(logs, ignore_index=True)
    save_csv(loss_csv, table)
    return table


def apply_distill(manifest_csv, features_dir, models_dir, *, backbones_: list, factors,
                  methods, batch_size: int, device: str = "auto") -> dict:
    """Each student on the pool4 maps of the evaluation images (the held-out rows) at
    every factor: features/<backbone>/<method>_f<k>.npy, the other rows NaN."""
    manifest = read_manifest(manifest_csv)
    rows = mf.held_out_rows(manifest)
    dev = compute.pick_device(device)
    shapes = {}
    for method in methods:
        for backbone in backbones_:
            head = distill.load(storage.fsr_model_path(models_dir, method, backbone), dev,
                                backbone)
            for f in factors:
                maps = storage.load(storage.pool4_path(features_dir, f))
                out = distill.describe(head, maps, rows, batch_size, dev)
                full = np.full((len(manifest), out.shape[1]), np.nan, np.float32)
                full[rows] = out
                save_npy(storage.feature_path(features_dir, backbone, method, f), full)
                shapes[f"{method}/{backbone}/f{f}"] = full.shape
    return shapes


# -- analysis --------------------------------------------------------------------------
def analyse_distances(manifest_csv, features_dir, distance_csv, per_image_csv, *,
                      backbones_: list, factors, methods=("lr",) + SR_METHODS,
                      seed: int = 0) -> pd.DataFrame:
    manifest = read_manifest(manifest_csv)
    held_out = mf.held_out_rows(manifest)
    frames = []
    for dataset in manifest["dataset"].iloc[held_out].unique():
        rows = held_out[manifest["dataset"].to_numpy()[held_out] == dataset]
        ids = manifest["image_id"].to_numpy()[rows]
        groups = manifest["group"].to_numpy()[rows]
        for backbone in backbones_:
            hr = load_features(features_dir, backbone, "hr", HR)[rows]
            others = {(m, f): load_features(features_dir, backbone, m, f)[rows]
                      for m in methods for f in factors}
            frames.append(analysis.per_image_distances(hr, others, ids, backbone, dataset))
            frames.append(analysis.reference_rows(hr, groups, backbone, dataset, seed))
    # ISR methods restore the query images only: their other rows are NaN
    per_image = pd.concat(frames, ignore_index=True).dropna(subset=["distance"])
    # methods fitted on the database's images (fsrgan_db, ridge_db): measured on the
    # other held-out images only
    fitted = manifest["image_id"].to_numpy()[mf.fitting_rows(manifest, "database")]
    on_database = per_image["method"].map(fsr_names.fitted_on) == "database"
    per_image = per_image[~(on_database & per_image["image_id"].isin(fitted))]
    per_image = per_image.reset_index(drop=True)
    table = analysis.summarise(per_image)
    save_csv(per_image_csv, per_image)
    save_csv(distance_csv, table)
    return table


# -- image super-resolution baselines --------------------------------------------------
def train_isr(manifest_csv, images_dir, models_dir, loss_csv, cost_csv, *, factors,
              methods: dict, seed: int = 0, device: str = "auto",
              precision: str = "auto", reuse_dir=None, retrain: bool = False) -> pd.DataFrame:
    """Train every ISR model on Y patches of the train split; log losses and cost.

    `reuse_dir`: models trained earlier by this same function (e.g. the ones shipped in
    data/models/isr). One is reused, not retrained, when its recorded recipe (method,
    factors, schedule, seed and the sha256 of the training pixels) equals this run's;
    `retrain` trains every model anyway. The cost table says which happened and why."""
    manifest = read_manifest(manifest_csv)
    rows = mf.train_rows(manifest)
    dev = compute.pick_device(device)
    precision, _ = compute.resolve_precision(precision, dev)
    stacks = {f: storage.load(storage.stack_path(images_dir, f)) for f in [HR, *factors]}
    luminance = functools.cache(lambda f: isr_training.luminance(stacks[f], rows))
    logs, costs = [], []
    for method, options in methods.items():
        cfg = isr_training.ISRConfig.for_method(method, seed=seed, **options)
        groups = [[f] for f in factors] if method == "srcnn" else [list(factors)]
        for group in groups:
            name = isr_training.model_name(method, group[0])
            out = storage.isr_model_path(models_dir, method, group[0])
            wanted = isr_training.recipe(method, group, cfg, isr_training.data_sha256(
                stacks[HR], [stacks[f] for f in group], rows))
            shipped = storage.isr_model_path(reuse_dir, method, group[0]) if reuse_dir else None
            ok, why, info = (isr_training.reusable(shipped, wanted) if shipped
                             else (False, "", {}))
            if ok and not retrain:
                atomic_copy(shipped, out)
                log, how = pd.DataFrame(info["loss_log"]), f"reused: {why}"
                seconds, trained_on = info["train_seconds"], info["trained_on"]
            else:
                start = time.perf_counter()
                model, log = isr_training.train(
                    method, [(luminance(f), luminance(HR)) for f in group], cfg, dev,
                    precision)
                seconds = time.perf_counter() - start
                trained_on = f"{dev} {precision} ({compute.cpu_kind()} CPU)"
                how = "trained: retrain requested" if retrain and ok else \
                    f"trained: {why or 'no models to reuse configured'}"
                isr_training.save(out, model, method, cfg, {
                    "factors": group, "recipe": wanted, "loss_log": log.to_dict("list"),
                    "train_seconds": seconds, "trained_on": trained_on})
            log.insert(0, "model", name)
            log.insert(0, "method", method)
            logs.append(log)
            costs.append({"method": method, "model": name, "factors": " ".join(map(str, group)),
                          "steps": cfg.steps, "patches": cfg.steps * cfg.batch_size,
                          "train_seconds": round(seconds, 1), "trained_on": trained_on,
                          "how": how})
    table = pd.concat(logs, ignore_index=True)
    save_csv(loss_csv, table)
    save_csv(cost_csv, pd.DataFrame(costs))
    return pd.DataFrame(costs)


def restore_isr(manifest_csv, images_dir, models_dir, quality_csv, *, factors,
                methods, device: str = "auto", precision: str = "auto",
                engine: str = "auto") -> pd.DataFrame:
    """Restore the LR copies of the query images (what retrieval searches with) with each
    ISR method; PSNR/SSIM against HR on those images.

    Writes images/<method>_f<k>.npy holding the query rows only, in manifest order.
    """
    manifest = read_manifest(manifest_csv)
    rows = mf.query_rows(manifest)
    plan = compute.plan(device, precision, engine)
    hr = storage.load(storage.stack_path(images_dir, HR))[rows]
    hr_y = isr.rgb_to_ycbcr(hr)[..., 0]
    quality = []
    for f in factors:
        lr = np.asarray(storage.load(storage.stack_path(images_dir, f))[rows])
        shave = int(round(degrade.linear_scale(f)))
        candidates = {"bicubic": lr}
        for method in methods:
            model = isr_training.load(storage.isr_model_path(models_dir, method, f))
            candidates[method] = isr_training.restore(model, lr, plan)
            save_npy(storage.restored_path(images_dir, method, f), candidates[method])
        for method, images_ in candidates.items():
            out_y = isr.rgb_to_ycbcr(images_)[..., 0]
            psnrs = [isr.psnr(a, b, shave) for a, b in zip(hr_y, out_y)]
            ssims = [isr.ssim(a, b, shave) for a, b in zip(hr_y, out_y)]
            quality.append({"method": method, "factor": f, "scale": shave,
                            "psnr": float(np.mean(psnrs)), "ssim": float(np.mean(ssims)),
                            "n": len(rows)})
    table = pd.DataFrame(quality)
    save_csv(quality_csv, table)
    return table


def extract_isr_features(manifest_csv, images_dir, features_dir, *, factors, methods,
                         source: str, poolings, gem_p: float, batch_size: int, device: str,
                         precision: str, engine: str = "auto") -> dict:
    """Features of the restored images, as (N, D) arrays in manifest order; the rows
    never restored (all but the queries) are NaN."""
    manifest = read_manifest(manifest_csv)
    rows = mf.query_rows(manifest)
    plan = compute.plan(device, precision, engine)
    model, names = backbones.build_named(source, poolings, gem_p)
    for method in methods:
        for f in factors:
            stack = storage.load(storage.restored_path(images_dir, method, f))
            out = features.extract(model, stack, batch_size, plan, desc=f"{method} f{f}")
            for pooling, array in out.items():
                full = np.full((len(manifest), array.shape[1]), np.nan, np.float32)
                full[rows] = array
                save_npy(storage.feature_path(features_dir, names[pooling], method, f), full)
    return {"methods": list(methods), "rows": len(rows), **plan.as_dict()}


if __name__ == "__main__":
    feature_shard_main()
