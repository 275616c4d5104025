"""The spread over seeds of every fitted method (fsrgan, fsrgan_fa, ridge, distill, and
their `_db` twins), on one backbone.

Each method is fitted again with each seed, on the same data and with the same settings
as the run's own model; the run's model stands in for the run's seed. What a seed
changes: FSR-GAN's initial weights and batch order, the groups (or photos) that choose
ridge's alpha, the distilled student's batch order. Measured like the methods themselves: mean
distance to the HR feature over the held-out images (for a `_db` method, those a model
that saw none of their photo mapped: models/cross_fit.py) and mAP per protocol. A seed
changes the models, not the folds of a cross-fitted method (the run's seed deals them).
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import torch

from fsrstudy import descriptors, fsr_names, run_files
from fsrstudy.atomic import atomic_path, save_csv
from fsrstudy.data import groundtruth, manifest as mf
from fsrstudy.evaluation import distances, retrieval
from fsrstudy.models import (
    backbones,
    compute,
    cross_fit,
    distill,
    feature_sr,
    fsrgan_training,
    parallel,
    ridge,
)
from fsrstudy.models.distill import DistillConfig

COLUMNS = ["method", "seed", "backbone", "factor", "dataset", "protocol", "mean_distance",
           "mAP", "n_queries"]


def _train_gan(task):
    x, y, cfg, pair_factors = task
    return fsrgan_training.train(x, y, cfg, "cpu", factors=pair_factors)[:2]


@dataclasses.dataclass
class TrainedGAN:
    """An FSR-GAN the spread trained, with what its checkpoint records (the same keys
    as the train stage's, so that fsrgan_training.same_training can match it)."""
    generator: object
    critic: object
    config: fsrgan_training.FSRGANConfig
    extra: dict


@dataclasses.dataclass
class TrainedFits:
    """The FSR-GANs of one method and seed: one per fit of mf.fit_folds, with the
    photos each held out and the image ids any was fitted on (cross_fit.checkpoint)."""
    gans: list
    held_out_photos: list
    fitted_ids: set

    def checkpoint(self) -> dict:
        info = {k: self.gans[0].extra[k] for k in ("backbone", "factors", "training_data")}
        return cross_fit.checkpoint(
            [fsrgan_training.checkpoint(g.generator, g.critic, g.config, g.extra)
             for g in self.gans],
            self.held_out_photos, self.fitted_ids, info)


def run(manifest: pd.DataFrame, ground_truth_json, features_dir, models_dir, *,
        backbone: str, factors, methods: dict, seeds, run_seed: int,
        fsrgan_cfg: fsrgan_training.FSRGANConfig, ridge_options: dict,
        distill_cfg: distill.DistillConfig | None = None, extractor: dict | None = None,
        device="cpu", workers: int = 1, folds: int = 5) -> tuple[pd.DataFrame, dict]:
    """(one row per (method, seed, factor, protocol), {(method, seed): TrainedFits} of
    the FSR-GANs it trained). `methods`: {method: (family, training data)} as the
    workflow names them; `models_dir`: the run's models, which stand in for `run_seed`;
    every seed's fits are the run's (mf.fit_folds with `folds` and `run_seed`: a seed
    changes the models, not the photos each fold holds out); `extractor`: the features
    section (source, gem_p: the teacher of distilled students); `workers`: FSR-GAN
    trainings side by side on a CPU."""
    hr = np.asarray(run_files.load(run_files.feature_path(features_dir, backbone, "hr", 1)))
    lr = {f: np.asarray(run_files.load(run_files.feature_path(features_dir, backbone, "lr", f)))
          for f in factors}
    ids = manifest["image_id"].to_numpy()
    models, gan_tasks, fitted_as = {}, {}, {}
    for method, (family, data) in methods.items():
        plan = mf.fit_folds(manifest, data, folds, run_seed)
        held = [fold.held_out_photos for fold in plan]
        fitted = set(ids[mf.fitting_rows(manifest, data)])
        fitted_as[method] = (held, fitted)
        for seed in seeds:
            if seed == run_seed:
                models[method, seed] = _load(models_dir, method, family, backbone, device)
            elif family in fsr_names.GAN_FAMILIES:
                cfg = dataclasses.replace(fsrgan_cfg, seed=seed,
                                          factor_aware=family == "fsrgan_fa")
                for j, fold in enumerate(plan):
                    x, y, pair_factors = fsrgan_training.make_pairs(lr, hr, fold.rows)
                    gan_tasks[method, seed, j] = (x, y, cfg, pair_factors)
            elif family in fsr_names.LINEAR_FAMILIES:
                units = mf.validation_units(manifest, data)
                options = {**ridge_options,
                           "alphas": ridge.alphas_of(family, ridge_options["alphas"])}
                models[method, seed] = cross_fit.Folds(
                    [ridge.fit({f: lr[f][fold.rows] for f in factors}, hr[fold.rows],
                               units[fold.rows], seed=seed, **options)[0]
                     for fold in plan], held, fitted)
            else:  # distill
                maps = {f: run_files.load(run_files.pool4_path(features_dir, f)) for f in factors}
                output = descriptors.output_of(extractor["source"], backbone)
                teacher = backbones.build(extractor["source"], [output], extractor["gem_p"])
                cfg = dataclasses.replace(distill_cfg, seed=seed)
                models[method, seed] = cross_fit.Folds(
                    [distill.train(teacher.head(output), maps, hr, fold.rows, cfg, device)[0]
                     for fold in plan], held, fitted)
    if str(device) == "cpu":
        trained = parallel.map_single_threaded(_train_gan, gan_tasks.values(), workers)
    else:  # one accelerator: one training after the other
        trained = [fsrgan_training.train(*task[:3], device, factors=task[3])[:2]
                   for task in gan_tasks.values()]
    gans = {}
    for (method, seed, j), (gen, critic) in zip(gan_tasks, trained):
        x, _, cfg, _ = gan_tasks[method, seed, j]
        fits = gans.setdefault((method, seed), TrainedFits([], *fitted_as[method]))
        fits.gans.append(TrainedGAN(gen, critic, cfg, {
            "backbone": backbone, "factors": list(factors),
            "training_data": methods[method][1], "n_pairs": len(x)}))
    for key, fits in gans.items():
        models[key] = cross_fit.Folds([g.generator for g in fits.gans], fits.held_out_photos,
                                      fits.fitted_ids)
    batch_size = compute.batch_size((extractor or {}).get("batch_size", 32), device)
    table = _measure(manifest, ground_truth_json, features_dir, models, methods,
                     seeds, backbone, factors, hr, lr, device, batch_size)
    return table, gans


def _load(models_dir, method, family, backbone, device) -> cross_fit.Folds:
    path = run_files.fsr_model_path(models_dir, method, backbone)
    if family in fsr_names.QUERY_NETWORK_FAMILIES:
        return distill.load(path, device, backbone)
    return feature_sr.load(path, device, backbone)


def _measure(manifest, ground_truth_json, features_dir, models, methods, seeds,
             backbone, factors, hr, lr, device, batch_size) -> pd.DataFrame:
    held_out = mf.held_out_rows(manifest)
    keys, ids = mf.photo_keys(manifest), manifest["image_id"].to_numpy()
    protocols = list(retrieval.resolved(manifest, groundtruth.load(ground_truth_json)))
    scored = retrieval.rows_scored(held_out, protocols)
    rows = []
    for method, (family, _) in methods.items():
        for seed in seeds:
            model = models[method, seed]
            for f in factors:
                sr = _describe(model, family, features_dir, lr[f], f, scored, keys, ids,
                               device, batch_size)
                # measured where a model that never saw the image mapped it (a `_db`
                # method leaves the images it was fitted on NaN)
                measured = held_out[~np.isnan(sr[held_out]).any(axis=1)]
                rows += [{"method": method, "seed": seed, "backbone": backbone, "factor": f,
                          **scores}
                         for scores in retrieval.held_out_scores(sr, hr, measured, protocols)]
    return pd.DataFrame(rows, columns=COLUMNS)


def _describe(model: cross_fit.Folds, family, features_dir, lr_feats, factor, rows, keys,
              ids, device, batch_size):
    """The method's query-side features of `rows` (NaN elsewhere), as the apply stages
    compute them (a student: in batches of the features' size)."""
    if family not in fsr_names.QUERY_NETWORK_FAMILIES:
        return feature_sr.apply_rows(model, lr_feats, factor, rows, device, photo_keys=keys,
                                     image_ids=ids)
    maps = run_files.load(run_files.pool4_path(features_dir, factor))
    out = np.full(lr_feats.shape, np.nan, np.float32)
    out[rows] = model.map(
        lambda head, at: distill.describe(head, maps, rows[at], batch_size, device),
        keys[rows], ids[rows], lr_feats.shape[1])
    return out


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation over seeds, per method, factor and protocol."""
    return distances.over_seeds(table, ["method", "backbone", "factor", "dataset",
                                       "protocol"])


def spread_over_seeds(manifest_csv, ground_truth_json, features_dir, models_dir, out_csv, *,
                      backbone: str, factors, methods: dict, seeds, run_seed: int,
                      fsrgan: dict, ridge: dict, distill: dict, extractor: dict,
                      workers: int = 1, cross_fit_folds: int = 5) -> pd.DataFrame:
    """Every fitted method (`methods`: {method: [family, training data]}) fitted again
    per seed with the config's settings (`fsrgan`, `ridge`, `distill`: its sections;
    `extractor`: its features section): tables/seed_spread.csv, and the FSR-GANs it
    trained as models/seeds/<method>_seed<seed>_<backbone>.pt (the focal ablation's
    r = 2 variant is the same training: it reuses them)."""
    table, gans = run(
        mf.read(manifest_csv), ground_truth_json, features_dir, models_dir,
        backbone=backbone, factors=factors,
        methods={m: tuple(fit) for m, fit in methods.items()}, seeds=seeds,
        run_seed=run_seed, fsrgan_cfg=fsrgan_training.FSRGANConfig.from_section(fsrgan),
        ridge_options={k: ridge[k] for k in ("alphas", "validation_fraction")},
        distill_cfg=DistillConfig.from_section(distill), extractor=extractor,
        device=compute.pick_device(fsrgan.get("device", "auto")), workers=workers,
        folds=cross_fit_folds)
    for (method, seed), fits in gans.items():
        with atomic_path(run_files.seed_model_path(models_dir, method, seed, backbone)) as tmp:
            torch.save(fits.checkpoint(), tmp)
    save_csv(out_csv, table)
    return table
