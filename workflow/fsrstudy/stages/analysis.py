"""Stage of workflow/rules/analysis.smk: how far each method's features are from the HR
ones (the retrieval and seed-spread stages live in `retrieval` and `seed_spread`)."""
from __future__ import annotations

import pandas as pd

from .. import analysis, fsr_names, manifest as mf, storage
from ..atomic import save_csv

HR = storage.HR  # the factor of the HR input


def analyse_distances(manifest_csv, features_dir, distance_csv, per_image_csv, *,
                      backbones_: list, factors, methods=("lr", "fsrgan"),
                      seed: int = 0) -> pd.DataFrame:
    manifest = mf.read(manifest_csv)
    held_out = mf.held_out_rows(manifest)
    frames = []
    for dataset in manifest["dataset"].iloc[held_out].unique():
        rows = held_out[manifest["dataset"].to_numpy()[held_out] == dataset]
        ids = manifest["image_id"].to_numpy()[rows]
        groups = manifest["group"].to_numpy()[rows]
        for backbone in backbones_:
            hr = storage.load_features(features_dir, backbone, "hr", HR)[rows]
            others = {(m, f): storage.load_features(features_dir, backbone, m, f)[rows]
                      for m in methods for f in factors}
            frames.append(analysis.per_image_distances(hr, others, ids, backbone, dataset))
            frames.append(analysis.reference_rows(hr, groups, backbone, dataset, seed))
    # ISR methods restore the query images only: their other rows are NaN
    per_image = pd.concat(frames, ignore_index=True).dropna(subset=["distance"])
    # methods fitted on the database's images (fsrgan_db, ridge_db): measured on the
    # other held-out images only
    fitted = manifest["image_id"].to_numpy()[mf.fitting_rows(manifest, "database")]
    on_database = per_image["method"].map(fsr_names.fitted_on) == "database"
    per_image = per_image[~(on_database & per_image["image_id"].isin(fitted))]
    per_image = per_image.reset_index(drop=True)
    table = analysis.summarise(per_image)
    save_csv(per_image_csv, per_image)
    save_csv(distance_csv, table)
    return table
