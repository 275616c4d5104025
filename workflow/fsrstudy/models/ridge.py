"""Ridge: a closed-form linear map from LR to HR features, one per factor.

F_SR = F_LR + (F_LR - mean_LR) W + (mean_HR - mean_LR), with W the ridge solution
(X'X + alpha I)^-1 X'(Y - X) on centred pairs of one factor: the map learns the
correction LR -> HR and shrinks towards the identity, so a strong regularisation leaves
the LR feature (moved by the mean correction) rather than collapsing every query to the
mean HR feature. A baseline FSR-GAN has to beat: one eigendecomposition of a d x d
matrix per factor (seconds on a CPU), and no seed.

The regularisation is chosen on held-out fitting rows: the fitting rows' groups (scenes)
are split, a seeded fraction validates; the alpha with the smallest mean distance to the
HR feature on them wins, and the map is then refitted on every fitting row. Alphas are
given relative to the mean eigenvalue of X'X (trace / d), so one grid serves features of
any scale.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch

from fsrstudy.models.normalise import feature_distance


@dataclass
class LinearMap:
    """One affine map per factor: feats -> (feats - x_mean) @ weight + y_mean."""
    weight: dict[int, np.ndarray]
    x_mean: dict[int, np.ndarray]
    y_mean: dict[int, np.ndarray]
    alpha: dict[int, float] = field(default_factory=dict)

    @property
    def dim(self) -> int:
        return next(iter(self.weight.values())).shape[0]

    @property
    def factors(self) -> list[int]:
        return sorted(self.weight)

    def apply(self, feats: np.ndarray, factor: int) -> np.ndarray:
        if factor not in self.weight:
            raise KeyError(f"this ridge map was fitted for factors {self.factors}, "
                           f"not {factor}")
        x = np.asarray(feats, dtype=np.float64) - self.x_mean[factor]
        return (x @ self.weight[factor] + self.y_mean[factor]).astype(np.float32)


class _Solver:
    """X'X's eigendecomposition once; then the map for any alpha in one product."""

    def __init__(self, x: np.ndarray, y: np.ndarray):
        if x.shape[1] != y.shape[1]:
            raise ValueError(f"LR features are {x.shape[1]}-d, HR features {y.shape[1]}-d")
        self.x_mean, self.y_mean = x.mean(0), y.mean(0)
        xc, yc = x - self.x_mean, y - self.y_mean
        self.eigenvalues, self.eigenvectors = np.linalg.eigh(xc.T @ xc)
        self.eigenvalues = np.clip(self.eigenvalues, 0, None)
        self.projected = self.eigenvectors.T @ (xc.T @ (yc - xc))  # the correction
        self.scale = max(float(self.eigenvalues.mean()), 1e-12)

    def weight(self, relative_alpha: float) -> np.ndarray:
        """The whole linear part, identity + the ridge solution of the correction."""
        shrink = 1.0 / (self.eigenvalues + relative_alpha * self.scale)
        correction = self.eigenvectors @ (shrink[:, None] * self.projected)
        return correction + np.eye(len(correction))


def fit_factor(x: np.ndarray, y: np.ndarray, relative_alpha: float):
    """(weight, x_mean, y_mean) of one factor's ridge map."""
    solver = _Solver(np.asarray(x, np.float64), np.asarray(y, np.float64))
    return solver.weight(relative_alpha), solver.x_mean, solver.y_mean


def validation_split(groups: np.ndarray, fraction: float, seed: int) -> np.ndarray:
    """Boolean mask of the validation rows: whole groups, a seeded `fraction` of them
    (at least one, and at least one left to fit). Rows of one scene never straddle."""
    units = np.unique(groups)
    if len(units) < 2:
        raise ValueError("choosing the ridge regularisation needs fitting rows from at "
                         f"least 2 groups (scenes or photos); these come from {len(units)}")
    rng = np.random.default_rng(seed)
    n_val = min(len(units) - 1, max(1, round(fraction * len(units))))
    held = rng.choice(units, size=n_val, replace=False)
    return np.isin(groups, held)


def mean_distance(pred: np.ndarray, target: np.ndarray) -> float:
    """The distance alpha is chosen on: the one the study reports (L2-normalised)."""
    return float(feature_distance(pred, target).mean())


def fit(lr_by_factor: dict[int, np.ndarray], hr: np.ndarray, groups: np.ndarray, *,
        alphas, validation_fraction: float, seed: int):
    """One map per factor, its alpha chosen on held-out groups of the fitting rows.

    `lr_by_factor[f]` and `hr` hold the fitting rows' features (same rows, same order);
    `groups` the units held out whole (scenes, or source photos: mf.validation_units).
    Returns (LinearMap, validation table: one row per factor and alpha, with the
    validation mean distance and which alpha was chosen)."""
    hr = np.asarray(hr, np.float64)
    validate = validation_split(np.asarray(groups), validation_fraction, seed)
    weights, x_means, y_means, chosen, rows = {}, {}, {}, {}, []
    for factor in sorted(lr_by_factor):
        x = np.asarray(lr_by_factor[factor], np.float64)
        if len(x) != len(hr):
            raise ValueError(f"factor {factor}: {len(x)} LR rows for {len(hr)} HR rows")
        solver = _Solver(x[~validate], hr[~validate])
        scores = {}
        for alpha in alphas:
            pred = (x[validate] - solver.x_mean) @ solver.weight(alpha) + solver.y_mean
            scores[alpha] = mean_distance(pred, hr[validate])
        best = min(scores, key=scores.get)  # ties: the first listed
        chosen[factor] = float(best)
        weights[factor], x_means[factor], y_means[factor] = fit_factor(x, hr, best)
        rows += [{"factor": factor, "alpha": float(a), "validation_distance": d,
                  "chosen": a == best, "n_fit": int((~validate).sum()),
                  "n_validation": int(validate.sum())} for a, d in scores.items()]
    return LinearMap(weights, x_means, y_means, chosen), pd.DataFrame(rows)


def alphas_of(family: str, configured) -> list:
    """The alphas a closed-form family chooses among: ridge the configured ones,
    mean_shift only infinity (W = I: F_LR plus the mean correction)."""
    return [math.inf] if family == "mean_shift" else list(configured)


def to_checkpoint(model: LinearMap) -> dict:
    """Tensors and plain values only: loadable with torch.load(weights_only=True)."""
    def tensors(by_factor):
        return {int(f): torch.from_numpy(np.ascontiguousarray(a)) for f, a in by_factor.items()}
    return {"kind": "ridge", "dim": model.dim, "weight": tensors(model.weight),
            "x_mean": tensors(model.x_mean), "y_mean": tensors(model.y_mean),
            "alpha": {int(f): float(a) for f, a in model.alpha.items()}}


def from_checkpoint(ckpt: dict) -> LinearMap:
    def arrays(by_factor):
        return {int(f): t.numpy().astype(np.float64) for f, t in by_factor.items()}
    return LinearMap(arrays(ckpt["weight"]), arrays(ckpt["x_mean"]), arrays(ckpt["y_mean"]),
                     {int(f): a for f, a in ckpt["alpha"].items()})
