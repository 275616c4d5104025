"""The paper's datasets as manifest rows and ground truth: Oxford5K, Paris6K, Holidays.

Oxford/Paris: every readable image is a database image. Queries are extra rows holding
the query image cropped to its box, one row per protocol family (the original 55 queries
with their boxes; the revisited 70 with theirs). Protocols: `original` (positives good +
ok, junk ignored), `revisited_easy|medium|hard` (Radenovic et al.; database images
outside the revisited image list, i.e. its queries, count as junk). Boxes are in stored
pixels, so these images are read without EXIF rotation, like the reference code does.

Holidays: groups by the first 4 digits of the name; `xxxx00.jpg` is the query, the
others its positives; the query is removed from its own ranking (junk). Orientation:
`stored` (pixels as distributed; the common protocol), `exif` (EXIF rotation applied)
or `rotation_list` (a CSV image,rotate with 0/90/180/270 degrees anticlockwise: the
"upright" Holidays when such a list is at hand; none is shipped, none is canonical).

`use` says what a dataset is for: paper_split (the paper's held-out counts, every image
still searched), evaluate (nothing trains) or train (every image trains, none searched).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from fsrstudy.data import (
    coverage,
    groundtruth,
    images,
    known_ground_truth,
    manifest as mf,
    paper_ground_truth,
)
from fsrstudy.data.groundtruth import QuerySet

_LANDMARK = re.compile(r"^(?:paris_)?(.+)_\d+$")


def index_images(folder) -> dict[str, Path]:
    """name (no extension) -> path of every .jpg under folder; archives may nest them
    (Paris: paris/<landmark>/), names must be unique."""
    index = {}
    for path in sorted(Path(folder).rglob("*")):
        if path.suffix.lower() not in (".jpg", ".jpeg") or not path.is_file():
            continue
        if path.stem in index:
            raise paper_ground_truth.GroundTruthError(f"two images named {path.stem}: "
                                            f"{index[path.stem]} and {path}")
        index[path.stem] = path
    if not index:
        raise paper_ground_truth.GroundTruthError(f"no .jpg images under {folder}")
    return index


def screen(index: dict[str, Path],
           bad_images: images.Screening | str) -> tuple[dict, pd.DataFrame]:
    """Drop unreadable images (Paris ships some), listing each; or fail, naming them."""
    bad = images.screen(index.values(), bad_images)
    gone = set(bad["file"])
    return {k: p for k, p in index.items() if str(p) not in gone}, bad


def _row(dataset, name, path, group, split, params, suffix="") -> dict:
    return {"image_id": f"{dataset}/{name}{suffix}", "dataset": dataset,
            "photo_id": f"{dataset}/{name}", "group": group, "file": str(path), "view": 0,
            "view_params": json.dumps(params), "split": split, "train": 0}


def landmark_of(name: str) -> str:
    match = _LANDMARK.match(name)
    return match.group(1) if match else name


# per protocol family: the protocols it gives and the suffix of its query rows' ids
FAMILIES = {"original": (("original",), "__q"),
            "revisited": (tuple(f"revisited_{m}" for m in groundtruth.REVISITED_MODES),
                          "__rq")}


def read_ground_truths(sources, dataset: str, kind: str) -> list[tuple]:
    """(ground truth, how it compares with the published one) of each source; at most
    one per protocol family."""
    read = [paper_ground_truth.read_ground_truth(s) for s in sources]
    families = [gt.protocol for gt in read]
    for family in set(families):
        if families.count(family) > 1:
            twice = [gt.source for gt in read if gt.protocol == family]
            raise paper_ground_truth.GroundTruthError(
                f"{dataset}: two {family} ground truths: {twice}")
    return [(gt, known_ground_truth.check(gt, kind, dataset)) for gt in read]


def _relevance(gt, query: dict, protocol: str) -> tuple[list, list]:
    """(positives, junk) names of one query under one protocol of its family."""
    if gt.protocol == "original":
        return query["positives"], query["junk"]
    return groundtruth.revisited_protocol(query, protocol[len("revisited_"):])


def oxford_paris(dataset: str, images_dir, ground_truths, bad_images="skip",
                 kind: str = "oxford5k"):
    """Rows, bad images, query sets and (coverage summary, per query) of Oxford5K or
    Paris6K: the images under `images_dir` (any nesting) with one or two ground truths
    (`paper_ground_truth.read_ground_truth` sources: an original and/or a revisited one).

    A partial copy works: a query whose image is absent is dropped, positives and junk
    are restricted to the images present, and a query left with no positive is dropped
    from that protocol (coverage says which). A ground truth that names none of the
    images present belongs to another dataset: an error."""
    gts = read_ground_truths(ground_truths, dataset, kind)
    index, bad = screen(index_images(images_dir), bad_images)
    for gt, _ in gts:
        if not gt.names() & set(index):
            raise paper_ground_truth.GroundTruthError(
                f"{dataset}: none of the {len(index)} images under {images_dir} "
                f"(e.g. {sorted(index)[:3]}) is named in {gt.source} (which names e.g. "
                f"{sorted(gt.names())[:3]}): is this a copy of {kind}, with its ground truth?")
    stored = {"exif": False}
    rows = [_row(dataset, n, p, landmark_of(n), "database", stored) for n, p in index.items()]
    db_id = {n: f"{dataset}/{n}" for n in index}

    def ids(names):  # images absent or left out as unusable cannot be ranked: drop them
        return [db_id[n] for n in names if n in db_id]

    sets, summary, per_query = [], [], []
    for gt, check in gts:
        protocols, suffix = FAMILIES[gt.protocol]
        # present images the ground truth's database does not list (e.g. the revisited
        # queries' own images) are junk: the published evaluation never ranks them
        outside = ids(sorted(set(index) - set(gt.imlist))) if gt.imlist is not None else []
        family_sets = {p: QuerySet(dataset, p) for p in protocols}
        records = []
        for query in gt.queries:
            kept = {}
            for protocol in protocols:
                positives, junk = _relevance(gt, query, protocol)
                records.append(coverage.query_row(dataset, protocol, Path(gt.source).name,
                                                  query["name"], query["image"], positives,
                                                  junk, index))
                if records[-1]["status"] == coverage.KEPT:
                    kept[protocol] = (ids(positives), ids(junk) + outside)
            if not kept:
                continue
            image = query["image"]
            rows.append(_row(dataset, query["name"], index[image], landmark_of(image),
                             "query", {**stored, "box": query["bbx"]}, suffix))
            rows[-1]["photo_id"] = db_id[image]
            for protocol, (positives, junk) in kept.items():
                family_sets[protocol].add(rows[-1]["image_id"], positives, junk)
        sets += list(family_sets.values())
        records = pd.DataFrame(records, columns=coverage.QUERY_COLUMNS)
        summary += coverage.summarise(records, check, gt.names(), index)
        per_query.append(records)
    return (pd.DataFrame(rows, columns=mf.COLUMNS), bad, sets,
            (pd.DataFrame(summary, columns=coverage.SUMMARY_COLUMNS),
             pd.concat(per_query, ignore_index=True)))


def read_rotation_list(path) -> dict[str, int]:
    table = pd.read_csv(path, dtype={"image": str})
    if list(table.columns[:2]) != ["image", "rotate"]:
        raise ValueError(f"{path}: expected columns image,rotate")
    bad = table[~table["rotate"].isin([0, 90, 180, 270])]
    if len(bad):
        raise ValueError(f"{path}: rotate must be 0, 90, 180 or 270; rows {bad.index.tolist()}")
    return {Path(i).stem: int(r) for i, r in zip(table["image"], table["rotate"])}


def holidays(dataset: str, images_dir, orientation: str = "stored",
             rotation_list=None, bad_images: images.Screening | str = "skip"):
    """Rows, bad images, the query set and (coverage summary, per query) of INRIA
    Holidays, whose ground truth is its file names. In a partial copy a group whose
    query image is absent (or unusable) has no query, but its images are still
    searched; a query left alone in its group has nothing to find: both are dropped,
    and coverage says so."""
    index, bad = screen(index_images(images_dir), bad_images)
    rotations = read_rotation_list(rotation_list) if orientation == "rotation_list" else {}
    if orientation == "rotation_list" and not rotations:
        raise ValueError("orientation rotation_list needs a non-empty rotation_list CSV")

    def params(name):
        if orientation == "exif":
            return {}
        return {"exif": False, **({"rotate": rotations[name]} if rotations.get(name) else {})}

    paper_ground_truth.holidays_names(index)  # a copy of another dataset stops here
    rows = [_row(dataset, n, p, n[:4], "database", params(n)) for n, p in index.items()]
    query_set, records = QuerySet(dataset, "holidays"), []
    for group in sorted({n[:4] for n in index}):
        name = f"{group}00"
        others = [n for n in index if n[:4] == group and n != name]
        records.append(coverage.query_row(dataset, "holidays", "file names", name, name,
                                          others, [name], index))
        if records[-1]["status"] != coverage.KEPT:
            continue
        rows.append(_row(dataset, name, index[name], group, "query", params(name), "__q"))
        query_set.add(rows[-1]["image_id"], [f"{dataset}/{o}" for o in others],
                      [f"{dataset}/{name}"])
    records = pd.DataFrame(records, columns=coverage.QUERY_COLUMNS)
    summary = pd.DataFrame(coverage.summarise(records, "file names", set(index), index),
                           columns=coverage.SUMMARY_COLUMNS)
    return pd.DataFrame(rows, columns=mf.COLUMNS), bad, [query_set], (summary, records)


def apply_use(frame: pd.DataFrame, sets: list, use: str, seed: int,
              eval_images: int | None = None):
    """Mark training rows by the dataset's `use`; return (frame, query sets)."""
    frame = frame.copy()
    if use == "evaluate":
        return frame, sets
    if use == "train":
        frame = frame[frame["split"] != "query"].assign(split="train", train=1)
        return frame.reset_index(drop=True), []
    if use != "paper_split":
        raise ValueError(f"unknown use {use!r}")
    database = frame[frame["split"] == "database"]
    query_photos = set(frame.loc[frame["split"] == "query", "photo_id"])
    others = mf.stable_order(sorted(set(database["photo_id"]) - query_photos), seed)
    held_out = query_photos | set(others[:max(0, eval_images - len(query_photos))])
    frame["train"] = ((frame["split"] == "database")
                      & ~frame["photo_id"].isin(held_out)).astype(int)
    return frame, sets
