"""What each stage of a run cost, from Snakemake's own `benchmark:` files.

Every rule records its job's wall time, CPU time and peak memory in
results/<run>/benchmarks/<stage>.tsv; this gathers them into tables/stage_cost.csv,
with the machine they were measured on (a time means little without it).

    python -m fsrstudy.report.costs OUT_CSV BENCHMARK.tsv ...
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

from fsrstudy.atomic import save_csv
from fsrstudy.hardware import cpu_kind

COLUMNS = ["stage", "seconds", "cpu_seconds", "max_rss_mb", "mean_load", "cpu_kind",
           "cores"]


def read_benchmark(path) -> dict:
    """One Snakemake benchmark file: its first (only) repeat."""
    row = pd.read_csv(path, sep="\t").iloc[0]

    def number(key):
        value = pd.to_numeric(row.get(key), errors="coerce")
        return None if pd.isna(value) else float(value)

    return {"stage": Path(path).stem, "seconds": number("s"),
            "cpu_seconds": number("cpu_time"), "max_rss_mb": number("max_rss"),
            "mean_load": number("mean_load")}


def stage_costs(paths) -> pd.DataFrame:
    rows = [read_benchmark(p) for p in paths]
    table = pd.DataFrame(rows, columns=COLUMNS[:-2])
    return table.assign(cpu_kind=cpu_kind(), cores=os.cpu_count())


def main(argv) -> None:
    out_csv, *paths = argv
    if not paths:
        raise SystemExit("usage: python -m fsrstudy.report.costs OUT_CSV BENCHMARK.tsv ...")
    save_csv(out_csv, stage_costs(paths))


if __name__ == "__main__":
    main(sys.argv[1:])
