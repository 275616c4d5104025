"""Large-scale retrieval: the database plus up to a million distractors, exactly.

A distractor is never a positive nor junk, so it changes a query's AP only by the
positives it outranks: the rank of positive j becomes r_j + c_j, where r_j is its rank
in the dataset's own database (junk removed) and c_j the number of distractors scoring
above it. Counting c_j needs one pass over the distractors in shards read from a
memory-mapped array: exact, and never every feature in RAM at once. The same pass
gives the counts for every distractor-set size (the first n of the pool), and mP@k
from the same shifted ranks: no top-k list (and no nearest-neighbour library) is needed.
"""
from __future__ import annotations

import numpy as np

from fsrstudy.evaluation import scoring, uncertainty
from fsrstudy.models.normalise import l2_normalize

SHARD = 65536


def shards(distractors, limit: int, shard: int = SHARD, boundaries=()):
    """(start, normalised block) over the first `limit` rows; blocks also end at every
    boundary, so counts can be read off at each distractor-set size."""
    cuts = sorted({0, limit, *range(0, limit, shard), *(b for b in boundaries if b < limit)})
    for start, stop in zip(cuts[:-1], cuts[1:]):
        yield start, l2_normalize(distractors[start:stop])


def count_above(queries: np.ndarray, thresholds: list, distractors, sizes,
                shard: int = SHARD) -> dict[int, list[np.ndarray]]:
    """For each size n in `sizes`: per query, how many of the first n distractors score
    strictly above each of that query's thresholds (cosine similarity)."""
    queries = l2_normalize(queries)
    sizes = sorted(set(int(n) for n in sizes))
    counts = [np.zeros(len(t), dtype=np.int64) for t in thresholds]
    out = {}
    if 0 in sizes:
        out[0] = [c.copy() for c in counts]
    for start, block in shards(distractors, max(sizes), shard, sizes):
        scores = queries @ block.T
        for q, t in enumerate(thresholds):
            ordered = np.sort(scores[q])
            counts[q] += len(ordered) - np.searchsorted(ordered, t, side="right")
        done = start + len(block)
        if done in sizes:
            out[done] = [c.copy() for c in counts]
    return out


def evaluate(queries: np.ndarray, database: np.ndarray, positives: list, junk: list,
             distractors, sizes, ks=(1, 5, 10), shard: int = SHARD,
             seed: int | None = None) -> list[dict]:
    """mAP and mP@k per distractor-set size (queries with no positive are skipped);
    with a `seed`, mAP's bootstrap interval over the queries (mAP_low, mAP_high)."""
    scores = l2_normalize(queries) @ l2_normalize(database).T
    ranks = np.argsort(-scores, axis=1, kind="stable")
    own, thresholds, keep = [], [], []
    for q, (pos, jnk) in enumerate(zip(positives, junk)):
        if not len(pos):
            continue
        keep.append(q)
        own.append(scoring.positive_ranks(ranks[q], pos, jnk))
        # the scores of the positives, in the order of their ranks
        thresholds.append(np.sort(scores[q, np.asarray(pos, dtype=int)])[::-1].copy())
    counts = count_above(queries[keep], thresholds, distractors, sizes, shard)
    rows = []
    for n in sorted(counts):
        aps, pks = [], []
        for r, c, pos in zip(own, counts[n], (positives[q] for q in keep)):
            shifted = r + c
            aps.append(scoring.ap_from_ranks(shifted, len(pos)))
            pks.append(scoring.precision_from_ranks(shifted, ks))
        row = {"n_distractors": n, "mAP": float(np.mean(aps)) if aps else float("nan")}
        if seed is not None:
            row["mAP_low"], row["mAP_high"] = uncertainty.interval(aps, seed=seed)
        row["n_queries"] = len(aps)
        means = np.mean(pks, axis=0) if pks else [float("nan")] * len(ks)
        row.update({f"mP@{k}": float(v) for k, v in zip(ks, means)})
        rows.append(row)
    return rows
