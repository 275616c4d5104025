"""Retrieval protocols of the demo set: who is relevant to whom.

- synthetic_views: query = a test photo (view 0); positives = every database view of a
  photo of the same group; no junk.
- real_views: only queries whose group holds several real photos of one scene;
  positives = the views of the OTHER photos of the group (a genuinely different shot);
  junk = the synthetic views of the query photo itself (too easy to count).
"""
from __future__ import annotations

import pandas as pd

from fsrstudy.data.groundtruth import QuerySet

PROTOCOLS = ("synthetic_views", "real_views")


def build(manifest: pd.DataFrame, name: str, dataset: str = "demo") -> QuerySet:
    queries = manifest[manifest["split"] == "query"]
    database = manifest[manifest["split"] == "database"]
    photos_per_group = manifest.groupby("group")["photo_id"].nunique()
    ids = database["image_id"].to_numpy()
    query_set = QuerySet(dataset, name)
    for query in queries.itertuples():
        same_group = (database["group"] == query.group).to_numpy()
        same_photo = (database["photo_id"] == query.photo_id).to_numpy()
        if name == "synthetic_views":
            positives, junk = ids[same_group], ids[:0]
        elif name == "real_views":
            if photos_per_group[query.group] < 2:
                continue
            positives, junk = ids[same_group & ~same_photo], ids[same_photo]
        else:
            raise ValueError(f"unknown protocol {name!r}; choose from {PROTOCOLS}")
        query_set.add(query.image_id, positives.tolist(), junk.tolist())
    return query_set


def build_all(manifest: pd.DataFrame, dataset: str = "demo") -> list[QuerySet]:
    return [build(manifest, name, dataset) for name in PROTOCOLS]


def group_relevance(manifest: pd.DataFrame, dataset: str, protocol: str) -> QuerySet:
    """Positives = database images of the query's group; junk = database copies of the
    query's own photo (the query is removed from its ranking). Used for user sets."""
    database = manifest[manifest["split"] == "database"]
    ids = database["image_id"].to_numpy()
    query_set = QuerySet(dataset, protocol)
    for query in manifest[manifest["split"] == "query"].itertuples():
        same_photo = (database["photo_id"] == query.photo_id).to_numpy()
        same_group = (database["group"] == query.group).to_numpy()
        query_set.add(query.image_id, ids[same_group & ~same_photo].tolist(),
                      ids[same_photo].tolist())
    return query_set


