"""A user's own images as a dataset: a folder of images plus a CSV manifest.

Columns: image (path relative to the images folder), group (images of one scene),
role (query, db or train) and, optionally, x1, y1, x2, y2 (a query's box in pixels).
Relevance: a query's positives are the db images of its group; a db row of the query's
own image is removed from its ranking. Every bad row is reported at once, by line
number, before anything else runs; unreadable images follow the `bad_images` policy
like the other datasets.
"""
from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pandas as pd
from PIL import Image

from fsrstudy.data import images, manifest as mf, protocols

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
    table = pd.read_csv(csv_path, dtype=str, keep_default_na=False)
    table.columns = [c.strip() for c in table.columns]
    missing = [c for c in ("image", "group", "role") if c not in table.columns]
    if missing:
        raise UserSetError(f"{csv_path}: missing columns {missing}; expected image, group, "
                           "role and optionally x1, y1, x2, y2")
    has_box = any(c in table.columns for c in BOX)
    if has_box and not all(c in table.columns for c in BOX):
        raise UserSetError(f"{csv_path}: a box needs all four columns x1, y1, x2, y2")
    table = table.apply(lambda col: col.str.strip())
    problems = []
    for i, row in enumerate(table.itertuples(index=False)):
        problems += [f"line {i + 2}: {e}" for e in _row_errors(row, folder, has_box)]
    repeated = table.duplicated(["image", "role"], keep="first")
    problems += [f"line {i + 2}: image {table['image'][i]!r} repeated with role "
                 f"{table['role'][i]!r}" for i in table.index[repeated]]
    if problems:
        raise UserSetError(f"{csv_path}: {len(problems)} bad row(s):\n  " + "\n  ".join(problems))
    return table, folder


def build(dataset: str, csv_path, images_dir=None, bad_images: str = "skip"):
    """Rows, bad images and the query set ('groups') of a user's CSV dataset."""
    table, folder = read(csv_path, images_dir)
    bad = images.screen([folder / i for i in table["image"].unique()], bad_images)
    rows = []
    for row in table.itertuples(index=False):
        if str(folder / row.image) in set(bad["file"]):
            continue
        photo = f"{dataset}/" + re.sub(r"\s+", "_", row.image)  # ids hold no spaces
        box = [float(getattr(row, c)) for c in BOX] if getattr(row, "x1", "") else None
        rows.append({"image_id": photo + ("__q" if row.role == "query" else
                                          "__train" if row.role == "train" else ""),
                     "dataset": dataset, "photo_id": photo, "group": row.group,
                     "file": str(folder / row.image), "view": 0,
                     "view_params": json.dumps({"box": box}) if box else "",
                     "split": ROLES[row.role], "train": int(row.role == "train")})
    frame = pd.DataFrame(rows, columns=mf.COLUMNS)
    try:
        mf.check(frame)
    except mf.ManifestError as error:
        raise UserSetError(f"{csv_path}: {error}") from None
    return frame, bad, [protocols.group_relevance(frame, dataset, "groups")]
