"""Print, as markdown, the standings of two runs side by side: each method's mean
distance to HR per backbone and factor, and per protocol, backbone and factor its mAP
with its 95% bootstrap interval and its share of `matched`, before and after a change
(e.g. the cross-fitting of the `_db` methods), so that a lab note's numbers are copied
from the runs' tables, never typed.

    PYTHONPATH=workflow .venv/bin/python scripts/standings_before_after.py BEFORE AFTER

BEFORE, AFTER: run folders (results/<run>) holding tables/retrieval.csv.
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
from fsrstudy.evaluation import comparison

KEYS = ["dataset", "protocol", "backbone", "factor", "method"]


def cells(run: Path) -> pd.DataFrame:
    """mAP [low, high] and share of matched per KEYS."""
    table = pd.read_csv(run / "tables" / "retrieval.csv")
    shares = comparison.against_matched(table).set_index(KEYS)["of_matched"]
    table = table[table["method"] != "hr"].set_index(KEYS)
    text = (table["mAP"].map("{:.3f}".format) + " [" + table["mAP_low"].map("{:.3f}".format)
            + ", " + table["mAP_high"].map("{:.3f}".format) + "]")
    return pd.DataFrame({"mAP [95%]": text, "of matched": shares.reindex(table.index)
                         .map("{:.0%}".format)})


def distances(run: Path) -> pd.DataFrame:
    """Mean distance to HR (n images) per backbone, method and factor."""
    table = pd.read_csv(run / "tables" / "distance.csv")
    table = table[~table["method"].str.startswith("hr_")].set_index(
        ["backbone", "method", "factor"])
    return (table["mean_distance"].map("{:.3f}".format) + " (" + table["n"].astype(str)
            + ")").rename("distance (n)").to_frame()


def side_by_side(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """The two runs' columns next to each other, '-' where a run lacks the row."""
    return before.add_suffix(" before").join(after.add_suffix(" after"), how="outer"
                                             ).fillna("-")


def main(before: Path, after: Path) -> None:
    print("\n### Mean distance to HR, L2-normalised (images measured)\n")
    moved = side_by_side(distances(before), distances(after)).reset_index()
    header = list(moved.columns)
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in moved.sort_values(["backbone", "factor", "method"]).itertuples(index=False):
        print("| " + " | ".join(str(v) for v in row) + " |")
    print("\n### Retrieval: mAP with its 95% bootstrap interval over the queries, and its "
          "share of `matched`")
    both = side_by_side(cells(before), cells(after)).reset_index()
    for (dataset, protocol, backbone), block in both.groupby(KEYS[:3], sort=True):
        print(f"\n#### {dataset} / {protocol}, {backbone}\n")
        block = block.drop(columns=KEYS[:3])
        header = ["factor", "method", *block.columns[2:]]
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
        for row in block.sort_values(["factor", "method"]).itertuples(index=False):
            print("| 1/" + " | ".join(str(v) for v in row) + " |")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(Path(sys.argv[1]), Path(sys.argv[2]))
