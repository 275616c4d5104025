"""A user's own images as a dataset: a folder of images plus a CSV manifest.

Columns: image (path relative to the images folder), group (images of one scene),
role (query, db or train) and, optionally, x1, y1, x2, y2 (a query's box in pixels).
Relevance: a query's positives are the db images of its group; a db row of the query's
own image is removed from its ranking. Every bad row is reported at once, by line
number, before anything else runs; unusable images (unreadable, too small, too
elongated) and queries with nothing to find follow the `bad_images` policy like the
other datasets: listed in bad_images.csv with their line and left out, or the run stops.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
from pandas.errors import EmptyDataError
from PIL import Image

from fsrstudy.data import group_protocols, images, manifest as mf

ROLES = {"query": "query", "db": "database", "train": "train"}
BOX = ["x1", "y1", "x2", "y2"]


class UserSetError(mf.ManifestError):
    pass


def _row_errors(row, folder: Path, has_box: bool) -> list[str]:
    errors = []
    if not row.image:
        errors.append("empty image")
    elif not (folder / row.image).exists():
        errors.append(f"image {row.image!r} not found in {folder}")
    if not row.group:
        errors.append("empty group")
    if row.role not in ROLES:
        errors.append(f"role {row.role!r} is not one of {sorted(ROLES)}")
    if has_box:
        values = [getattr(row, c) for c in BOX]
        given = [v != "" for v in values]
        if any(given) and not all(given):
            errors.append("box needs all of x1, y1, x2, y2 (or none)")
        elif all(given):
            try:
                x1, y1, x2, y2 = (float(v) for v in values)
            except ValueError:
                return errors + [f"box {values} is not numeric"]
            if not all(math.isfinite(v) for v in (x1, y1, x2, y2)) or x2 <= x1 or y2 <= y1:
                errors.append(f"box {values} needs x1 < x2 and y1 < y2")
            elif row.role != "query":
                errors.append("only query rows take a box")
            elif (folder / row.image).is_file() and not images.check_image(folder / row.image):
                with Image.open(folder / row.image) as im:
                    width, height = im.size
                if x1 < 0 or y1 < 0 or x2 > width or y2 > height:
                    errors.append(f"box {values} lies outside the {width}x{height} image")
    return errors


def read(csv_path, images_dir=None) -> tuple[pd.DataFrame, Path]:
    """The CSV, validated row by row; UserSetError lists every bad row."""
    csv_path = Path(csv_path)
    folder = Path(images_dir) if images_dir else csv_path.parent
    try:
        # blank lines kept as rows (dropped below): the index stays the csv line - 2
        table = pd.read_csv(csv_path, dtype=str, keep_default_na=False,
                            skip_blank_lines=False)
    except EmptyDataError:
        raise UserSetError(f"{csv_path}: empty file; expected a header line image, group, "
                           "role (optionally x1, y1, x2, y2), then one line per image") from None
    table.columns = [c.strip() for c in table.columns]
    missing = [c for c in ("image", "group", "role") if c not in table.columns]
    if missing:
        raise UserSetError(f"{csv_path}: missing columns {missing}; expected image, group, "
                           "role and optionally x1, y1, x2, y2")
    has_box = any(c in table.columns for c in BOX)
    if has_box and not all(c in table.columns for c in BOX):
        raise UserSetError(f"{csv_path}: a box needs all four columns x1, y1, x2, y2")
    table = table.apply(lambda col: col.str.strip())
    table = table[(table != "").any(axis=1)]
    if table.empty:
        raise UserSetError(f"{csv_path}: no rows under its header; add one line per image "
                           "(image, group, role)")
    problems = []
    for i, row in zip(table.index, table.itertuples(index=False)):
        problems += [f"line {i + 2}: {e}" for e in _row_errors(row, folder, has_box)]
    repeated = table.duplicated(["image", "role"], keep="first")
    problems += [f"line {i + 2}: image {table['image'][i]!r} repeated with role "
                 f"{table['role'][i]!r}" for i in table.index[repeated]]
    problems += _same_id_problems(table)
    if problems:
        raise UserSetError(f"{csv_path}: {len(problems)} bad row(s):\n  " + "\n  ".join(problems))
    return table, folder


def image_id(image: str, role: str) -> str:
    """A row's image id within its dataset: its path with runs of white space as `_`
    (ids hold no spaces), marked by its role."""
    photo = re.sub(r"\s+", "_", image)
    return photo + ("__q" if role == "query" else "__train" if role == "train" else "")


def _same_id_problems(table: pd.DataFrame) -> list[str]:
    """Different paths that give one photo id (`x y.jpg` and `x_y.jpg`), by the first
    line of each: whatever their roles, one would be taken for the other (a db image
    for the query's own copy, a query's photo for a training one)."""
    first = table.drop_duplicates("image")
    ids = first["image"].map(lambda image: image_id(image, "db"))
    problems = []
    for _, rows in ids[ids.duplicated(keep=False)].groupby(ids):
        lines = " and ".join(f"line {i + 2}" for i in rows.index)
        names = " and ".join(repr(table["image"][i]) for i in rows.index)
        problems.append(f"{lines}: {names} give the same image id {rows.iloc[0]!r}; "
                        "rename one of the files")
    return problems


def queries_without_positives(table: pd.DataFrame) -> list[tuple[int, str]]:
    """(row index, why) of the query rows whose group holds no db image other than the
    query's own image: nothing to find, so no average precision."""
    db = table[table["role"] == "db"]
    found = []
    for i, row in table[table["role"] == "query"].iterrows():
        others = db[(db["group"] == row["group"]) & (db["image"] != row["image"])]
        if others.empty:
            found.append((i, f"query with no other db image in its group {row['group']!r}: "
                             "nothing to find (add db images of the group, or drop the row)"))
    return found


def build(dataset: str, csv_path, images_dir=None,
          bad_images: images.Screening | str = "skip"):
    """Rows, bad images and the query set ('groups') of a user's CSV dataset. A query
    with nothing to find (queries_without_positives, after the unusable images are
    left out) is a bad row under the same policy: listed with its line, or the stop."""
    table, folder = read(csv_path, images_dir)
    had_queries = (table["role"] == "query").any()
    screening = images.Screening.given(bad_images)
    bad = images.screen([folder / i for i in table["image"].unique()], screening)
    line_of = {}  # the first csv line of each image
    for i, image in table["image"].items():
        line_of.setdefault(str(folder / image), i + 2)
    bad = bad.assign(line=[line_of[f] for f in bad["file"]])
    table = table[~table["image"].map(lambda i: str(folder / i)).isin(set(bad["file"]))]
    lonely = queries_without_positives(table)
    if lonely and screening.policy == "fail":
        listing = "\n  ".join(f"line {i + 2}: {why}" for i, why in lonely)
        raise UserSetError(f"{csv_path}: {len(lonely)} query row(s) with nothing to find "
                           f"(bad_images: fail):\n  {listing}")
    bad = pd.concat([bad, pd.DataFrame(
        [{"file": str(folder / table["image"][i]), "reason": why, "line": i + 2}
         for i, why in lonely], columns=["file", "reason", "line"])], ignore_index=True)
    table = table.drop(index=[i for i, _ in lonely])
    # a set of train (or db) rows alone is fine: it trains, another dataset is searched
    if had_queries and not (table["role"] == "query").any():
        raise UserSetError(f"{csv_path}: no query left to evaluate ({len(bad)} row(s) left "
                           "out, listed in bad_images.csv); the set needs query rows whose "
                           "group has db images")
    rows = []
    for row in table.itertuples(index=False):
        photo = f"{dataset}/" + image_id(row.image, "db")
        box = [float(getattr(row, c)) for c in BOX] if getattr(row, "x1", "") else None
        rows.append({"image_id": f"{dataset}/" + image_id(row.image, row.role),
                     "dataset": dataset, "photo_id": photo, "group": row.group,
                     "file": str(folder / row.image), "view": 0,
                     "view_params": json.dumps({"box": box}) if box else "",
                     "split": ROLES[row.role], "train": int(row.role == "train")})
    frame = pd.DataFrame(rows, columns=mf.COLUMNS)
    try:
        mf.check(frame)
    except mf.ManifestError as error:
        raise UserSetError(f"{csv_path}: {error}") from None
    return frame, bad, [group_protocols.group_relevance(frame, dataset, "groups")]
