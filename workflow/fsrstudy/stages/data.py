"""Stages of workflow/rules/data.smk: prepare (the manifest, the ground truth) and
degrade (the HR input and its low-resolution copies)."""
from __future__ import annotations

import contextlib

import numpy as np

from fsrstudy import storage
from fsrstudy.atomic import atomic_path, save_csv
from fsrstudy.data import (
    augment,
    dataset_kinds,
    degrade,
    groundtruth,
    images,
    manifest as mf,
    views,
)

HR = storage.HR  # the factor of the HR input


def prepare(datasets, data_dir, manifest_csv, bad_csv, ground_truth_json, *, seed: int,
            training_data=(), fitting_views: int = 0):
    """Every configured dataset as one manifest, its unusable images and the ground
    truth of every protocol.

    `training_data`: the options feature-SR models will be fitted on (none when another
    run's models are used); each must select images, else this stops here, before any
    image is described. `fitting_views`: extra seeded views of each of their images."""
    manifest, bad, query_sets = dataset_kinds.build_all(datasets, data_dir, seed)
    mf.check_fitting(manifest, training_data)
    manifest = augment.add(manifest, training_data, fitting_views, seed)
    mf.check(manifest, group_disjoint=False)  # each dataset checked its own groups
    save_csv(bad_csv, bad)
    groundtruth.save(ground_truth_json, query_sets)
    save_csv(manifest_csv, manifest)
    return manifest, bad, query_sets


def degrade_images(manifest_csv, images_dir, *, input_size: int, factors) -> dict:
    """Write the HR input stack (f1) and one LR stack per factor, all (N, S, S, 3)."""
    manifest = mf.read(manifest_csv)
    n, shape = len(manifest), (len(manifest), input_size, input_size, 3)
    all_factors = [HR] + [f for f in factors if f != HR]
    with contextlib.ExitStack() as stack:
        outs = {}
        for f in all_factors:
            tmp = stack.enter_context(atomic_path(storage.stack_path(images_dir, f)))
            outs[f] = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=shape)
        photo, photo_file = None, None
        for i, row in enumerate(manifest.itertuples()):
            if row.file != photo_file:
                exif = views.parse(row.view_params).get("exif", True)
                photo, photo_file = images.load_rgb(row.file, exif), row.file
            hr = degrade.hr_input(photo, row.view_params, input_size)
            for f in all_factors:
                outs[f][i] = degrade.lr_input(hr, f)
        for array in outs.values():
            array.flush()
        del outs
    storage.write_ids(storage.ids_path(images_dir), manifest["image_id"])
    return {"n_images": n, "input_size": input_size,
            "low_sizes": {f: degrade.low_size(input_size, f) for f in all_factors}}
