"""Retrieval evaluation: Oxford-style average precision with junk.

The protocol of Oxford's compute_ap.cpp and revisitop's compute_ap: junk images are
removed from the ranking; AP is the trapezoid area under the precision-recall curve,
starting at precision 1. It differs from scikit-learn's average_precision_score.
"""
from __future__ import annotations

import numpy as np


def positive_ranks(ranking, positives, junk=()) -> np.ndarray:
    """0-based ranks of the positives once junk is removed from the ranking."""
    positives = set(int(i) for i in positives)
    junk = set(int(i) for i in junk)
    kept = [int(i) for i in ranking if int(i) not in junk]
    return np.array([r for r, i in enumerate(kept) if i in positives], dtype=np.int64)


def ap_from_ranks(ranks, npos: int) -> float:
    """The trapezoid AP from the sorted 0-based ranks of the retrieved positives; npos
    counts every positive (one never ranked adds nothing)."""
    if npos <= 0:
        raise ValueError("a query with no positives has no AP (skip it)")
    ap = 0.0
    for j, r in enumerate(np.sort(np.asarray(ranks))):
        precision_before = 1.0 if r == 0 else j / r
        precision_after = (j + 1) / (r + 1)
        ap += (precision_before + precision_after) / 2.0
    return ap / npos


def average_precision(ranking, positives, junk=()) -> float:
    """AP of one query. `ranking`: database indices, best first (all of them)."""
    if not len(positives):
        raise ValueError("a query with no positives has no AP (skip it)")
    return ap_from_ranks(positive_ranks(ranking, positives, junk), len(set(positives)))


def rank(queries: np.ndarray, database: np.ndarray) -> np.ndarray:
    """Database indices per query, by decreasing cosine similarity (ties: lower index)."""
    q = queries / np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-12)
    d = database / np.maximum(np.linalg.norm(database, axis=1, keepdims=True), 1e-12)
    scores = q @ d.T
    return np.argsort(-scores, axis=1, kind="stable")


def mean_average_precision(ranks: np.ndarray, positives: list, junk: list | None = None):
    """mAP over queries that have positives; returns (mAP, APs with NaN for skipped)."""
    junk = junk or [()] * len(positives)
    aps = np.full(len(positives), np.nan)
    for q, (pos, jnk) in enumerate(zip(positives, junk)):
        if len(pos):
            aps[q] = average_precision(ranks[q], pos, jnk)
    valid = ~np.isnan(aps)
    return (float(aps[valid].mean()) if valid.any() else float("nan")), aps


def precision_at_k(ranking, positives, junk=(), ks=(1, 5, 10)) -> list[float]:
    """Precision at k as revisitop reports it (mP@k): junk removed from the ranking,
    and k capped at the rank of the last positive, so a query whose positives are all
    retrieved early is not penalised for having fewer than k of them."""
    if not len(positives):
        raise ValueError("a query with no positives has no precision (skip it)")
    return precision_from_ranks(positive_ranks(ranking, positives, junk), ks)


def precision_from_ranks(ranks, ks=(1, 5, 10)) -> list[float]:
    """P@k (revisitop's capped k) from the 0-based ranks of the positives."""
    ranks = np.asarray(ranks) + 1  # 1-based
    out = []
    for k in ks:
        k_capped = min(int(ranks.max()), k)
        out.append(float((ranks <= k_capped).sum() / k_capped))
    return out


def mean_precision_at_k(ranks: np.ndarray, positives: list, junk: list | None = None,
                        ks=(1, 5, 10)) -> list[float]:
    """mP@k over queries that have positives (same skipping rule as mAP)."""
    junk = junk or [()] * len(positives)
    values = [precision_at_k(ranks[q], pos, jnk, ks)
              for q, (pos, jnk) in enumerate(zip(positives, junk)) if len(pos)]
    return np.mean(values, axis=0).tolist() if values else [float("nan")] * len(ks)
