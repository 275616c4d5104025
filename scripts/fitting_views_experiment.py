"""How much training data do the feature-SR methods need? Fit one on fewer views.

Fits, on a finished run's features (one backbone, the train split, the run's settings
from its config.yaml), one method (fsrgan, fsrgan_fa or ridge) with one seed on the
first VIEWS views of every training photo only, and prints one JSON line: held-out mean
distance to HR and mAP per protocol, per factor. The demo set draws a photo's views in
order, so these are the views that `train_views_per_photo: VIEWS` would give; the
docs/measured.md's table ("What fewer fitting pairs would cost") is the mean of these lines.

  PYTHONPATH=workflow .venv/bin/python scripts/fitting_views_experiment.py \
      results/demo {fsrgan|fsrgan_fa|ridge} VIEWS SEED [BACKBONE]
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np
import torch
import yaml
from factor_aware_experiment import held_out_scores  # this folder: the same scores
from fsrstudy import run_files
from fsrstudy.data import manifest as mf
from fsrstudy.models import feature_sr, fsrgan_training, ridge

METHODS = ("fsrgan", "fsrgan_fa", "ridge")


def first_views(manifest, rows: np.ndarray, views: int) -> np.ndarray:
    """The rows among `rows` whose view number is below `views`."""
    available = int(manifest["view"].to_numpy()[rows].max()) + 1
    if not 1 <= views <= available:
        raise SystemExit(f"VIEWS must be between 1 and {available} (this run's training "
                         f"views per photo), not {views}")
    return rows[manifest["view"].to_numpy()[rows] < views]


def fit_and_apply(method, config, lr, hr, rows, groups, seed) -> dict:
    """{factor: super-resolved features of every row}."""
    factors = sorted(lr)
    if method == "ridge":
        options = {k: config["ridge"][k] for k in ("alphas", "validation_fraction")}
        model = ridge.fit({f: lr[f][rows] for f in factors}, hr[rows], groups[rows],
                          seed=seed, **options)[0]
        return {f: feature_sr.apply(model, lr[f], f) for f in factors}
    cfg = fsrgan_training.FSRGANConfig.from_section(config["fsrgan"], seed=seed,
                                             factor_aware=method == "fsrgan_fa")
    x, y, pair_factors = fsrgan_training.make_pairs(lr, hr, rows)
    gen = fsrgan_training.train(x, y, cfg, factors=pair_factors)[0]
    return {f: fsrgan_training.apply(gen, lr[f], factor=f if cfg.factor_aware else None)
            for f in factors}


def main(run_dir: str, method: str, views: int, seed: int,
         backbone: str = "vgg16_conv5_gem") -> dict:
    if method not in METHODS:
        raise SystemExit(f"method must be one of {METHODS}, not {method!r}")
    torch.set_num_threads(1)
    run = Path(run_dir)
    config = yaml.safe_load((run / "config.yaml").read_text())
    manifest = mf.read(run / "manifest.csv")
    features = run / "features"
    hr = np.asarray(run_files.load(run_files.feature_path(features, backbone, "hr", 1)))
    lr = {f: np.asarray(run_files.load(run_files.feature_path(features, backbone, "lr", f)))
          for f in config["degrade"]["factors"]}
    rows = first_views(manifest, mf.fitting_rows(manifest, "train_split"), views)
    groups = manifest["group"].astype(str).to_numpy()
    start = time.perf_counter()
    sr = fit_and_apply(method, config, lr, hr, rows, groups, seed)
    return {"method": method, "views": views, "fitting_rows": len(rows), "seed": seed,
            "backbone": backbone, "fit_seconds": round(time.perf_counter() - start, 1),
            **held_out_scores(run, manifest, hr, sr)}


if __name__ == "__main__":
    args = sys.argv[1:]
    if len(args) not in (4, 5):
        raise SystemExit(__doc__)
    print(json.dumps(main(args[0], args[1], int(args[2]), int(args[3]), *args[4:])),
          flush=True)
