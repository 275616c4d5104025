"""What each kind of dataset takes in the config, and how it becomes manifest rows.

A config lists `datasets:`, each with a `name` (used in ids and tables) and a `kind`:
demo (the embedded photos), oxford5k, paris6k, holidays (downloaded, or a copy already
on disk: `images` and, for Oxford/Paris, `ground_truth`), or csv (a user's folder +
CSV). Options a kind does not know are refused, naming the dataset and key.
"""
from __future__ import annotations

import copy
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from fsrstudy import schema
from fsrstudy.data import (
    coverage,
    demo_set,
    fetch,
    group_protocols,
    images,
    paper_ground_truth,
    paper_sets,
    user_set,
)

# each kind's options with their defaults, from the schema (its x-kind-defaults)
_DEFAULTS = schema.kind_defaults()
COMMON = {"name": None, "kind": None, **_DEFAULTS["all"]}
KIND_OPTIONS = {kind: options for kind, options in _DEFAULTS.items() if kind != "all"}
USES = {"demo": ("groups", "train"), "csv": ("roles", "train"),
        "oxford5k": ("paper_split", "evaluate", "train"),
        "paris6k": ("paper_split", "evaluate", "train"),
        "holidays": ("paper_split", "evaluate", "train")}
DOWNLOADED = ("oxford5k", "paris6k", "holidays")
LANDMARKS = ("oxford5k", "paris6k")


class DatasetConfigError(ValueError):
    pass


class Built(NamedTuple):
    """A dataset (or the run's datasets) as manifest rows, with its unusable images,
    its query sets and, for the paper's sets, what the images present cover of the
    ground truth (data.coverage: per protocol, and per query)."""
    rows: pd.DataFrame
    bad: pd.DataFrame
    sets: list
    coverage: pd.DataFrame
    coverage_per_query: pd.DataFrame


def normalise(entries: list[dict]) -> list[dict]:
    """Every dataset entry with its kind's defaults; DatasetConfigError names the problem."""
    out, names = [], set()
    for i, entry in enumerate(entries):
        kind = entry.get("kind")
        where = f"datasets[{i}]"
        if kind not in KIND_OPTIONS:
            raise DatasetConfigError(f"{where}: kind {kind!r} is not one of "
                                     f"{sorted(KIND_OPTIONS)}")
        allowed = {**COMMON, **KIND_OPTIONS[kind]}
        unknown = sorted(set(entry) - set(allowed))
        if unknown:
            raise DatasetConfigError(f"{where} (kind {kind}): unknown option(s) {unknown}; "
                                     f"a {kind} dataset takes {sorted(allowed)}")
        full = {**copy.deepcopy(allowed), **entry}
        full["name"] = full["name"] or kind
        if full["name"] in names:
            raise DatasetConfigError(f"{where}: dataset name {full['name']!r} used twice")
        names.add(full["name"])
        if full["use"] not in USES[kind]:
            raise DatasetConfigError(f"{where}: use {full['use']!r}; a {kind} dataset can "
                                     f"be used as {list(USES[kind])}")
        if kind == "csv" and not full["csv"]:
            raise DatasetConfigError(f"{where}: a csv dataset needs 'csv' (its CSV file)")
        if kind == "holidays" and full["orientation"] == "rotation_list" \
                and not full["rotation_list"]:
            raise DatasetConfigError(f"{where}: orientation rotation_list needs "
                                     "'rotation_list' (a CSV image,rotate)")
        if kind in DOWNLOADED:
            ground_truth = _check_copy(full, where)
            if kind in LANDMARKS:
                full["ground_truth"] = ground_truth
        out.append(full)
    if not out:
        raise DatasetConfigError("datasets: name at least one dataset")
    return out


def _check_copy(entry: dict, where: str) -> list[str]:
    """A copy on disk: its folder and ground-truth paths exist; returns the ground truth
    as a list (one path may be given bare)."""
    kind, images_dir = entry["kind"], entry["images"]
    ground_truth = entry.get("ground_truth") or []
    ground_truth = [ground_truth] if isinstance(ground_truth, str) else list(ground_truth)
    if images_dir is None:
        if ground_truth:
            raise DatasetConfigError(f"{where} ({kind}): ground_truth belongs to a copy on "
                                     "disk; give its images folder too (images: <folder>)")
        return []
    if not Path(images_dir).is_dir():
        raise DatasetConfigError(f"{where} ({kind}): images {images_dir!r} is not a folder")
    if kind in LANDMARKS and not ground_truth:
        raise DatasetConfigError(
            f"{where} ({kind}): a copy on disk needs its ground_truth: the revisited "
            f"gnd_r{kind}.pkl (or .mat), the original protocol's folder of *_query.txt "
            "files or gnd file, or a list of both")
    for path in ground_truth:
        if not Path(path).exists():
            raise DatasetConfigError(f"{where} ({kind}): ground_truth {path!r} does not exist")
    return ground_truth


def is_copy(entry: dict) -> bool:
    """A paper dataset read from a folder on disk (no download)."""
    return entry["kind"] in DOWNLOADED and entry.get("images") is not None


def build(entry: dict, data_dir, seed: int):
    """(rows, bad images, query sets) of one normalised dataset entry."""
    name, kind = entry["name"], entry["kind"]
    screening = images.Screening.of(entry)
    coverage_of = coverage.empty()
    if kind == "demo":
        frame, bad = demo_set.prepare(
            entry["photos_csv"], seed, entry["views_per_photo"],
            entry["train_views_per_photo"], entry["test_fraction"], entry["max_photos"],
            screening, dataset=name)
        sets = group_protocols.build_all(frame, name)
    elif kind == "csv":
        frame, bad, sets = user_set.build(name, entry["csv"], entry["images_dir"],
                                          screening)
    elif kind == "holidays":
        frame, bad, sets, coverage_of = paper_sets.holidays(
            name, entry["images"] or fetch.layout(data_dir, kind)["images"],
            entry["orientation"], entry["rotation_list"], screening)
    else:
        frame, bad, sets, coverage_of = paper_sets.oxford_paris(
            name, *_landmark_sources(entry, data_dir), screening, kind=kind)
    if kind in DOWNLOADED and entry["use"] != "train" and not any(s.queries for s in sets):
        raise paper_ground_truth.GroundTruthError(
            f"{name}: no query is left to evaluate (its image present, with a positive "
            "present): see the coverage below, or use the set to train only (use: train)"
            f"\n{coverage_of[0].to_string(index=False)}")
    if entry["use"] in ("train", "paper_split", "evaluate"):
        frame, sets = paper_sets.apply_use(frame, sets, entry["use"], seed,
                                           entry.get("eval_images"))
    return Built(frame, bad.assign(dataset=name), sets, *coverage_of)


def _landmark_sources(entry: dict, data_dir) -> tuple:
    """(images folder, ground-truth sources) of Oxford/Paris: a copy's, or the
    downloaded archives' (original text files and revisited pickle)."""
    if is_copy(entry):
        return entry["images"], entry["ground_truth"]
    where = fetch.layout(data_dir, entry["kind"])
    return where["images"], [where["gt"], where["gnd"]]


def build_all(entries: list[dict], data_dir, seed: int) -> Built:
    """The whole run's manifest, bad images, query sets and coverage, datasets in
    config order."""
    built = [build(entry, data_dir, seed) for entry in normalise(entries)]
    # `line`: the csv line of a user's set's row (empty for the other kinds)
    bad = pd.concat([b.bad for b in built], ignore_index=True).reindex(
        columns=["dataset", "file", "line", "reason"])
    bad["line"] = bad["line"].astype("Int64")
    return Built(pd.concat([b.rows for b in built], ignore_index=True), bad,
                 [s for b in built for s in b.sets],
                 *(pd.concat([getattr(b, part) for b in built], ignore_index=True)
                   for part in ("coverage", "coverage_per_query")))


def needed_downloads(entries: list[dict]) -> dict[str, list[str]]:
    """kind -> file names, for every downloaded kind the config uses (not a copy)."""
    kinds = {e["kind"] for e in normalise(entries)
             if e["kind"] in DOWNLOADED and not is_copy(e)}
    return {k: fetch.downloads_of(k) for k in sorted(kinds)}
