"""Choosing a method's settings on a validation split of its own fitting data.

The evaluation images are only ever measured: a setting (FSR-GAN's residual generator,
learning rate and epochs; an ISR baseline's optimizer) is chosen by training each
candidate on the fitting rows less a seeded share of their units (scenes on the train
split, source photos on the database: manifest.validation_units) and measuring the
held-back units: FSR-GAN by the mean distance to HR (L2-normalised, as every distance
of the study; the smallest mean over the factors wins), an ISR model by the PSNR of the
restored luminance against HR (the largest mean wins).
"""
from __future__ import annotations

import dataclasses
import itertools

import numpy as np
import pandas as pd

from fsrstudy.data import degrade
from fsrstudy.models import compute, fsrgan_training, isr, isr_training, parallel, ridge
from fsrstudy.models.normalise import feature_distance


def grid(base: fsrgan_training.FSRGANConfig, **values) -> dict[str, fsrgan_training.FSRGANConfig]:
    """Every combination of `values` ({field: [values]}) on top of `base`, named
    'field=value,...'."""
    names = list(values)
    out = {}
    for combo in itertools.product(*(values[n] for n in names)):
        label = ",".join(f"{n}={v}" for n, v in zip(names, combo))
        out[label] = dataclasses.replace(base, **dict(zip(names, combo)))
    return out


def _train(task):
    x, y, cfg, factors = task
    return fsrgan_training.train(x, y, cfg, "cpu", factors=factors)[0]


def choose(lr_by_factor: dict, hr: np.ndarray, rows: np.ndarray, units: np.ndarray,
           candidates: dict, *, validation_fraction: float = 0.2, seed: int = 0,
           workers: int = 1) -> pd.DataFrame:
    """One row per candidate and factor: the validation mean distance of the model
    trained on the other units, n_fit and n_validation images, and `chosen` (the
    smallest mean over the factors; ties: the first listed). `rows`: the fitting rows;
    `units`: per manifest row, the unit held out whole."""
    rows = np.asarray(rows, dtype=int)
    held = ridge.validation_split(np.asarray(units)[rows], validation_fraction, seed)
    fit_rows, val_rows = rows[~held], rows[held]
    x, y, factors = fsrgan_training.make_pairs(lr_by_factor, hr, fit_rows)
    tasks = [(x, y, cfg, factors) for cfg in candidates.values()]
    generators = parallel.map_single_threaded(_train, tasks, workers)
    table = []
    for name, gen in zip(candidates, generators):
        for f in sorted(lr_by_factor):
            sr = fsrgan_training.apply(gen, np.asarray(lr_by_factor[f][val_rows], np.float32),
                                factor=f)
            table.append({"candidate": name, "factor": f,
                          "validation_distance": float(feature_distance(
                              sr, hr[val_rows]).mean()),
                          "n_fit": len(fit_rows), "n_validation": len(val_rows)})
    table = pd.DataFrame(table)
    means = table.groupby("candidate", sort=False)["validation_distance"].mean()
    table["chosen"] = table["candidate"] == means.idxmin()
    return table


def choose_isr(method: str, hr_stack: np.ndarray, lr_stacks: dict, rows: np.ndarray,
               units: np.ndarray, candidates: dict, *, validation_fraction: float = 0.2,
               seed: int = 0, plan: compute.Plan | None = None) -> pd.DataFrame:
    """One row per candidate schedule ({name: ISRConfig}) and factor of `method`
    ('srcnn': one model per factor; 'vdsr': one for every factor): mean PSNR (Y,
    borders shaved by the scale) of the held-back units' images restored from their
    bicubic LR copies, bicubic's own PSNR beside it, and `chosen` (the largest mean
    over the factors). `hr_stack`, `lr_stacks[f]`: the run's image stacks; `rows`: the
    fitting rows; `units`: per manifest row, the unit held out whole."""
    plan = plan or compute.plan("cpu", "fp32", "default")
    rows = np.asarray(rows, dtype=int)
    held = ridge.validation_split(np.asarray(units)[rows], validation_fraction, seed)
    fit_rows, val_rows = rows[~held], rows[held]
    factors = sorted(lr_stacks)
    groups = [[f] for f in factors] if method == "srcnn" else [factors]
    hr_fit = isr_training.luminance(hr_stack, fit_rows)
    hr_val = isr.rgb_to_ycbcr(np.asarray(hr_stack[val_rows]))[..., 0]

    def psnr(images, factor):
        shave = int(round(degrade.linear_scale(factor)))
        out = isr.rgb_to_ycbcr(images)[..., 0]
        return float(np.mean([isr.psnr(a, b, shave) for a, b in zip(hr_val, out)]))

    table = []
    for name, cfg in candidates.items():
        for group in groups:
            model, _ = isr_training.train(
                method, [(isr_training.luminance(lr_stacks[f], fit_rows), hr_fit)
                         for f in group], cfg, plan.device, plan.precision)
            for f in group:
                lr = np.asarray(lr_stacks[f][val_rows])
                table.append({"candidate": name, "factor": f,
                              "psnr": psnr(isr_training.restore(model, lr, plan), f),
                              "bicubic_psnr": psnr(lr, f), "n_fit": len(fit_rows),
                              "n_validation": len(val_rows)})
    table = pd.DataFrame(table)
    means = table.groupby("candidate", sort=False)["psnr"].mean()
    table["chosen"] = table["candidate"] == means.idxmax()
    return table
