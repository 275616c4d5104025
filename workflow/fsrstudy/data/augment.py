"""Extra seeded views of the images feature-SR models are fitted on (config `augment`).

A set with few fitting images (a user's database of 150 photos) gives a linear map or a
GAN little to learn from. Each fitting image then gets `views_per_image` more views,
drawn with the same generator as the demo's views (views.draw_view: crop, scale,
perspective, rotation, photometric change, JPEG), on top of the image as the dataset
defines it. They are manifest rows of their own (split fit_train / fit_database), so
every later stage degrades and describes them like any image, and they are used only
to fit. The image a query was cut from is not a fitting image, so none of its views is.
"""
from __future__ import annotations

import json

import pandas as pd

from fsrstudy.data import manifest as mf, views


def add(manifest: pd.DataFrame, training_data, views_per_image: int, seed: int):
    """The manifest with `views_per_image` extra views of every fitting image of each
    training-data option appended (seeded by the run's seed and the image id)."""
    if views_per_image <= 0:
        return manifest
    extra = []
    for option in training_data:
        split = mf.FIT_VIEW_SPLIT[option]
        for row in manifest.iloc[mf.FITTING_IMAGES[option](manifest)].itertuples():
            rng = views.photo_rng(seed, f"{split}:{row.image_id}")
            base = views.steps(row.view_params)
            for k in range(views_per_image):
                chain = base + [views.draw_view(rng)]
                extra.append({**row._asdict(), "image_id": f"{row.image_id}__{split}{k}",
                              "view_params": json.dumps(chain), "split": split,
                              "train": 0})
    if not extra:
        return manifest
    out = pd.DataFrame(extra).drop(columns="Index")
    return pd.concat([manifest, out[manifest.columns]], ignore_index=True)
