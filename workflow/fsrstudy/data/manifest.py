"""The manifest: one row per image the study uses, the contract between stages.

Columns: image_id, dataset, photo_id, group, file, view, view_params, split, train.
- `photo_id`: the image file a row is rendered from (a query crop and the full image
  share it); `group`: images of one real scene or landmark.
- `split`: query, database, or train (training only, never searched); fit_train and
  fit_database: an extra seeded view of a fitting image (config `augment`), used only
  to fit the feature-SR models of that training-data option (never searched, never
  held out, never trains the ISR models).
- `train`: 1 if the row's (LR, HR) pair trains FSR-GAN and the ISR models. A database
  image may train (the paper's splits do this); a query never does, nor does any other
  row of a query's photo.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

COLUMNS = ["image_id", "dataset", "photo_id", "group", "file", "view", "view_params",
           "split", "train"]
SPLITS = ("train", "query", "database", "fit_train", "fit_database")
# the split of the extra fitting views of each training-data option
FIT_VIEW_SPLIT = {"train_split": "fit_train", "database": "fit_database"}


class ManifestError(ValueError):
    pass


def read(path) -> pd.DataFrame:
    """A manifest.csv as the stages wrote it (empty fields stay empty strings)."""
    return pd.read_csv(path, keep_default_na=False, dtype={"view_params": str})


def check(manifest: pd.DataFrame, group_disjoint: bool = True) -> pd.DataFrame:
    """Raise ManifestError unless the manifest is well formed and leakage-free: no query
    photo trains, and (group_disjoint) no group has both training and evaluation rows."""
    missing = [c for c in COLUMNS if c not in manifest.columns]
    if missing:
        raise ManifestError(f"manifest lacks columns {missing}")
    if manifest["image_id"].duplicated().any():
        dup = manifest.loc[manifest["image_id"].duplicated(), "image_id"].tolist()[:5]
        raise ManifestError(f"duplicate image ids, e.g. {dup}")
    bad = sorted(set(manifest["split"]) - set(SPLITS))
    if bad:
        raise ManifestError(f"unknown split values {bad}; expected {SPLITS}")
    trains = manifest["train"].astype(bool)
    if (~trains & (manifest["split"] == "train")).any():
        raise ManifestError("rows with split 'train' must have train = 1")
    train_photos = set(manifest.loc[trains, "photo_id"])
    query_photos = set(manifest.loc[manifest["split"] == "query", "photo_id"])
    leaked = sorted(train_photos & query_photos)
    if leaked:
        raise ManifestError(f"query photos used for training: {leaked[:5]}")
    if group_disjoint:
        evaluated = ~trains & ~is_fit_view(manifest)
        shared = sorted(set(manifest.loc[trains, "group"])
                        & set(manifest.loc[evaluated, "group"]))
        if shared:
            raise ManifestError(f"groups in both train and evaluation splits: {shared[:5]}")
    return manifest


def train_rows(manifest: pd.DataFrame) -> np.ndarray:
    """Rows whose (LR, HR) pairs train FSR-GAN and the ISR models."""
    return np.where(manifest["train"].astype(bool).to_numpy())[0]


def is_fit_view(manifest: pd.DataFrame) -> np.ndarray:
    return manifest["split"].isin(list(FIT_VIEW_SPLIT.values())).to_numpy()


def held_out_rows(manifest: pd.DataFrame) -> np.ndarray:
    """Rows of the evaluation images, never trained on: the distance analysis uses
    these (not the extra fitting views)."""
    held = ~manifest["train"].astype(bool).to_numpy() & ~is_fit_view(manifest)
    return np.where(held)[0]


def query_rows(manifest: pd.DataFrame) -> np.ndarray:
    """Rows whose images are queries: the only LR images retrieval searches with, so the
    only ones the ISR baselines restore."""
    return np.where(manifest["split"].to_numpy() == "query")[0]


def stable_order(keys, seed: int) -> list:
    """Keys sorted by a seeded hash: a shuffle that does not depend on input order."""
    return sorted(keys, key=lambda k: hashlib.sha256(f"{seed}:{k}".encode()).hexdigest())


def split_groups(groups: pd.Series, seed: int, test_fraction: float,
                 multi_photo_groups_to_test: bool = True) -> dict[str, str]:
    """Map each group to 'train' or 'test'.

    Groups holding several real photos of one scene are the only real-viewpoint
    evaluation the demo set has, so they go to test when asked; the single-photo groups
    are split by `test_fraction` in a seeded, order-independent way.
    """
    sizes = groups.value_counts()
    multi = [g for g in sizes.index if sizes[g] > 1] if multi_photo_groups_to_test else []
    single = stable_order([g for g in sizes.index if g not in multi], seed)
    n_test = int(round(test_fraction * len(single)))
    assignment = {g: "test" for g in multi}
    assignment.update({g: ("test" if i < n_test else "train") for i, g in enumerate(single)})
    if "train" not in assignment.values():
        raise ManifestError("no group left for training: lower test_fraction or use more photos")
    if "test" not in assignment.values():
        raise ManifestError("no group left for evaluation: raise test_fraction or use more photos")
    return assignment


def select_photos(photos: pd.DataFrame, max_photos: int | None, seed: int) -> pd.DataFrame:
    """At most `max_photos` photos, taking whole groups in a seeded order (tiny configs)."""
    if not max_photos or max_photos >= len(photos):
        return photos
    keep, count = [], 0
    for group in stable_order(photos["group"].unique(), seed):
        size = int((photos["group"] == group).sum())
        if count + size > max_photos:
            continue
        keep.append(group)
        count += size
    return photos[photos["group"].isin(keep)]


def database_fit_rows(manifest: pd.DataFrame) -> np.ndarray:
    """Rows to fit FSR on the database itself: every database image except the very
    image a query was cut from (same photo and view; no query image, no label used)."""
    queries = manifest[manifest["split"] == "query"]
    query_sources = set(zip(queries["photo_id"], queries["view"]))
    is_db = manifest["split"].to_numpy() == "database"
    source = np.array([(p, v) in query_sources
                       for p, v in zip(manifest["photo_id"], manifest["view"])], dtype=bool)
    return np.where(is_db & ~source)[0]


# The images each option of the config's fsrgan.training_data fits feature-SR models on
FITTING_IMAGES = {"train_split": train_rows, "database": database_fit_rows}


def fitting_rows(manifest: pd.DataFrame, training_data: str) -> np.ndarray:
    """Rows a feature-SR model of this training-data option is fitted on: its images and
    their extra fitting views."""
    if training_data not in FITTING_IMAGES:
        raise ValueError(f"unknown training data {training_data!r}; "
                         f"choose from {sorted(FITTING_IMAGES)}")
    extra = manifest["split"].to_numpy() == FIT_VIEW_SPLIT[training_data]
    return np.union1d(FITTING_IMAGES[training_data](manifest), np.where(extra)[0])


def isr_fitting_rows(manifest: pd.DataFrame) -> tuple[np.ndarray, str]:
    """Rows the ISR baselines are trained on, and what they are: the train split when
    the run has one; else ('database') the database images of photos no query comes
    from, so that no query is ever restored by a model that saw its own photo."""
    rows = train_rows(manifest)
    if len(rows):
        return rows, "train_split"
    query_photos = set(manifest.loc[manifest["split"] == "query", "photo_id"])
    unrelated = (manifest["split"].to_numpy() == "database") & ~manifest["photo_id"].isin(
        query_photos).to_numpy()
    return np.where(unrelated)[0], "database"


def validation_units(manifest: pd.DataFrame, training_data: str) -> np.ndarray:
    """Per row, the unit a fitted method's validation split holds out whole: the scene
    (group) on the train split, whose labels are training data; on the database, the
    source photo (with its extra views), so that a `_db` method chooses its settings
    without any relevance label of the evaluated set."""
    column = {"train_split": "group", "database": "photo_id"}[training_data]
    return manifest[column].astype(str).to_numpy()


def photo_keys(manifest: pd.DataFrame) -> np.ndarray:
    """Per row, its source photo as '<dataset>/<photo_id>' (two datasets may reuse a
    photo id)."""
    return (manifest["dataset"].astype(str) + "/" + manifest["photo_id"].astype(str)).to_numpy()


@dataclass(frozen=True)
class FitFold:
    """One model of a method: the rows it is fitted on, and the query photos (keys) it
    never saw and alone serves (empty: a single fit, serving every row it was not
    fitted on)."""
    rows: np.ndarray
    held_out_photos: frozenset


def fit_folds(manifest: pd.DataFrame, training_data: str, folds: int,
              seed: int) -> list[FitFold]:
    """The models a method of this training-data option is fitted as, so that a query
    is only ever served by a model that saw no image of its own source photo.

    Where some fitting row (an image, or an extra view of one) shares its source photo
    with a query, the query photos are dealt into `folds` seeded folds (at most one per
    photo) and one model is fitted per fold without that fold's photos: cross-fitting.
    Otherwise (the train split, or a database of separate photos) one fit on every
    fitting row. Raises EmptyFittingSet when a fold leaves nothing to fit."""
    rows = fitting_rows(manifest, training_data)
    keys = photo_keys(manifest)
    query_photos = sorted(set(keys[query_rows(manifest)]))
    if not set(keys[rows]) & set(query_photos):
        return [FitFold(rows, frozenset())]
    order = stable_order(query_photos, seed)
    k = min(folds, len(order))
    plan = []
    for j in range(k):
        held = frozenset(order[j::k])
        kept = rows[~np.isin(keys[rows], sorted(held))]
        if not len(kept):
            raise EmptyFittingSet(
                f"fsrgan.training_data {training_data!r}: fold {j + 1} of {k} of the query "
                f"photos leaves no image to fit on (every fitting image is a view of a "
                "query's own photo): use more photos, or fit on the train split")
        plan.append(FitFold(kept, held))
    return plan


class EmptyFittingSet(ValueError):
    """A training-data option that selects no image of the run's datasets."""


def check_fitting(manifest: pd.DataFrame, training_data, isr: bool = False) -> None:
    """Stop, naming the datasets and the option, when an option has nothing to fit on;
    `isr`: the run trains ISR baselines, which need train or unrelated database images."""
    hint = {"train_split": "no image has the role `train` (csv: role column) or "
                           "`use` keeps none for training (paper_split holds out "
                           "`eval_images`, 612 for Paris6K: a partial copy may keep none); "
                           "fit on the database instead (fsrgan.training_data: [database]) "
                           "or evaluate another run's models (pretrained_models)",
            "database": "no database image other than the queries' own images"}
    datasets = sorted(manifest["dataset"].unique())
    for option in training_data:
        if not len(FITTING_IMAGES[option](manifest)):
            raise EmptyFittingSet(
                f"fsrgan.training_data {option!r} selects no image in dataset(s) "
                f"{', '.join(datasets)}: {hint[option]}")
    if isr and not len(isr_fitting_rows(manifest)[0]):
        raise EmptyFittingSet(
            f"isr.methods: the ISR baselines have nothing to train on in dataset(s) "
            f"{', '.join(datasets)}: no image has the role `train`, and every database "
            "image is a view of some query's own photo; add `train` images, leave ISR "
            "out (isr.methods: []) or restore with another run's models "
            "(pretrained_models)")
