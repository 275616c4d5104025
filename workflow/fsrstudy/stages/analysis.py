"""Stages of workflow/rules/analysis.smk: how far each method's features are from the HR
ones, and retrieval with every method's queries. Files in, files out: evaluation's
distances and retrieval compute the tables from arrays. No torch is imported (the
notebooks start in about half the time)."""
from __future__ import annotations

import functools

import pandas as pd

from fsrstudy import run_files
from fsrstudy.atomic import save_csv
from fsrstudy.data import groundtruth, manifest as mf
from fsrstudy.evaluation import distances, retrieval

HR = run_files.HR  # the factor of the HR input


def analyse_distances(manifest_csv, features_dir, distance_csv, per_image_csv, *,
                      backbone_names: list, factors, methods=("lr", "fsrgan"),
                      seed: int = 0) -> pd.DataFrame:
    manifest = mf.read(manifest_csv)
    held_out = mf.held_out_rows(manifest)
    frames = []
    for dataset in manifest["dataset"].iloc[held_out].unique():
        rows = held_out[manifest["dataset"].to_numpy()[held_out] == dataset]
        ids = manifest["image_id"].to_numpy()[rows]
        groups = manifest["group"].to_numpy()[rows]
        for backbone in backbone_names:
            hr = run_files.load_features(features_dir, backbone, "hr", HR)[rows]
            others = {(m, f): run_files.load_features(features_dir, backbone, m, f)[rows]
                      for m in methods for f in factors}
            frames.append(distances.per_image_distances(hr, others, ids, backbone, dataset))
            frames.append(distances.reference_rows(hr, groups, backbone, dataset, seed))
    # NaN rows are no measurement: ISR methods restore the query images only, and a
    # method fitted on the database leaves the images its models were fitted on
    per_image = pd.concat(frames, ignore_index=True).dropna(subset=["distance"])
    per_image = per_image.reset_index(drop=True)
    table = distances.summarise(per_image)
    save_csv(per_image_csv, per_image)
    save_csv(distance_csv, table)
    return table


def feature_loader(features_dir):
    """features(backbone, method, factor): a run's feature arrays, memory-mapped (what
    evaluation.retrieval reads)."""
    return functools.partial(run_files.load_features, features_dir)


def evaluate_retrieval(manifest_csv, ground_truth_json, features_dir, retrieval_csv,
                       per_query_csv=None, *, backbone_names: list, factors, methods,
                       protocols=None, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """mAP with its bootstrap interval, and mP@k, of every method, factor and protocol:
    tables/retrieval.csv; every query's AP: tables/retrieval_per_query.csv."""
    table, per_query = retrieval.evaluate(
        mf.read(manifest_csv), groundtruth.load(ground_truth_json),
        feature_loader(features_dir), backbone_names=backbone_names,
        factors=factors, methods=methods, protocol_names=protocols, seed=seed)
    save_csv(retrieval_csv, table)
    if per_query_csv is not None:
        save_csv(per_query_csv, per_query)
    return table, per_query
