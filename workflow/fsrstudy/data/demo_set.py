"""The embedded default data set: real photographs from registry packages, with views.

data/demo/photos.csv (built by scripts/build_demo_set.py) lists each photo with its
group, source package and licence. `prepare` turns it into the manifest: per photo,
view 0 (the photo) and seeded synthetic views; queries are view 0 of the test photos,
the database is every other view of the test photos; train photos get more views.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from fsrstudy.data import images, manifest as mf, views

PHOTO_COLUMNS = ["photo_id", "group", "file", "licence", "source_package", "sha256"]


def read_photos(photos_csv: str | Path) -> pd.DataFrame:
    photos = pd.read_csv(photos_csv)
    missing = [c for c in PHOTO_COLUMNS if c not in photos.columns]
    if missing:
        raise mf.ManifestError(f"{photos_csv} lacks columns {missing}")
    return photos


def prepare(photos_csv: str | Path, seed: int, views_per_photo: int,
            train_views_per_photo: int, test_fraction: float,
            max_photos: int | None = None, bad_images: images.Screening | str = "skip",
            multi_photo_groups_to_test: bool = True,
            dataset: str = "demo") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Return (manifest, bad images). `bad_images`: the policy 'skip' (list and leave
    out) or 'fail' (raise, naming every bad file), or a whole images.Screening."""
    photos_csv = Path(photos_csv)
    root = photos_csv.parent
    photos = read_photos(photos_csv)
    bad = images.screen([root / f for f in photos["file"]], bad_images)
    photos = photos[~(root / photos["file"]).astype(str).isin(bad["file"])]
    photos = mf.select_photos(photos, max_photos, seed)
    assignment = mf.split_groups(photos["group"], seed, test_fraction,
                                 multi_photo_groups_to_test)
    rows = []
    for photo in photos.sort_values("photo_id").itertuples():
        is_train = assignment[photo.group] == "train"
        n_views = train_views_per_photo if is_train else views_per_photo
        for view, params in enumerate(views.draw_views(seed, photo.photo_id, n_views)):
            split = "train" if is_train else ("query" if view == 0 else "database")
            rows.append({
                "image_id": f"{photo.photo_id}__v{view}", "dataset": dataset,
                "photo_id": photo.photo_id,
                "group": photo.group, "file": str(root / photo.file),
                "view": view, "view_params": json.dumps(params) if params else "",
                "split": split, "train": int(is_train),
            })
    return mf.check(pd.DataFrame(rows, columns=mf.COLUMNS)), bad
