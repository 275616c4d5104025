"""The focal-exponent ablation: FSR-GAN with r in {1, 2, 3}, adversarial only, distance
only, and the usual WGAN schedule (5 critic steps per generator step, against the
paper's 1), each over several seeds, on one backbone.

Every variant starts from the run's FSR-GAN configuration and changes one thing, so the
variants differ only in the loss. Trained on the train split like `fsrgan`; measured
like it: mean distance to the HR feature over held-out images, and mAP per protocol.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from fsrstudy import run_files
from fsrstudy.atomic import save_csv
from fsrstudy.data import groundtruth, manifest as mf
from fsrstudy.evaluation import distances, retrieval
from fsrstudy.models import compute, feature_sr, fsrgan_training, parallel

VARIANTS = {
    "r1": {"focal_r": 1.0},
    "r2": {"focal_r": 2.0},
    "r3": {"focal_r": 3.0},
    "adversarial_only": {"distance_weight": 0.0},
    "distance_only": {"adversarial_weight": 0.0},
    # the WGAN paper's schedule (n_critic = 5); FSR-GAN's paper trains the critic once
    "critic5": {"critic_steps": 5},
}
COLUMNS = ["variant", "seed", "backbone", "factor", "dataset", "protocol", "mean_distance",
           "mAP", "n_queries"]


def variant_config(base: fsrgan_training.FSRGANConfig, variant: str, seed: int):
    if variant not in VARIANTS:
        raise ValueError(f"unknown variant {variant!r}; choose from {sorted(VARIANTS)}")
    return dataclasses.replace(base, **VARIANTS[variant], seed=seed)


def _train(task):
    x, y, cfg = task
    return fsrgan_training.train(x, y, cfg, "cpu")[0]


def run(manifest: pd.DataFrame, ground_truth_json, features_dir, *, backbone: str, factors,
        base: fsrgan_training.FSRGANConfig, variants, seeds, device="cpu",
        trained=None, workers: int = 1) -> pd.DataFrame:
    """Train every variant x seed; one row per (variant, seed, factor, protocol).

    `trained`: FSR-GAN checkpoints of this backbone already at hand: the run's own
    (models/fsrgan_<b>.pt) and the seed spread's (models/seeds/fsrgan_seed<k>_<b>.pt).
    A variant and seed that one of them was trained with exactly (r = 2 with their seeds,
    as a rule) reuses it instead of training the same model again. `workers`: on a CPU,
    the trainings run side by side in that many single-thread processes (parallel.py)."""
    hr = np.asarray(run_files.load(run_files.feature_path(features_dir, backbone, "hr", 1)))
    lr = {f: np.asarray(run_files.load(run_files.feature_path(features_dir, backbone, "lr", f)))
          for f in factors}
    x, y, _ = fsrgan_training.make_pairs(lr, hr, mf.fitting_rows(manifest, "train_split"))
    held_out = mf.held_out_rows(manifest)
    protocols = list(retrieval.resolved(manifest, groundtruth.load(ground_truth_json)))
    runs = [(variant, seed) for variant in variants for seed in seeds]
    configs = {run: variant_config(base, *run) for run in runs}
    generators = reusable(trained, configs, backbone=backbone, factors=factors,
                          n_pairs=len(x), device=device)
    to_train = [run for run in runs if run not in generators]
    if str(device) == "cpu":
        models = parallel.map_single_threaded(
            _train, [(x, y, configs[run]) for run in to_train], workers)
    else:  # one accelerator: one training after the other
        models = [fsrgan_training.train(x, y, configs[run], device)[0] for run in to_train]
    generators.update(zip(to_train, models))
    scored = retrieval.rows_scored(held_out, protocols)
    rows = []
    for variant, seed in runs:
        gen = generators[variant, seed]
        for f in factors:
            sr = feature_sr.apply_rows(gen, lr[f], f, scored, device)
            rows += [{"variant": variant, "seed": seed, "backbone": backbone, "factor": f,
                      **scores}
                     for scores in retrieval.held_out_scores(sr, hr, held_out, protocols)]
    return pd.DataFrame(rows, columns=COLUMNS)


def reusable(trained, configs: dict, *, backbone: str, factors, n_pairs: int,
             device="cpu") -> dict:
    """{run: generator} for each run of `configs` ({(variant, seed): config}) that a
    checkpoint of `trained` (one path, a list of them, or None) was trained exactly as:
    same config and seed, backbone, factors and train-split pairs."""
    paths = [trained] if isinstance(trained, (str, Path)) else list(trained or [])
    found = {}
    for run, cfg in configs.items():
        for path in paths:
            if fsrgan_training.same_training(path, cfg, backbone, factors, "train_split", n_pairs):
                found[run] = fsrgan_training.load_generator(path, device, backbone)
                break
    return found


def summarise(table: pd.DataFrame) -> pd.DataFrame:
    """Mean and standard deviation over seeds, per variant, factor and protocol."""
    return distances.over_seeds(table, ["variant", "backbone", "factor", "dataset",
                                       "protocol"])


def focal_ablation(manifest_csv, ground_truth_json, features_dir, out_csv, *, backbone: str,
                   factors, fsrgan: dict, variants, seeds, trained=None,
                   workers: int = 1) -> pd.DataFrame:
    """Every loss variant x seed trained from the run's FSR-GAN settings (`fsrgan`: the
    config's section): tables/focal.csv."""
    table = run(mf.read(manifest_csv), ground_truth_json, features_dir, backbone=backbone,
                factors=factors, base=fsrgan_training.FSRGANConfig.from_section(fsrgan),
                variants=variants, seeds=seeds,
                device=compute.pick_device(fsrgan.get("device", "auto")), trained=trained,
                workers=workers)
    save_csv(out_csv, table)
    return table
