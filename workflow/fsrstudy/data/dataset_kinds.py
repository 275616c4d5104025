"""What each kind of dataset takes in the config, and how it becomes manifest rows.

A config lists `datasets:`, each with a `name` (used in ids and tables) and a `kind`:
demo (the embedded photos), oxford5k, paris6k, holidays (downloaded), or csv (a user's
folder + CSV). Options a kind does not know are refused, naming the dataset and key.
"""
from __future__ import annotations

import copy

import pandas as pd

from fsrstudy import schema
from fsrstudy.data import demo_set, fetch, images, paper_sets, protocols, user_set

# each kind's options with their defaults, from the schema (its x-kind-defaults)
_DEFAULTS = schema.kind_defaults()
COMMON = {"name": None, "kind": None, **_DEFAULTS["all"]}
KIND_OPTIONS = {kind: options for kind, options in _DEFAULTS.items() if kind != "all"}
USES = {"demo": ("groups", "train"), "csv": ("roles", "train"),
        "oxford5k": ("paper_split", "evaluate", "train"),
        "paris6k": ("paper_split", "evaluate", "train"),
        "holidays": ("paper_split", "evaluate", "train")}
DOWNLOADED = ("oxford5k", "paris6k", "holidays")


class DatasetConfigError(ValueError):
    pass


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
        out.append(full)
    if not out:
        raise DatasetConfigError("datasets: name at least one dataset")
    return out


def build(entry: dict, data_dir, seed: int):
    """(rows, bad images, query sets) of one normalised dataset entry."""
    name, kind = entry["name"], entry["kind"]
    screening = images.Screening.of(entry)
    if kind == "demo":
        frame, bad = demo_set.prepare(
            entry["photos_csv"], seed, entry["views_per_photo"],
            entry["train_views_per_photo"], entry["test_fraction"], entry["max_photos"],
            screening, dataset=name)
        sets = protocols.build_all(frame, name)
    elif kind == "csv":
        frame, bad, sets = user_set.build(name, entry["csv"], entry["images_dir"],
                                          screening)
    elif kind == "holidays":
        frame, bad, sets = paper_sets.holidays(name, fetch.layout(data_dir, kind),
                                               entry["orientation"], entry["rotation_list"],
                                               screening)
    else:
        frame, bad, sets = paper_sets.oxford_paris(name, fetch.layout(data_dir, kind),
                                                   screening)
    if entry["use"] in ("train", "paper_split", "evaluate"):
        frame, sets = paper_sets.apply_use(frame, sets, entry["use"], seed,
                                           entry.get("eval_images"))
    return frame, bad.assign(dataset=name), sets


def build_all(entries: list[dict], data_dir, seed: int):
    """The whole run's manifest, bad images and query sets, datasets in config order."""
    frames, bads, sets = [], [], []
    for entry in normalise(entries):
        frame, bad, query_sets = build(entry, data_dir, seed)
        frames.append(frame)
        bads.append(bad)
        sets += query_sets
    manifest = pd.concat(frames, ignore_index=True)
    # `line`: the csv line of a user's set's row (empty for the other kinds)
    bad = pd.concat(bads, ignore_index=True).reindex(
        columns=["dataset", "file", "line", "reason"])
    bad["line"] = bad["line"].astype("Int64")
    return manifest, bad, sets


def needed_downloads(entries: list[dict]) -> dict[str, list[str]]:
    """kind -> file names, for every downloaded kind the config uses."""
    kinds = {e["kind"] for e in normalise(entries) if e["kind"] in DOWNLOADED}
    return {k: fetch.downloads_of(k) for k in sorted(kinds)}
