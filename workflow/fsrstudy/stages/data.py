"""Stages of workflow/rules/data.smk: prepare (the manifest, the ground truth) and
degrade (the HR input and its low-resolution copies)."""
from __future__ import annotations

import contextlib
import functools
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from fsrstudy import run_files
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

HR = run_files.HR  # the factor of the HR input


def prepare(datasets, data_dir, manifest_csv, bad_csv, ground_truth_json, coverage_csv,
            coverage_queries_csv, *, seed: int, training_data=(), fitting_views: int = 0,
            isr: bool = False, cross_fit_folds: int = 5):
    """Every configured dataset as one manifest, its unusable images, the ground truth
    of every protocol and, for the paper's sets, what their images cover of their
    published ground truth (per protocol, and per query).

    `training_data`: the options feature-SR models will be fitted on (none when another
    run's models are used); each must select images, else this stops here, before any
    image is described. `fitting_views`: extra seeded views of each of their images.
    `isr`: the run trains the ISR baselines, which must then have images to train on.
    `cross_fit_folds`: each fold of a cross-fitted method must keep images to fit on."""
    manifest, bad, query_sets, coverage, per_query = dataset_kinds.build_all(
        datasets, data_dir, seed)
    mf.check_fitting(manifest, training_data, isr)
    manifest = augment.add(manifest, training_data, fitting_views, seed)
    mf.check(manifest, group_disjoint=False)  # each dataset checked its own groups
    for option in training_data:
        mf.fit_folds(manifest, option, cross_fit_folds, seed)  # raises if a fold is empty
    save_csv(bad_csv, bad)
    save_csv(coverage_csv, coverage)
    save_csv(coverage_queries_csv, per_query)
    groundtruth.save(ground_truth_json, query_sets)
    save_csv(manifest_csv, manifest)
    return manifest, bad, query_sets, coverage


def degrade_images(manifest_csv, images_dir, *, input_size: int, factors,
                   workers: int = 1) -> dict:
    """Write the HR input stack (f1) and one LR stack per factor, all (N, S, S, 3).

    `workers` threads render the photos side by side: Pillow's decoding, warping and
    resizing release the GIL, and each photo's rows are written by one thread, so the
    stacks are the same bytes for any number of workers."""
    manifest = mf.read(manifest_csv)
    n, shape = len(manifest), (len(manifest), input_size, input_size, 3)
    all_factors = [HR] + [f for f in factors if f != HR]
    # consecutive rows of one photo: the photo is loaded once for all of them
    files = manifest["file"].to_numpy()
    starts = [0] + [i for i in range(1, n) if files[i] != files[i - 1]]
    photo_rows = [range(a, b) for a, b in zip(starts, starts[1:] + [n])] if n else []
    view_params = manifest["view_params"].tolist()
    with contextlib.ExitStack() as stack:
        outs = {}
        for f in all_factors:
            tmp = stack.enter_context(atomic_path(run_files.stack_path(images_dir, f)))
            outs[f] = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.uint8, shape=shape)
        render = functools.partial(_render_photo, files, view_params, input_size, outs)
        with ThreadPoolExecutor(max(1, workers)) as pool:
            list(pool.map(render, photo_rows))  # list(): a worker's error is raised here
        for array in outs.values():
            array.flush()
        del outs, render  # the memmaps closed before their files are renamed
    run_files.write_ids(run_files.ids_path(images_dir), manifest["image_id"])
    return {"n_images": n, "input_size": input_size,
            "low_sizes": {f: degrade.low_size(input_size, f) for f in all_factors}}


def _render_photo(files, view_params, input_size: int, outs: dict, rows: range) -> None:
    """The HR input and LR copies of the rows of one photo, into their rows of `outs`."""
    exif = views.parse(view_params[rows[0]]).get("exif", True)
    photo = images.load_rgb(files[rows[0]], exif)
    for i in rows:
        hr = degrade.hr_input(photo, view_params[i], input_size)
        for f, out in outs.items():
            out[i] = degrade.lr_input(hr, f)
