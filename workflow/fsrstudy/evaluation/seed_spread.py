"""The spread over seeds of every fitted method (fsrgan, fsrgan_fa, ridge, distill, and
their `_db` twins), on one backbone.

Each method is fitted again with each seed, on the same data and with the same settings
as the run's own model; the run's model stands in for the run's seed. What a seed
changes: FSR-GAN's initial weights and batch order, the groups (or photos) that choose
ridge's alpha, the distilled student's batch order. Measured like the methods themselves: mean
distance to the HR feature over the held-out images (for a `_db` method, those it was
not fitted on) and mAP per protocol.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from fsrstudy import descriptors, fsr_names, storage
from fsrstudy.data import manifest as mf
from fsrstudy.evaluation import analysis, retrieval
from fsrstudy.models import backbones, compute, distill, feature_sr, parallel, ridge, training

COLUMNS = ["method", "seed", "backbone", "factor", "dataset", "protocol", "mean_distance",
           "mAP", "n_queries"]


def _train_gan(task):
    x, y, cfg, pair_factors = task
    return training.train(x, y, cfg, "cpu", factors=pair_factors)[:2]


@dataclasses.dataclass
class TrainedGAN:
    """An FSR-GAN the spread trained, with what its checkpoint records (the same keys
    as the train stage's, so that training.same_training can match it)."""
    generator: object
    critic: object
    config: training.FSRGANConfig
    extra: dict


def run(manifest: pd.DataFrame, ground_truth_json, features_dir, models_dir, *,
        backbone: str, factors, methods: dict, seeds, run_seed: int,
        fsrgan_cfg: training.FSRGANConfig, ridge_options: dict,
        distill_cfg: distill.DistillConfig | None = None, extractor: dict | None = None,
        device="cpu", workers: int = 1) -> tuple[pd.DataFrame, dict]:
    """(one row per (method, seed, factor, protocol), {(method, seed): TrainedGAN} of
    the FSR-GANs it trained). `methods`: {method: (family, training data)} as the
    workflow names them; `models_dir`: the run's models, which stand in for `run_seed`;
    `extractor`: the features section (source, gem_p: the teacher of distilled
    students); `workers`: FSR-GAN trainings side by side on a CPU."""
    hr = np.asarray(storage.load(storage.feature_path(features_dir, backbone, "hr", 1)))
    lr = {f: np.asarray(storage.load(storage.feature_path(features_dir, backbone, "lr", f)))
          for f in factors}
    models, gan_tasks = {}, {}
    for method, (family, data) in methods.items():
        rows = mf.fitting_rows(manifest, data)
        for seed in seeds:
            if seed == run_seed:
                models[method, seed] = _load(models_dir, method, family, backbone, device)
            elif family in fsr_names.GAN_FAMILIES:
                x, y, pair_factors = training.make_pairs(lr, hr, rows)
                cfg = dataclasses.replace(fsrgan_cfg, seed=seed,
                                          factor_aware=family == "fsrgan_fa")
                gan_tasks[method, seed] = (x, y, cfg, pair_factors)
            elif family == "ridge":
                models[method, seed] = ridge.fit(
                    {f: lr[f][rows] for f in factors}, hr[rows],
                    mf.validation_units(manifest, data)[rows],
                    seed=seed, **ridge_options)[0]
            else:  # distill
                maps = {f: storage.load(storage.pool4_path(features_dir, f)) for f in factors}
                output = descriptors.output_of(extractor["source"], backbone)
                teacher = backbones.build(extractor["source"], [output], extractor["gem_p"])
                cfg = dataclasses.replace(distill_cfg, seed=seed)
                models[method, seed] = distill.train(teacher.head(output), maps, hr, rows,
                                                     cfg, device)[0]
    if str(device) == "cpu":
        trained = parallel.map_single_threaded(_train_gan, gan_tasks.values(), workers)
    else:  # one accelerator: one training after the other
        trained = [training.train(*task[:3], device, factors=task[3])[:2]
                   for task in gan_tasks.values()]
    gans = {}
    for (method, seed), (gen, critic) in zip(gan_tasks, trained):
        x, _, cfg, _ = gan_tasks[method, seed]
        models[method, seed] = gen
        gans[method, seed] = TrainedGAN(gen, critic, cfg, {
            "backbone": backbone, "factors": list(factors),
            "training_data": methods[method][1], "n_pairs": len(x)})
    batch_size = compute.batch_size((extractor or {}).get("batch_size", 32), device)
    table = _measure(manifest, ground_truth_json, features_dir, models, methods,
                     seeds, backbone, factors, hr, lr, device, batch_size)
    return table, gans


def _load(models_dir, method, family, backbone, device):
    path = storage.fsr_model_path(models_dir, method, backbone)
    if family in fsr_names.QUERY_NETWORK_FAMILIES:
        return distill.load(path, device, backbone)
    return feature_sr.load(path, device, backbone)


def _measure(manifest, ground_truth_json, features_dir, models, methods, seeds,
             backbone, factors, hr, lr, device, batch_size) -> pd.DataFrame:
    held_out = mf.held_out_rows(manifest)
    fitted_on_database = set(mf.fitting_rows(manifest, "database").tolist())
    protocols = list(retrieval.resolved(manifest, ground_truth_json))
    scored = retrieval.rows_scored(held_out, protocols)
    rows = []
    for method, (family, data) in methods.items():
        # a method fitted on the database is measured on the held-out images it never saw
        measured = held_out if data != "database" else np.array(
            [r for r in held_out if r not in fitted_on_database], dtype=int)
        for seed in seeds:
            model = models[method, seed]
            for f in factors:
                sr = _describe(model, family, features_dir, lr[f], f, scored, device,
                               batch_size)
                rows += [{"method": method, "seed": seed, "backbone": backbone, "factor": f,
                          **scores}
                         for scores in retrieval.held_out_scores(sr, hr, measured, protocols)]
    return pd.DataFrame(rows, columns=COLUMNS)


def _describe(model, family, features_dir, lr_feats, factor, rows, device,
              batch_size):
    """The method's query-side features of `rows` (NaN elsewhere), as the apply stages
    compute them (a student: in batches of the features' size)."""
    if family not in fsr_names.QUERY_NETWORK_FAMILIES:
        return feature_sr.apply_rows(model, lr_feats, factor, rows, device)
    maps = storage.load(storage.pool4_path(features_dir, factor))
    out = np.full(lr_feats.shape, np.nan, np.float32)
    out[rows] = distill.describe(model, maps, rows, batch_size, device)
    return out


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation over seeds, per method, factor and protocol."""
    return analysis.over_seeds(table, ["method", "backbone", "factor", "dataset",
                                       "protocol"])
