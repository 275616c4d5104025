"""Retrieval protocols of the demo set: who is relevant to whom.

- synthetic_views: query = a test photo (view 0); positives = every database view of a
  photo of the same group; no junk.
- real_views: only queries whose group holds several real photos of one scene;
  positives = the views of the OTHER photos of the group (a genuinely different shot);
  junk = the synthetic views of the query photo itself (too easy to count).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

PROTOCOLS = ("synthetic_views", "real_views")


@dataclass
class Protocol:
    name: str
    query_rows: np.ndarray        # rows of the manifest used as queries
    positives: list               # per query: database positions (into database_rows)
    junk: list


def build(manifest: pd.DataFrame, name: str) -> Protocol:
    queries = manifest[manifest["split"] == "query"]
    database = manifest[manifest["split"] == "database"].reset_index()
    photos_per_group = manifest.groupby("group")["photo_id"].nunique()
    rows, positives, junk = [], [], []
    for row, query in queries.iterrows():
        same_group = database["group"] == query["group"]
        same_photo = database["photo_id"] == query["photo_id"]
        if name == "synthetic_views":
            pos, jnk = np.where(same_group)[0], np.array([], int)
        elif name == "real_views":
            if photos_per_group[query["group"]] < 2:
                continue
            pos, jnk = np.where(same_group & ~same_photo)[0], np.where(same_photo)[0]
        else:
            raise ValueError(f"unknown protocol {name!r}; choose from {PROTOCOLS}")
        rows.append(manifest.index.get_loc(row))
        positives.append(pos)
        junk.append(jnk)
    return Protocol(name, np.array(rows, dtype=int), positives, junk)


def database_rows(manifest: pd.DataFrame) -> np.ndarray:
    return np.where(manifest["split"].to_numpy() == "database")[0]
