"""Stages of workflow/rules/train.smk: fit every feature-SR model (FSR-GAN, factor-aware
FSR-GAN, ridge; on the train split or the database) and apply it to every LR feature;
likewise the distilled query networks."""
from __future__ import annotations

import dataclasses
import time

import numpy as np
import pandas as pd
import torch

from fsrstudy import descriptors, fsr_names, storage
from fsrstudy.atomic import atomic_path, save_csv, save_npy
from fsrstudy.data import manifest as mf
from fsrstudy.models import backbones, compute, distill, feature_sr, ridge, training

HR = storage.HR  # the factor of the HR input


def train_fsrgan(manifest_csv, features_dir, models_dir, loss_csv, *, backbone_names: list,
                 factors, cfg: training.FSRGANConfig, device: str = "auto",
                 training_data: str = "train_split", family: str = "fsrgan"
                 ) -> pd.DataFrame:
    """Train one FSR-GAN per backbone, all factors mixed, on the train split or (method
    fsrgan_db) on the database's own images; models/<method>_<backbone>.pt. Family
    fsrgan_fa: the same, with the generator told each row's factor."""
    manifest = mf.read(manifest_csv)
    mf.check_fitting(manifest, [training_data])
    if family not in fsr_names.GAN_FAMILIES:
        raise ValueError(f"{family!r} is not an FSR-GAN family {fsr_names.GAN_FAMILIES}")
    cfg = dataclasses.replace(cfg, factor_aware=family == "fsrgan_fa")
    method = fsr_names.method_name(family, training_data)
    train_rows = mf.fitting_rows(manifest, training_data)
    dev = compute.pick_device(device)
    precision = compute.resolve_precision(cfg.precision, dev)[0]  # recorded beside the model
    logs = []
    for backbone in backbone_names:
        hr = storage.load_features(features_dir, backbone, "hr", HR)
        lr = {f: storage.load_features(features_dir, backbone, "lr", f) for f in factors}
        x, y, pair_factors = training.make_pairs(lr, hr, train_rows)
        start = time.perf_counter()
        gen, critic, log = training.train(x, y, cfg, dev, factors=pair_factors)
        seconds = time.perf_counter() - start
        training.save_checkpoint(storage.fsr_model_path(models_dir, method, backbone), gen,
                                 critic, cfg, {"backbone": backbone, "factors": list(factors),
                                       "training_data": training_data,
                                       "n_pairs": len(x), "train_seconds": seconds,
                                       "precision": precision})
        log.insert(0, "backbone", backbone)
        logs.append(log)
    table = pd.concat(logs, ignore_index=True)
    save_csv(loss_csv, table)
    return table


def fit_ridge(manifest_csv, features_dir, models_dir, validation_csv, *, backbone_names: list,
              factors, training_data: str = "train_split", alphas,
              validation_fraction: float, seed: int = 0) -> pd.DataFrame:
    """One ridge map per factor and backbone (method ridge, or ridge_db on the database's
    own images), its regularisation chosen on held-out units of the fitting rows (groups
    on the train split, source photos on the database: mf.validation_units);
    models/<method>_<backbone>.pt and the validation table."""
    manifest = mf.read(manifest_csv)
    mf.check_fitting(manifest, [training_data])
    method = fsr_names.method_name("ridge", training_data)
    rows = mf.fitting_rows(manifest, training_data)
    groups = mf.validation_units(manifest, training_data)[rows]
    tables = []
    for backbone in backbone_names:
        hr = storage.load_features(features_dir, backbone, "hr", HR)[rows]
        lr = {f: storage.load_features(features_dir, backbone, "lr", f)[rows] for f in factors}
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


def apply_feature_sr(manifest_csv, features_dir, models_dir, *, backbone_names: list,
                     factors, methods=("fsrgan",), device: str = "auto") -> dict:
    """SR features ('<method>_f<k>') of the evaluation images (the held-out rows), per
    backbone and feature-SR model (fsrgan, fsrgan_db, ridge, ridge_db); the other rows
    NaN: no table reads them (ISR and distilled features are stored alike)."""
    rows = mf.held_out_rows(mf.read(manifest_csv))
    dev = compute.pick_device(device)
    shapes = {}
    for backbone in backbone_names:
        lr = {f: storage.load_features(features_dir, backbone, "lr", f) for f in factors}
        for method in methods:
            model = feature_sr.load(storage.fsr_model_path(models_dir, method, backbone), dev,
                                     backbone, lr[factors[0]].shape[1])
            for f in factors:
                full = feature_sr.apply_rows(model, lr[f], f, rows, dev)
                save_npy(storage.feature_path(features_dir, backbone, method, f), full)
                shapes[f"{method}/{backbone}/f{f}"] = full.shape
    return shapes


def train_distill(manifest_csv, features_dir, models_dir, loss_csv, *, backbone_names: list,
                  factors, source: str, gem_p: float, cfg: distill.DistillConfig,
                  device: str = "auto", training_data: str = "train_split") -> pd.DataFrame:
    """One student per backbone (method distill, or distill_db on the database's own
    images): the extractor's layers after pool4, trained so that the pool4 maps of each
    fitting image at every factor give its HR descriptor; models/<method>_<backbone>.pt."""
    manifest = mf.read(manifest_csv)
    mf.check_fitting(manifest, [training_data])
    method = fsr_names.method_name("distill", training_data)
    rows = mf.fitting_rows(manifest, training_data)
    dev = compute.pick_device(device)
    maps = {f: storage.load(storage.pool4_path(features_dir, f)) for f in factors}
    logs = []
    for backbone in backbone_names:
        output = descriptors.output_of(source, backbone)
        teacher = backbones.build(source, [output], gem_p)
        hr = storage.load_features(features_dir, backbone, "hr", HR)
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


def apply_distill(manifest_csv, features_dir, models_dir, *, backbone_names: list, factors,
                  methods, batch_size: int | str, device: str = "auto") -> dict:
    """Each student on the pool4 maps of the evaluation images (the held-out rows) at
    every factor: features/<backbone>/<method>_f<k>.npy, the other rows NaN."""
    manifest = mf.read(manifest_csv)
    rows = mf.held_out_rows(manifest)
    dev = compute.pick_device(device)
    batch_size = compute.batch_size(batch_size, dev)
    shapes = {}
    for method in methods:
        for backbone in backbone_names:
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
