"""How sure a mean over queries is: percentile bootstrap intervals, and paired
comparisons of two methods on the same queries.

A few dozen queries decide the study's standings, so every mAP carries a 95% interval
(resampling the queries with replacement), and a claim that one method beats another
comes from the paired difference of their per-query values under the same resamples: it
is "not distinguishable" when that interval holds 0. The resamples depend on the seed
and the number of queries alone, so every method of one query set is resampled alike.
"""
from __future__ import annotations

import numpy as np

SAMPLES = 1000  # bootstrap resamples
LEVEL = 0.95
NOT_DISTINGUISHABLE = "not distinguishable"


def resamples(n: int, samples: int = SAMPLES, seed: int = 0) -> np.ndarray:
    """(samples, n) indices of `n` queries drawn with replacement, seeded."""
    return np.random.default_rng(seed).integers(0, n, size=(samples, n))


def interval(values, samples: int = SAMPLES, seed: int = 0,
             level: float = LEVEL) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of `values` (NaN ignored: queries
    without positives); (nan, nan) when there are none."""
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    if not len(values):
        return float("nan"), float("nan")
    means = values[resamples(len(values), samples, seed)].mean(axis=1)
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def paired_difference(a, b, samples: int = SAMPLES, seed: int = 0, level: float = LEVEL,
                      names: tuple[str, str] = ("a", "b")) -> dict:
    """Mean of a - b over the queries both have a value for, its bootstrap interval,
    and the verdict in words: '<a> above <b>', '<b> above <a>' or 'not
    distinguishable' (the interval holds 0)."""
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"paired values need the same queries: {a.shape} vs {b.shape}")
    both = ~np.isnan(a) & ~np.isnan(b)
    difference = a[both] - b[both]
    low, high = interval(difference, samples, seed, level)
    if not len(difference) or low <= 0 <= high:
        verdict = NOT_DISTINGUISHABLE
    else:
        verdict = f"{names[0]} above {names[1]}" if low > 0 else f"{names[1]} above {names[0]}"
    return {"difference": float(difference.mean()) if len(difference) else float("nan"),
            "low": low, "high": high, "n": int(both.sum()), "verdict": verdict}
