"""Print, as markdown, the standings of two runs side by side: per protocol, backbone
and factor, each method's mAP with its 95% bootstrap interval and its share of
`matched`, before and after a change (e.g. the cross-fitting of the `_db` methods), so
that a lab note's numbers are copied from the runs' tables, never typed.

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


def main(before: Path, after: Path) -> None:
    both = cells(before).join(cells(after), lsuffix=" before", rsuffix=" after", how="outer")
    both = both.fillna("-").reset_index()
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
