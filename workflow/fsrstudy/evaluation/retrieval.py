"""Retrieval with low-resolution queries: every method, protocol and factor.

Methods: `hr` (HR queries, the upper bound), `lr`, `fsrgan` (and `fsrgan_db`: FSR-GAN
fitted on the database's own degraded copies), the ISR baselines, all searched against
the HR database; and `matched`: the LR query against the database re-extracted at the
query's own factor (the server knows the query's resolution; the cost is one index per
factor). Each dataset is searched in its own database; large-scale retrieval adds
distractors (large_scale.py). Arrays in, tables out: features come from a `features`
callable (backbone, method, factor) -> (N, D) array over the manifest's rows, which
the stages bind to a run's folder.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from fsrstudy import run_files
from fsrstudy.data import groundtruth
from fsrstudy.evaluation import large_scale, scoring, uncertainty
from fsrstudy.models import normalise

HR = run_files.HR
PRECISION_KS = (1, 5, 10)
KEYS = ["dataset", "protocol", "backbone", "method", "factor"]
# mAP's 95% percentile bootstrap interval over its queries (uncertainty)
INTERVAL = ["mAP_low", "mAP_high"]
METRICS = ["mAP", *INTERVAL, "n_queries"] + [f"mP@{k}" for k in PRECISION_KS]
RETRIEVAL_COLUMNS = KEYS + METRICS
MATCHED = "matched"


def runs(methods, factors) -> list[tuple[str, int]]:
    return [("hr", HR)] + [(m, f) for m in methods for f in factors]


def query_features(features, backbone: str, method: str, factor: int) -> np.ndarray:
    """Features of every manifest row as the method turns a query into a descriptor."""
    return features(backbone, "lr" if method == MATCHED else method, factor)


def database_features(features, backbone: str, method: str, factor: int) -> np.ndarray:
    """The database a method searches: HR features, or LR at the query's factor."""
    if method == MATCHED:
        return features(backbone, "lr", factor)
    return features(backbone, "hr", HR)


def resolved(manifest: pd.DataFrame, query_sets, protocol_names=None):
    """(query set, protocol positions) of every protocol evaluated."""
    for query_set in query_sets:
        if protocol_names and query_set.protocol not in protocol_names:
            continue
        protocol = groundtruth.resolve(manifest, query_set)
        if len(protocol.query_rows):
            yield query_set, protocol


def metrics(queries: np.ndarray, database: np.ndarray, protocol,
            seed: int | None = None, aps_out: list | None = None) -> dict:
    """mAP, the queries it averages (those with positives) and mP@k of one protocol;
    with a `seed`, also mAP's bootstrap interval over those queries (resampled alike for
    every method: the resamples depend on the seed and the query count alone).
    `aps_out`: a list the per-query APs (NaN: no positive) are appended to."""
    ranks = scoring.rank(queries, database)
    m_ap, aps = scoring.mean_average_precision(ranks, protocol.positives, protocol.junk)
    m_pk = scoring.mean_precision_at_k(ranks, protocol.positives, protocol.junk,
                                          PRECISION_KS)
    interval = {} if seed is None else dict(zip(INTERVAL, uncertainty.interval(aps, seed=seed)))
    if aps_out is not None:
        aps_out.append(aps)
    return {"mAP": m_ap, **interval, "n_queries": int((~np.isnan(aps)).sum()),
            **{f"mP@{k}": v for k, v in zip(PRECISION_KS, m_pk)}}


PER_QUERY_COLUMNS = KEYS + ["query", "AP"]


def evaluate(manifest: pd.DataFrame, query_sets, features, *, backbone_names: list,
             factors, methods, protocol_names=None, seed: int = 0
             ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """mAP (with its bootstrap interval, resamples seeded by `seed`) and mP@k of every
    (method, factor) on every protocol (retrieval.csv), and every query's AP (the
    paired comparisons' input: retrieval_per_query.csv)."""
    rows, per_query = [], []
    ids = manifest["image_id"].to_numpy()
    for query_set, protocol in resolved(manifest, query_sets, protocol_names):
        for backbone in backbone_names:
            for method, factor in runs(methods, factors):
                queries = query_features(features, backbone, method, factor)
                database = database_features(features, backbone, method, factor)
                aps = []
                scores = metrics(queries[protocol.query_rows],
                                 np.asarray(database[protocol.database_rows]), protocol, seed,
                                 aps)
                keys = {"dataset": query_set.dataset, "protocol": query_set.protocol,
                        "backbone": backbone, "method": method, "factor": factor}
                rows.append({**keys, **scores})
                per_query.append(pd.DataFrame({**keys, "query": ids[protocol.query_rows],
                                               "AP": aps[0]}))
    per_query = (pd.concat(per_query, ignore_index=True) if per_query
                 else pd.DataFrame(columns=PER_QUERY_COLUMNS))
    return pd.DataFrame(rows, columns=RETRIEVAL_COLUMNS), per_query[PER_QUERY_COLUMNS]


# -- large scale ---------------------------------------------------------------------------
LARGE_SCALE_COLUMNS = KEYS + ["distractors", "n_distractors"] + METRICS


def distractor_sizes(pool: int, sizes=None) -> list[int]:
    """The distractor-set sizes evaluated: the configured ones, or 0 to the whole pool."""
    if sizes:
        too_big = [n for n in sizes if n > pool]
        if too_big:
            raise ValueError(f"distractor sizes {too_big} exceed the pool of {pool} images")
        return sorted(set([0, *sizes]))
    return sorted({0, pool // 8, pool // 4, pool // 2, pool})


def train_only_pool(manifest: pd.DataFrame) -> np.ndarray:
    """The default run's distractors: images of groups never used as queries (the
    train-only rows), in a seed-free fixed order (manifest order)."""
    return np.where(manifest["split"].to_numpy() == "train")[0]


def evaluate_large_scale(manifest: pd.DataFrame, query_sets, features, *,
                         backbone_names: list, factors, methods, source: str,
                         sizes=None, protocol_names=None, external=None,
                         seed: int = 0) -> pd.DataFrame:
    """mAP (with its bootstrap interval, resamples seeded by `seed`) vs number of
    distractors, per method and factor.

    `external` None: the distractors are the manifest's train-only rows (their features
    at the method's database resolution); else `external[backbone]`, an (N, D) HR
    feature array (memory-mapped) (e.g. revisitop1m), which `matched`, needing LR distractors,
    cannot use: it is skipped. `source` names the distractors in the table.
    """
    rows = []
    pool_rows = train_only_pool(manifest)
    for query_set, protocol in resolved(manifest, query_sets, protocol_names):
        for backbone in backbone_names:
            for method, factor in runs(methods, factors):
                if external is not None:
                    if method == MATCHED:
                        continue
                    distractors = external[backbone]
                else:
                    distractors = np.asarray(
                        database_features(features, backbone, method, factor)[pool_rows])
                queries = query_features(features, backbone, method, factor)
                database = database_features(features, backbone, method, factor)
                levels = distractor_sizes(len(distractors), sizes)
                results = large_scale.evaluate(
                    np.asarray(queries[protocol.query_rows]),
                    np.asarray(database[protocol.database_rows]),
                    protocol.positives, protocol.junk, distractors, levels, PRECISION_KS,
                    seed=seed)
                for result in results:
                    rows.append({"dataset": query_set.dataset, "protocol": query_set.protocol,
                                 "backbone": backbone, "method": method, "factor": factor,
                                 "distractors": source, **result})
    return pd.DataFrame(rows, columns=LARGE_SCALE_COLUMNS)


def rows_scored(measured: np.ndarray, protocols) -> np.ndarray:
    """The rows of a method's features that held_out_scores reads: the measured rows
    and every protocol's queries (a method need not describe the others)."""
    return np.union1d(np.asarray(measured, dtype=int),
                      np.concatenate([np.asarray(p.query_rows, dtype=int)
                                      for _, p in protocols] or [np.array([], int)]))


def held_out_scores(sr: np.ndarray, hr: np.ndarray, measured: np.ndarray,
                    protocols) -> list[dict]:
    """One method's query-side features `sr` against the HR ones: the mean distance
    over the `measured` rows, and per protocol (from `resolved`) its mAP against the HR
    database; one dict per protocol (dataset, protocol, mean_distance, mAP, n_queries)."""
    distance = float(normalise.feature_distance(sr[measured], hr[measured]).mean())
    rows = []
    for query_set, protocol in protocols:
        scores = metrics(sr[protocol.query_rows], hr[protocol.database_rows], protocol)
        rows.append({"dataset": query_set.dataset, "protocol": query_set.protocol,
                     "mean_distance": distance, "mAP": scores["mAP"],
                     "n_queries": scores["n_queries"]})
    return rows
