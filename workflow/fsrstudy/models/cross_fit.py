"""A fitted method as one model per fold of the queries' source photos (cross-fitting),
so that a query is only ever served by a model that saw no image of its own photo.

`Folds` holds the models (one for a single fit), the photos each never saw, and the
image ids any of them was fitted on. Which model maps a row (`serving`):
- the fold model that held out the row's source photo;
- else, for a row no model was fitted on (an image of another set, e.g. with
  `pretrained_models`), the mean of every model's output (one model: its output);
- else nothing: a row the models were fitted on is no measurement (NaN).

A checkpoint of one fit is the family's own format plus `fitted_ids`; of several, a
bundle (`kind: folds`) of the family's checkpoints with the photos each held out.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

ENSEMBLE = -1  # no fold held out the row's photo, no model fitted on it: every model
UNSERVED = -2  # a model was fitted on the row: left NaN


@dataclass
class Folds:
    models: list
    held_out_photos: list  # per model, the photo keys ('<dataset>/<photo_id>') it never saw
    fitted_ids: frozenset  # image ids any model was fitted on

    @classmethod
    def single(cls, model, fitted_ids=()) -> Folds:
        return cls([model], [frozenset()], frozenset(fitted_ids))

    def serving(self, photo_keys, image_ids) -> np.ndarray:
        """Per row, the index of the model that maps it, ENSEMBLE or UNSERVED."""
        who = np.full(len(photo_keys), ENSEMBLE, dtype=int)
        for j, photos in enumerate(self.held_out_photos):
            who[np.isin(photo_keys, sorted(photos))] = j
        fitted = np.isin(image_ids, sorted(self.fitted_ids))
        who[(who == ENSEMBLE) & fitted] = UNSERVED
        return who

    def map(self, describe, photo_keys, image_ids, dim: int) -> np.ndarray:
        """`dim`-d features of the rows (`photo_keys`, `image_ids`: one per row), each
        from the model `serving` names; `describe(model, positions)` gives a model's
        features of those positions; UNSERVED rows NaN."""
        who = self.serving(photo_keys, image_ids)
        parts = {}
        for j, model in enumerate(self.models):
            at = np.where(who == j)[0]
            if len(at):
                parts[j] = (at, describe(model, at))
        at = np.where(who == ENSEMBLE)[0]
        if len(at):
            outputs = [describe(model, at) for model in self.models]
            parts[ENSEMBLE] = (at, outputs[0] if len(outputs) == 1
                               else np.mean(outputs, axis=0, dtype=np.float64))
        out = np.full((len(who), dim), np.nan, np.float32)
        for at, feats in parts.values():
            out[at] = feats
        return out

    def select(self, outputs: list, photo_keys, image_ids) -> np.ndarray:
        """`map` for outputs already computed: `outputs[j]`, model j's features of
        every row; each row takes the one `serving` names (UNSERVED rows NaN)."""
        return self.map(lambda model, at: outputs[self._index(model)][at], photo_keys,
                        image_ids, outputs[0].shape[1])

    def _index(self, model) -> int:
        return next(j for j, m in enumerate(self.models) if m is model)


def checkpoint(fold_checkpoints: list, held_out_photos: list, fitted_ids, info: dict
               ) -> dict:
    """The checkpoint of a method's fits: the family's own (with `fitted_ids`) for one
    fit, a bundle for several; `info` (backbone, training data, ...) on top."""
    fitted = sorted(fitted_ids)
    if len(fold_checkpoints) == 1 and not held_out_photos[0]:
        return {**fold_checkpoints[0], **info, "fitted_ids": fitted}
    return {"kind": "folds", "folds": fold_checkpoints,
            "held_out_photos": [sorted(p) for p in held_out_photos],
            "fitted_ids": fitted, **info}


def read(ckpt: dict, build) -> Folds:
    """The Folds of a checkpoint `checkpoint` wrote (or of a family's plain checkpoint,
    from before cross-fitting: no fitted ids known); `build(family_checkpoint)` makes
    one model."""
    if ckpt.get("kind") != "folds":
        return Folds.single(build(ckpt), ckpt.get("fitted_ids", ()))
    return Folds([build(c) for c in ckpt["folds"]],
                 [frozenset(p) for p in ckpt["held_out_photos"]],
                 frozenset(ckpt["fitted_ids"]))


def describe_fit(folds: Folds) -> dict:
    """How a method was fitted, for the fits table."""
    return {"fit": "cross-fit" if len(folds.models) > 1 else "one fit",
            "models": len(folds.models),
            "held_out_photos": sum(len(p) for p in folds.held_out_photos),
            "fitted_images": len(folds.fitted_ids)}
