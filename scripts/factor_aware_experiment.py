"""Which factor-aware FSR-GAN: the generator told the factor, or one generator per factor?

Trains, on a finished run's features (one backbone, the train split, the run's FSR-GAN
settings from its config.yaml), one FSR-GAN generator of the chosen form and seed on one
thread, and prints one JSON line: held-out mean distance to HR and mAP per protocol, per
factor. docs/methods.md's comparison table is the mean and spread of these lines over seeds.

  PYTHONPATH=workflow .venv/bin/python scripts/factor_aware_experiment.py \
      results/demo {mixed|conditioned|per_factor} SEED [BACKBONE]
"""
from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
import yaml
from fsrstudy import run_files
from fsrstudy.data import groundtruth, manifest as mf
from fsrstudy.evaluation import retrieval
from fsrstudy.models import fsrgan_training

MODES = ("mixed", "conditioned", "per_factor")


def main(run_dir: str, mode: str, seed: int, backbone: str = "vgg16_conv5_gem") -> dict:
    if mode not in MODES:
        raise SystemExit(f"mode must be one of {MODES}, not {mode!r}")
    torch.set_num_threads(1)
    run = Path(run_dir)
    config = yaml.safe_load((run / "config.yaml").read_text())
    factors = config["degrade"]["factors"]
    cfg = fsrgan_training.FSRGANConfig.from_section(config["fsrgan"], seed=seed)
    manifest = mf.read(run / "manifest.csv")
    features = run / "features"
    hr = np.asarray(run_files.load(run_files.feature_path(features, backbone, "hr", 1)))
    lr = {f: np.asarray(run_files.load(run_files.feature_path(features, backbone, "lr", f)))
          for f in factors}
    rows = mf.fitting_rows(manifest, "train_split")
    start = time.perf_counter()
    if mode == "per_factor":
        sr = {}
        for f in factors:
            x, y, _ = fsrgan_training.make_pairs({f: lr[f]}, hr, rows)
            sr[f] = fsrgan_training.apply(fsrgan_training.train(x, y, cfg)[0], lr[f])
    else:
        x, y, pair_factors = fsrgan_training.make_pairs(lr, hr, rows)
        aware = mode == "conditioned"
        gen = fsrgan_training.train(x, y, dataclasses.replace(cfg, factor_aware=aware),
                             factors=pair_factors)[0]
        sr = {f: fsrgan_training.apply(gen, lr[f], factor=f if aware else None) for f in factors}
    return {"mode": mode, "seed": seed, "backbone": backbone,
            "train_seconds": round(time.perf_counter() - start, 1),
            **held_out_scores(run, manifest, hr, sr)}


def held_out_scores(run: Path, manifest, hr: np.ndarray, sr: dict) -> dict:
    """Per factor of `sr` ({factor: super-resolved features of every row}): the mean
    distance to HR over the held-out rows, and mAP per protocol against the HR database
    (rounded to 4 digits, as docs/methods.md quotes them)."""
    out = {}
    held_out = mf.held_out_rows(manifest)
    protocols = list(retrieval.resolved(manifest, groundtruth.load(run / "ground_truth.json")))
    for f in sorted(sr):
        for scores in retrieval.held_out_scores(sr[f], hr, held_out, protocols):
            out[f"distance_f{f}"] = round(scores["mean_distance"], 4)
            out[f"mAP_{scores['protocol']}_f{f}"] = round(scores["mAP"], 4)
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) not in (3, 4):
        raise SystemExit(__doc__)
    print(json.dumps(main(args[0], args[1], int(args[2]), *args[3:])), flush=True)
