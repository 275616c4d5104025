"""Stages of workflow/rules/train.smk: fit every feature-SR model (FSR-GAN, factor-aware
FSR-GAN, ridge; on the train split or the database) and apply it to every LR feature;
likewise the distilled query networks."""
from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd
import torch

from fsrstudy import descriptors, fsr_names, run_files
from fsrstudy.atomic import atomic_path, save_csv, save_npy
from fsrstudy.data import manifest as mf
from fsrstudy.models import (
    backbones,
    compute,
    cross_fit,
    distill,
    feature_sr,
    fsrgan_training,
    ridge,
)

HR = run_files.HR  # the factor of the HR input


def train_fsrgan(manifest_csv, features_dir, models_dir, loss_csv, *, backbone_names: list,
                 factors, cfg: fsrgan_training.FSRGANConfig, device: str = "auto",
                 training_data: str = "train_split", family: str = "fsrgan",
                 folds: int = 5, seed: int = 0) -> pd.DataFrame:
    """Train one FSR-GAN per backbone, all factors mixed, on the train split or (method
    fsrgan_db) on the database's own images, cross-fitted over `folds` folds of the
    query photos where those images share a source photo with a query (`seed` deals
    them: mf.fit_folds); models/<method>_<backbone>.pt. Family fsrgan_fa: the same, with
    the generator told each row's factor."""
    manifest = mf.read(manifest_csv)
    if family not in fsr_names.GAN_FAMILIES:
        raise ValueError(f"{family!r} is not an FSR-GAN family {fsr_names.GAN_FAMILIES}")
    plan, fitted = fit_plan(manifest, training_data, folds, seed)
    cfg = dataclasses.replace(cfg, factor_aware=family == "fsrgan_fa")
    method = fsr_names.method_name(family, training_data)
    dev = compute.pick_device(device)
    precision = compute.resolve_precision(cfg.precision, dev)[0]  # recorded beside the model
    logs = []
    for backbone in backbone_names:
        hr = run_files.load_features(features_dir, backbone, "hr", HR)
        lr = {f: run_files.load_features(features_dir, backbone, "lr", f) for f in factors}
        fits = []
        for j, fold in enumerate(plan):
            x, y, pair_factors = fsrgan_training.make_pairs(lr, hr, fold.rows)
            start = time.perf_counter()
            gen, critic, log = fsrgan_training.train(x, y, cfg, dev, factors=pair_factors)
            seconds = time.perf_counter() - start
            fits.append(fsrgan_training.checkpoint(gen, critic, cfg, {
                "backbone": backbone, "factors": list(factors),
                "training_data": training_data, "n_pairs": len(x),
                "train_seconds": seconds, "precision": precision}))
            logs.append(tagged(log, backbone, j))
        save_fits(run_files.fsr_model_path(models_dir, method, backbone), fits, plan, fitted,
                  {"backbone": backbone, "factors": list(factors),
                   "training_data": training_data})
    table = pd.concat(logs, ignore_index=True)
    save_csv(loss_csv, table)
    return table


def fit_plan(manifest: pd.DataFrame, training_data: str, folds: int, seed: int
             ) -> tuple[list[mf.FitFold], set]:
    """The fits of a method on `training_data` (mf.fit_folds) and the image ids any of
    them is fitted on."""
    mf.check_fitting(manifest, [training_data])
    plan = mf.fit_folds(manifest, training_data, folds, seed)
    ids = manifest["image_id"].to_numpy()
    return plan, set(ids[mf.fitting_rows(manifest, training_data)])


def tagged(table: pd.DataFrame, backbone: str, fold: int) -> pd.DataFrame:
    """A fit's log or validation table, its backbone and fold in the first columns."""
    table.insert(0, "fold", fold)
    table.insert(0, "backbone", backbone)
    return table


def save_fits(path, fits: list, plan: list, fitted: set, info: dict) -> None:
    """A method's checkpoint: one fit as its family saves it, cross-fits as a bundle."""
    ckpt = cross_fit.checkpoint(fits, [fold.held_out_photos for fold in plan], fitted, info)
    with atomic_path(path) as tmp:
        torch.save(ckpt, tmp)


def fit_ridge(manifest_csv, features_dir, models_dir, validation_csv, *, backbone_names: list,
              factors, training_data: str = "train_split", alphas,
              validation_fraction: float, seed: int = 0, folds: int = 5,
              family: str = "ridge") -> pd.DataFrame:
    """One ridge map per factor and backbone (method ridge, or ridge_db on the database's
    own images, cross-fitted as FSR-GAN is), its regularisation chosen on held-out units
    of each fit's rows (groups on the train split, source photos on the database:
    mf.validation_units); models/<method>_<backbone>.pt and the validation table.
    Family mean_shift: the map at alpha = inf, F_LR plus the mean correction (its
    validation distance still measured)."""
    if family not in fsr_names.LINEAR_FAMILIES:
        raise ValueError(f"{family!r} is not a closed-form family {fsr_names.LINEAR_FAMILIES}")
    alphas = ridge.alphas_of(family, alphas)
    manifest = mf.read(manifest_csv)
    plan, fitted = fit_plan(manifest, training_data, folds, seed)
    method = fsr_names.method_name(family, training_data)
    units = mf.validation_units(manifest, training_data)
    tables = []
    for backbone in backbone_names:
        hr_all = run_files.load_features(features_dir, backbone, "hr", HR)
        lr_all = {f: run_files.load_features(features_dir, backbone, "lr", f) for f in factors}
        fits = []
        for j, fold in enumerate(plan):
            rows = fold.rows
            start = time.perf_counter()
            model, table = ridge.fit({f: lr_all[f][rows] for f in factors}, hr_all[rows],
                                     units[rows], alphas=alphas,
                                     validation_fraction=validation_fraction, seed=seed)
            seconds = time.perf_counter() - start
            fits.append({**ridge.to_checkpoint(model), "backbone": backbone,
                         "factors": list(factors), "training_data": training_data,
                         "n_pairs": len(rows) * len(factors), "seed": seed,
                         "alphas": list(alphas), "fit_seconds": seconds})
            tables.append(tagged(table, backbone, j))
        save_fits(run_files.fsr_model_path(models_dir, method, backbone), fits, plan, fitted,
                  {"backbone": backbone, "factors": list(factors),
                   "training_data": training_data})
    table = pd.concat(tables, ignore_index=True)
    save_csv(validation_csv, table)
    return table


def apply_feature_sr(manifest_csv, features_dir, models_dir, fits_csv=None, *,
                     backbone_names: list, factors, methods=("fsrgan",),
                     device: str = "auto") -> pd.DataFrame:
    """SR features ('<method>_f<k>') of the evaluation images (the held-out rows), per
    backbone and feature-SR model (fsrgan, fsrgan_db, ridge, ridge_db), each row from a
    model that saw no image of its source photo (models/cross_fit.py); the other rows
    NaN: no table reads them (ISR and distilled features are stored alike). Returns, and
    writes to `fits_csv`, how each method was fitted and how many rows it served."""
    manifest = mf.read(manifest_csv)
    rows = mf.held_out_rows(manifest)
    keys, ids = mf.photo_keys(manifest), manifest["image_id"].to_numpy()
    dev = compute.pick_device(device)
    fits = []
    for backbone in backbone_names:
        lr = {f: run_files.load_features(features_dir, backbone, "lr", f) for f in factors}
        for method in methods:
            model = feature_sr.load(run_files.fsr_model_path(models_dir, method, backbone), dev,
                                     backbone, lr[factors[0]].shape[1])
            for f in factors:
                full = feature_sr.apply_rows(model, lr[f], f, rows, dev, photo_keys=keys,
                                             image_ids=ids)
                save_npy(run_files.feature_path(features_dir, backbone, method, f), full)
            fits.append(fit_row(method, backbone, model, keys[rows], ids[rows]))
    table = pd.DataFrame(fits)
    if fits_csv is not None:
        save_csv(fits_csv, table)
    return table


def fit_row(method: str, backbone: str, model: cross_fit.Folds, keys, ids) -> dict:
    """One row of a fits table: how the method was fitted, and which of the evaluation
    rows (`keys`, `ids`) a held-out fold, every model, or none served."""
    who = model.serving(keys, ids)
    return {"method": method, "backbone": backbone, **cross_fit.describe_fit(model),
            "rows_by_held_out_fold": int((who >= 0).sum()),
            "rows_by_every_model": int((who == cross_fit.ENSEMBLE).sum()),
            "rows_not_served": int((who == cross_fit.UNSERVED).sum())}


def train_distill(manifest_csv, features_dir, models_dir, loss_csv, *, backbone_names: list,
                  factors, source: str, gem_p: float, cfg: distill.DistillConfig,
                  device: str = "auto", training_data: str = "train_split",
                  folds: int = 5, seed: int = 0) -> pd.DataFrame:
    """One student per backbone (method distill, or distill_db on the database's own
    images, cross-fitted as FSR-GAN is): the extractor's layers after pool4, trained so
    that the pool4 maps of each fitting image at every factor give its HR descriptor;
    models/<method>_<backbone>.pt."""
    manifest = mf.read(manifest_csv)
    plan, fitted = fit_plan(manifest, training_data, folds, seed)
    method = fsr_names.method_name("distill", training_data)
    dev = compute.pick_device(device)
    maps = {f: run_files.load(run_files.pool4_path(features_dir, f)) for f in factors}
    logs = []
    for backbone in backbone_names:
        output = descriptors.output_of(source, backbone)
        teacher = backbones.build(source, [output], gem_p)
        hr = run_files.load_features(features_dir, backbone, "hr", HR)
        fits = []
        for j, fold in enumerate(plan):
            start = time.perf_counter()
            head, log = distill.train(teacher.head(output), maps, hr, fold.rows, cfg, dev)
            seconds = time.perf_counter() - start
            fits.append(distill.checkpoint(head, cfg, {
                "backbone": backbone, "source": source, "factors": list(factors),
                "training_data": training_data, "n_pairs": len(fold.rows) * len(factors),
                "train_seconds": seconds, "device": str(dev)}))
            logs.append(tagged(log, backbone, j))
        save_fits(run_files.fsr_model_path(models_dir, method, backbone), fits, plan, fitted,
                  {"backbone": backbone, "source": source, "factors": list(factors),
                   "training_data": training_data})
    table = pd.concat(logs, ignore_index=True)
    save_csv(loss_csv, table)
    return table


def apply_distill(manifest_csv, features_dir, models_dir, fits_csv=None, *,
                  backbone_names: list, factors, methods, batch_size: int | str,
                  device: str = "auto") -> pd.DataFrame:
    """Each student on the pool4 maps of the evaluation images (the held-out rows) at
    every factor, each row from a student that saw no image of its source photo:
    features/<backbone>/<method>_f<k>.npy, the other rows NaN. Returns (and writes to
    `fits_csv`) how each was fitted, as apply_feature_sr."""
    manifest = mf.read(manifest_csv)
    rows = mf.held_out_rows(manifest)
    keys, ids = mf.photo_keys(manifest), manifest["image_id"].to_numpy()
    dev = compute.pick_device(device)
    batch_size = compute.batch_size(batch_size, dev)
    fits = []
    for method in methods:
        for backbone in backbone_names:
            students = distill.load(run_files.fsr_model_path(models_dir, method, backbone),
                                    dev, backbone)
            dim = run_files.load(run_files.feature_path(features_dir, backbone, "hr", HR)).shape[1]
            for f in factors:
                maps = run_files.load(run_files.pool4_path(features_dir, f))
                full = np.full((len(manifest), dim), np.nan, np.float32)
                full[rows] = students.map(
                    lambda head, at, maps=maps: distill.describe(head, maps, rows[at],
                                                                 batch_size, dev),
                    keys[rows], ids[rows], dim)
                save_npy(run_files.feature_path(features_dir, backbone, method, f), full)
            fits.append(fit_row(method, backbone, students, keys[rows], ids[rows]))
    table = pd.DataFrame(fits)
    if fits_csv is not None:
        save_csv(fits_csv, table)
    return table
