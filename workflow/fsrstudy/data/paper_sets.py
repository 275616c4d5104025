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

from fsrstudy.data import datasets, groundtruth, images, manifest as mf
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
            raise datasets.GroundTruthError(f"two images named {path.stem}: "
                                            f"{index[path.stem]} and {path}")
        index[path.stem] = path
    if not index:
        raise datasets.GroundTruthError(f"no .jpg images under {folder}")
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


def oxford_paris(dataset: str, where: dict, bad_images: images.Screening | str = "skip"):
    """Rows, bad images and query sets of Oxford5K or Paris6K (layout: fetch.layout)."""
    index, bad = screen(index_images(where["images"]), bad_images)
    stored = {"exif": False}
    rows = [_row(dataset, n, p, landmark_of(n), "database", stored) for n, p in index.items()]
    db_id = {n: f"{dataset}/{n}" for n in index}

    def ids(names):  # images left out as unreadable cannot be ranked: drop them
        return [db_id[n] for n in names if n in db_id]

    sets = []
    original = QuerySet(dataset, "original")
    for q in datasets.read_original_gt(where["gt"]):
        if q["image"] not in index:
            continue
        rows.append(_row(dataset, q["name"], index[q["image"]], landmark_of(q["image"]),
                         "query", {**stored, "box": q["bbx"]}, "__q"))
        rows[-1]["photo_id"] = db_id[q["image"]]
        original.add(rows[-1]["image_id"], ids(q["positives"]), ids(q["junk"]))
    sets.append(original)

    gnd = datasets.read_revisited_gnd(where["gnd"])
    outside = sorted(set(db_id) - set(gnd["imlist"]))  # e.g. the revisited queries
    revisited = {m: QuerySet(dataset, f"revisited_{m}") for m in groundtruth.REVISITED_MODES}
    for name, entry in zip(gnd["qimlist"], gnd["gnd"]):
        if name not in index:
            continue
        rows.append(_row(dataset, name, index[name], landmark_of(name), "query",
                         {**stored, "box": [float(v) for v in entry["bbx"]]}, "__rq"))
        names = {k: [gnd["imlist"][int(i)] for i in entry[k]] for k in ("easy", "hard", "junk")}
        for mode, query_set in revisited.items():
            positives, junk = groundtruth.revisited_protocol(names, mode)
            query_set.add(rows[-1]["image_id"], ids(positives), ids(junk + outside))
    sets += list(revisited.values())
    return pd.DataFrame(rows, columns=mf.COLUMNS), bad, sets


def read_rotation_list(path) -> dict[str, int]:
    table = pd.read_csv(path, dtype={"image": str})
    if list(table.columns[:2]) != ["image", "rotate"]:
        raise ValueError(f"{path}: expected columns image,rotate")
    bad = table[~table["rotate"].isin([0, 90, 180, 270])]
    if len(bad):
        raise ValueError(f"{path}: rotate must be 0, 90, 180 or 270; rows {bad.index.tolist()}")
    return {Path(i).stem: int(r) for i, r in zip(table["image"], table["rotate"])}


def holidays(dataset: str, where: dict, orientation: str = "stored",
             rotation_list=None, bad_images: images.Screening | str = "skip"):
    """Rows, bad images and the query set of INRIA Holidays."""
    index, bad = screen(index_images(where["images"]), bad_images)
    rotations = read_rotation_list(rotation_list) if orientation == "rotation_list" else {}
    if orientation == "rotation_list" and not rotations:
        raise ValueError("orientation rotation_list needs a non-empty rotation_list CSV")

    def params(name):
        if orientation == "exif":
            return {}
        return {"exif": False, **({"rotate": rotations[name]} if rotations.get(name) else {})}

    # a group whose query is unreadable has no query: its images are still searched
    groups = datasets.holidays_groups(n + ".jpg" for n in index if f"{n[:4]}00" in index)
    rows = [_row(dataset, n, p, n[:4], "database", params(n)) for n, p in index.items()]
    query_set = QuerySet(dataset, "holidays")
    for query_file, others in groups.items():
        name = Path(query_file).stem
        rows.append(_row(dataset, name, index[name], name[:4], "query", params(name), "__q"))
        query_set.add(rows[-1]["image_id"], [f"{dataset}/{Path(o).stem}" for o in others],
                      [f"{dataset}/{name}"])
    return pd.DataFrame(rows, columns=mf.COLUMNS), bad, [query_set]


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
