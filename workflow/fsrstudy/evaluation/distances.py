"""The paper's Intro analysis: how far low-resolution features drift from HR ones.

For held-out images: the Euclidean distance between each method's feature (LR, SR, ...)
and the HR feature of the same image, both L2-normalised (scoring.feature_distance: a
shorter vector is not closer), per factor; its mean and variance per factor. As
references, the distance between HR features of different images of one group (the
paper's "similar images") and of different groups.
"""
from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from fsrstudy.models.normalise import feature_distance

KEYS = ["dataset", "backbone", "method", "factor"]
DISTANCE_COLUMNS = KEYS + ["mean_distance", "variance", "n"]


def per_image_distances(hr: np.ndarray, others: dict[tuple[str, int], np.ndarray],
                        ids: np.ndarray, backbone: str, dataset: str) -> pd.DataFrame:
    """One row per (method, factor, image): ||F_method - F_HR||_2, both L2-normalised."""
    frames = []
    for (method, factor), feats in others.items():
        frames.append(pd.DataFrame({
            "dataset": dataset, "backbone": backbone, "method": method, "factor": factor,
            "image_id": ids, "distance": feature_distance(feats, hr)}))
    return pd.concat(frames, ignore_index=True)


def pair_distances(hr: np.ndarray, groups: np.ndarray, same_group: bool,
                   max_pairs: int = 20000, seed: int = 0) -> np.ndarray:
    """HR-HR distances over pairs of distinct images, within or across groups."""
    if same_group:
        members = [np.where(groups == g)[0] for g in np.unique(groups)]
        if sum(len(m) * (len(m) - 1) // 2 for m in members) > 4 * max_pairs:
            # large groups (a benchmark's landmarks): sample pairs, never list them all
            rng = np.random.default_rng(seed)
            a = rng.integers(0, len(hr), size=8 * max_pairs)
            b = rng.integers(0, len(hr), size=8 * max_pairs)
            keep = (groups[a] == groups[b]) & (a != b)
            pairs = list(zip(a[keep], b[keep]))
        else:
            pairs = [p for m in members for p in itertools.combinations(m, 2)]
    else:
        rng = np.random.default_rng(seed)
        a = rng.integers(0, len(hr), size=max_pairs)
        b = rng.integers(0, len(hr), size=max_pairs)
        keep = groups[a] != groups[b]
        pairs = list(zip(a[keep], b[keep]))
    if len(pairs) > max_pairs:
        rng = np.random.default_rng(seed)
        pairs = [pairs[i] for i in rng.choice(len(pairs), max_pairs, replace=False)]
    if not pairs:
        return np.array([], dtype=np.float32)
    a, b = np.array(pairs).T
    return feature_distance(hr[a], hr[b])


def reference_rows(hr: np.ndarray, groups: np.ndarray, backbone: str, dataset: str,
                   seed: int = 0) -> pd.DataFrame:
    """HR references at factor 1: same-group ('hr_same_group') and other-group pairs."""
    frames = []
    for method, same in (("hr_same_group", True), ("hr_other_group", False)):
        frames.append(pd.DataFrame({
            "dataset": dataset, "backbone": backbone, "method": method, "factor": 1,
            "image_id": "",
            "distance": pair_distances(hr, groups, same, seed=seed)}))
    return pd.concat(frames, ignore_index=True)


def summarise(per_image: pd.DataFrame) -> pd.DataFrame:
    """Mean distance, its (population) variance and n per dataset, backbone, method and
    factor."""
    grouped = per_image.groupby(KEYS, sort=True)["distance"]
    table = grouped.agg(mean_distance="mean", variance=lambda d: float(np.var(d)),
                        n="count").reset_index()
    return table[DISTANCE_COLUMNS]


def over_seeds(table: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Mean and standard deviation over the seeds of each `keys` cell, of the distance
    and mAP columns (`<column>_mean`, `<column>_std`), and the number of seeds."""
    grouped = table.groupby(keys, sort=False)[["mean_distance", "mAP"]]
    out = grouped.agg(["mean", "std"])
    out.columns = [f"{a}_{b}" for a, b in out.columns]
    return out.reset_index().assign(seeds=table.groupby(keys, sort=False).size().to_numpy())
