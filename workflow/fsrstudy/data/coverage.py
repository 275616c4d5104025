"""What a copy of a paper dataset holds of its ground truth.

Per query and protocol (`query_row`): kept, or dropped because its image is absent
("image missing") or none of its positives is ("no positive"), with its positives and
junk as listed and as present. Per protocol (`summarise`): the images the ground truth
names and how many of them are present, the queries kept and dropped, and the mean
positives present per kept query. A complete copy keeps every query; a partial one
says here exactly what it lost.
"""
from __future__ import annotations

import pandas as pd

QUERY_COLUMNS = ["dataset", "protocol", "ground_truth", "query", "image", "status",
                 "positives_listed", "positives_present", "junk_listed", "junk_present"]
SUMMARY_COLUMNS = ["dataset", "protocol", "ground_truth", "check", "images_named",
                   "images_present", "images_not_named", "queries_listed", "queries_kept",
                   "image_missing", "no_positive", "positives_per_query"]
KEPT, IMAGE_MISSING, NO_POSITIVE = "kept", "image missing", "no positive"


def query_row(dataset: str, protocol: str, ground_truth: str, query: str, image: str,
              positives, junk, present) -> dict:
    """One query under one protocol; `present`: the names of the images at hand."""
    positives_present = sum(n in present for n in positives)
    status = (IMAGE_MISSING if image not in present
              else KEPT if positives_present else NO_POSITIVE)
    return {"dataset": dataset, "protocol": protocol, "ground_truth": ground_truth,
            "query": query, "image": image, "status": status,
            "positives_listed": len(positives), "positives_present": positives_present,
            "junk_listed": len(junk), "junk_present": sum(n in present for n in junk)}


def summarise(queries: pd.DataFrame, check: str, named: set, present) -> list[dict]:
    """One summary row per protocol of `queries` (the rows of one ground truth)."""
    rows = []
    for (dataset, protocol, ground_truth), group in queries.groupby(
            ["dataset", "protocol", "ground_truth"], sort=False):
        status = group["status"]
        kept = group[status == KEPT]
        rows.append({
            "dataset": dataset, "protocol": protocol, "ground_truth": ground_truth,
            "check": check, "images_named": len(named),
            "images_present": len(named & set(present)),
            "images_not_named": len(set(present) - named),
            "queries_listed": len(group), "queries_kept": len(kept),
            "image_missing": int((status == IMAGE_MISSING).sum()),
            "no_positive": int((status == NO_POSITIVE).sum()),
            "positives_per_query": float(kept["positives_present"].mean()) if len(kept)
            else 0.0})
    return rows


def empty() -> tuple[pd.DataFrame, pd.DataFrame]:
    """(summary, per query) of a dataset without published ground truth (demo, csv)."""
    return pd.DataFrame(columns=SUMMARY_COLUMNS), pd.DataFrame(columns=QUERY_COLUMNS)
