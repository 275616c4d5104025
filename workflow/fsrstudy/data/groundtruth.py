"""Who is relevant to whom: every retrieval protocol of a run, by image id.

The prepare stage writes one JSON file (ground_truth.json) holding, per dataset and
protocol, each query's image id with its positive and junk database image ids. The
retrieval stage turns ids into positions of that dataset's database. Keeping relevance
by id (not by position) makes the file readable and independent of row order.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from fsrstudy.atomic import save_json


@dataclass
class QuerySet:
    """One protocol of one dataset: queries with their positives and junk."""
    dataset: str
    protocol: str
    queries: list = field(default_factory=list)     # query image ids
    positives: list = field(default_factory=list)   # per query: database image ids
    junk: list = field(default_factory=list)

    def add(self, query: str, positives, junk=()) -> None:
        self.queries.append(query)
        self.positives.append(sorted(positives))
        self.junk.append(sorted(junk))


def save(path, query_sets: list[QuerySet]) -> None:
    save_json(path, {"protocols": [
        {"dataset": s.dataset, "protocol": s.protocol,
         "queries": [{"query": q, "positives": p, "junk": j}
                     for q, p, j in zip(s.queries, s.positives, s.junk)]}
        for s in query_sets]})


def load(path) -> list[QuerySet]:
    with open(path) as f:
        data = json.load(f)
    sets = []
    for entry in data["protocols"]:
        qs = QuerySet(entry["dataset"], entry["protocol"])
        for q in entry["queries"]:
            qs.add(q["query"], q["positives"], q["junk"])
        sets.append(qs)
    return sets


@dataclass
class Protocol:
    """A QuerySet resolved against a manifest: rows and database positions."""
    name: str
    query_rows: np.ndarray        # manifest rows of the queries
    database_rows: np.ndarray     # manifest rows of this dataset's database
    positives: list               # per query: positions into database_rows
    junk: list


def database_rows(manifest: pd.DataFrame, dataset: str) -> np.ndarray:
    return np.where((manifest["split"].to_numpy() == "database")
                    & (manifest["dataset"].to_numpy() == dataset))[0]


def resolve(manifest: pd.DataFrame, query_set: QuerySet) -> Protocol:
    """Positions of every id; an id missing from the manifest is an error, not a skip."""
    row_of = pd.Series(np.arange(len(manifest)), index=manifest["image_id"].to_numpy())
    db_rows = database_rows(manifest, query_set.dataset)
    position_of = {image_id: i for i, image_id in
                   enumerate(manifest["image_id"].to_numpy()[db_rows])}

    def positions(ids, what):
        missing = [i for i in ids if i not in position_of]
        if missing:
            raise KeyError(f"{query_set.dataset}/{query_set.protocol}: {what} ids not in "
                           f"the database: {missing[:5]}")
        return np.array([position_of[i] for i in ids], dtype=int)

    missing = [q for q in query_set.queries if q not in row_of.index]
    if missing:
        raise KeyError(f"{query_set.dataset}/{query_set.protocol}: query ids not in the "
                       f"manifest: {missing[:5]}")
    return Protocol(query_set.protocol,
                    row_of[query_set.queries].to_numpy().astype(int) if query_set.queries
                    else np.array([], int), db_rows,
                    [positions(p, "positive") for p in query_set.positives],
                    [positions(j, "junk") for j in query_set.junk])


# The revisited Oxford and Paris (Radenovic et al. 2018): each query's easy and hard
# positives and junk, combined per protocol
REVISITED_MODES = ("easy", "medium", "hard")


def revisited_protocol(gnd: dict, mode: str) -> tuple[list, list]:
    """(positives, junk) of one ROxford/RParis query for a revisited protocol:
    easy: easy vs junk+hard; medium: easy+hard vs junk; hard: hard vs junk+easy."""
    easy, hard, junk = list(gnd["easy"]), list(gnd["hard"]), list(gnd["junk"])
    if mode == "easy":
        return easy, junk + hard
    if mode == "medium":
        return easy + hard, junk
    if mode == "hard":
        return hard, junk + easy
    raise ValueError(f"unknown revisited protocol {mode!r}; choose from {REVISITED_MODES}")
