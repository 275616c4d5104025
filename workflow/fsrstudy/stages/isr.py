"""Stages of workflow/rules/isr.smk: train the image super-resolution baselines (SRCNN,
VDSR), restore the query images, describe the restored images."""
from __future__ import annotations

import functools
import time

import numpy as np
import pandas as pd

from fsrstudy import run_files
from fsrstudy.atomic import atomic_copy, save_csv, save_npy
from fsrstudy.data import degrade, manifest as mf
from fsrstudy.models import backbones, compute, isr, isr_training
from fsrstudy.models.features import extract as describe_stack

HR = run_files.HR  # the factor of the HR input


def train_isr(manifest_csv, images_dir, models_dir, loss_csv, cost_csv, *, factors,
              methods: dict, seed: int = 0, device: str = "auto",
              precision: str = "auto", reuse_dir=None, retrain: bool = False) -> pd.DataFrame:
    """Train every ISR model on Y patches of the train split (of the database images
    of photos no query comes from, where the run has no train split: column
    `fitted_on` of the cost table); log losses and cost.

    `reuse_dir`: models trained earlier by this same function (e.g. the ones shipped in
    data/models/isr). One is reused, not retrained, when its recorded recipe (method,
    factors, schedule, seed and the sha256 of the training pixels) equals this run's;
    `retrain` trains every model anyway. The cost table says which happened and why."""
    manifest = mf.read(manifest_csv)
    rows, fitted_on = mf.isr_fitting_rows(manifest)
    dev = compute.pick_device(device)
    precision, _ = compute.resolve_precision(precision, dev)
    stacks = {f: run_files.load(run_files.stack_path(images_dir, f)) for f in [HR, *factors]}
    luminance = functools.cache(lambda f: isr_training.luminance(stacks[f], rows))
    logs, costs = [], []
    for method, options in methods.items():
        cfg = isr_training.ISRConfig.for_method(method, seed=seed, **options)
        groups = [[f] for f in factors] if method == "srcnn" else [list(factors)]
        for group in groups:
            name = isr_training.model_name(method, group[0])
            out = run_files.isr_model_path(models_dir, method, group[0])
            wanted = isr_training.recipe(method, group, cfg, isr_training.data_sha256(
                stacks[HR], [stacks[f] for f in group], rows))
            shipped = run_files.isr_model_path(reuse_dir, method, group[0]) if reuse_dir else None
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
                          "fitted_on": fitted_on, "steps": cfg.steps,
                          "patches": cfg.steps * cfg.batch_size,
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
    manifest = mf.read(manifest_csv)
    rows = mf.query_rows(manifest)
    plan = compute.plan(device, precision, engine)
    hr = run_files.load(run_files.stack_path(images_dir, HR))[rows]
    hr_y = isr.rgb_to_ycbcr(hr)[..., 0]
    quality = []
    for f in factors:
        lr = np.asarray(run_files.load(run_files.stack_path(images_dir, f))[rows])
        shave = int(round(degrade.linear_scale(f)))
        candidates = {"bicubic": lr}
        for method in methods:
            model = isr_training.load(run_files.isr_model_path(models_dir, method, f))
            candidates[method] = isr_training.restore(model, lr, plan)
            save_npy(run_files.restored_path(images_dir, method, f), candidates[method])
        for method, restored in candidates.items():
            out_y = isr.rgb_to_ycbcr(restored)[..., 0]
            psnrs = [isr.psnr(a, b, shave) for a, b in zip(hr_y, out_y)]
            ssims = [isr.ssim(a, b, shave) for a, b in zip(hr_y, out_y)]
            quality.append({"method": method, "factor": f, "scale": shave,
                            "psnr": float(np.mean(psnrs)), "ssim": float(np.mean(ssims)),
                            "n": len(rows)})
    table = pd.DataFrame(quality)
    save_csv(quality_csv, table)
    return table


def extract_isr_features(manifest_csv, images_dir, features_dir, *, factors, methods,
                         source: str, poolings, gem_p: float, batch_size: int | str,
                         device: str, precision: str, engine: str = "auto") -> dict:
    """Features of the restored images, as (N, D) arrays in manifest order; the rows
    never restored (all but the queries) are NaN."""
    manifest = mf.read(manifest_csv)
    rows = mf.query_rows(manifest)
    plan = compute.plan(device, precision, engine)
    batch_size = compute.batch_size(batch_size, plan.device)
    model, names = backbones.build_named(source, poolings, gem_p)
    for method in methods:
        for f in factors:
            stack = run_files.load(run_files.restored_path(images_dir, method, f))
            out = describe_stack(model, stack, batch_size, plan, desc=f"{method} f{f}")
            for pooling, array in out.items():
                full = np.full((len(manifest), array.shape[1]), np.nan, np.float32)
                full[rows] = array
                save_npy(run_files.feature_path(features_dir, names[pooling], method, f), full)
    return {"methods": list(methods), "rows": len(rows), **plan.as_dict()}
