"""Stages of workflow/rules/analysis.smk: how far each method's features are from the HR
ones, retrieval with every method's queries, and the spread over seeds of every fitted
method. Files in, files out: the domain modules (analysis, retrieval, seed_spread) return
data. The distance and retrieval stages import no torch (their notebooks start in about
half the time); the seed spread imports it when it runs."""
from __future__ import annotations

import pandas as pd

from fsrstudy import storage
from fsrstudy.atomic import atomic_path, save_csv
from fsrstudy.data import manifest as mf
from fsrstudy.evaluation import analysis, retrieval

HR = storage.HR  # the factor of the HR input


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
            hr = storage.load_features(features_dir, backbone, "hr", HR)[rows]
            others = {(m, f): storage.load_features(features_dir, backbone, m, f)[rows]
                      for m in methods for f in factors}
            frames.append(analysis.per_image_distances(hr, others, ids, backbone, dataset))
            frames.append(analysis.reference_rows(hr, groups, backbone, dataset, seed))
    # NaN rows are no measurement: ISR methods restore the query images only, and a
    # method fitted on the database leaves the images its models were fitted on
    per_image = pd.concat(frames, ignore_index=True).dropna(subset=["distance"])
    per_image = per_image.reset_index(drop=True)
    table = analysis.summarise(per_image)
    save_csv(per_image_csv, per_image)
    save_csv(distance_csv, table)
    return table


def evaluate_retrieval(manifest_csv, ground_truth_json, features_dir, retrieval_csv,
                       per_query_csv=None, *, backbone_names: list, factors, methods,
                       protocols=None, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """mAP with its bootstrap interval, and mP@k, of every method, factor and protocol:
    tables/retrieval.csv; every query's AP: tables/retrieval_per_query.csv."""
    table, per_query = retrieval.evaluate(
        mf.read(manifest_csv), ground_truth_json, features_dir, backbone_names=backbone_names,
        factors=factors, methods=methods, protocol_names=protocols, seed=seed)
    save_csv(retrieval_csv, table)
    if per_query_csv is not None:
        save_csv(per_query_csv, per_query)
    return table, per_query


def spread_over_seeds(manifest_csv, ground_truth_json, features_dir, models_dir, out_csv, *,
                      backbone: str, factors, methods: dict, seeds, run_seed: int,
                      fsrgan: dict, ridge: dict, distill: dict, extractor: dict,
                      workers: int = 1, cross_fit_folds: int = 5) -> pd.DataFrame:
    """Every fitted method (`methods`: {method: [family, training data]}) fitted again
    per seed with the config's settings (`fsrgan`, `ridge`, `distill`: its sections;
    `extractor`: its features section): tables/seed_spread.csv, and the FSR-GANs it
    trained as models/seeds/<method>_seed<seed>_<backbone>.pt (the focal ablation's
    r = 2 variant is the same training: it reuses them)."""
    # torch only here: the distance and retrieval stages start without it
    import torch

    from fsrstudy.evaluation import seed_spread
    from fsrstudy.models import compute, distill as distill_, training

    gan = {k: v for k, v in fsrgan.items() if k not in ("device", "training_data")}
    student = {k: v for k, v in distill.items() if k in ("epochs", "batch_size", "lr")}
    table, gans = seed_spread.run(
        mf.read(manifest_csv), ground_truth_json, features_dir, models_dir,
        backbone=backbone, factors=factors,
        methods={m: tuple(fit) for m, fit in methods.items()}, seeds=seeds,
        run_seed=run_seed, fsrgan_cfg=training.FSRGANConfig(**gan),
        ridge_options={k: ridge[k] for k in ("alphas", "validation_fraction")},
        distill_cfg=distill_.DistillConfig(**student), extractor=extractor,
        device=compute.pick_device(fsrgan.get("device", "auto")), workers=workers,
        folds=cross_fit_folds)
    for (method, seed), fits in gans.items():
        with atomic_path(storage.seed_model_path(models_dir, method, seed, backbone)) as tmp:
            torch.save(fits.checkpoint(), tmp)
    save_csv(out_csv, table)
    return table
