"""What each stage of a run cost, from Snakemake's own `benchmark:` files.

Every rule records its job's wall time, CPU time and peak memory in
results/<run>/benchmarks/<stage>.tsv; this gathers them into tables/stage_cost.csv,
with the machine they were measured on (a time means little without it) and the
commit of the code that gathered them.

    python -m fsrstudy.report.costs OUT_CSV BENCHMARK.tsv ...
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pandas as pd

from fsrstudy.atomic import save_csv
from fsrstudy.hardware import cpu_kind, cpu_model
from fsrstudy.provenance import code_commit

MACHINE = ["cpu_kind", "cpu_model", "cores"]
COLUMNS = ["stage", "seconds", "cpu_seconds", "max_rss_mb", "mean_load", *MACHINE, "commit"]


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
    table = pd.DataFrame(rows, columns=COLUMNS[:5])
    return table.assign(cpu_kind=cpu_kind(), cpu_model=cpu_model(), cores=os.cpu_count(),
                        commit=code_commit())


def read_run_costs(run) -> pd.DataFrame:
    """A finished run's tables/stage_cost.csv; what older runs did not record (the CPU's
    model, the commit) says so."""
    table = pd.read_csv(Path(run) / "tables" / "stage_cost.csv")
    for column in COLUMNS:
        if column not in table:
            table[column] = "not recorded"
    return table[COLUMNS]


def runs_summary(runs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """One row per run (label -> its stage costs): the machine and commit it names, its
    jobs' wall and CPU seconds summed (the DAG's time where jobs ran one after another,
    as on a 2-core machine, where each takes both cores), its largest peak memory."""
    rows = []
    for label, table in runs.items():
        machine = table[MACHINE].astype(str).drop_duplicates()
        rows.append({
            "run": label,
            "commit": ", ".join(sorted(table["commit"].astype(str).unique())),
            "machine": "; ".join(f"{m.cpu_model} ({m.cpu_kind}, {m.cores} cores)"
                                 for m in machine.itertuples()),
            "jobs": len(table),
            "jobs_seconds": round(table["seconds"].sum(), 1),
            "jobs_cpu_seconds": round(table["cpu_seconds"].sum(), 1),
            "max_rss_mb": round(table["max_rss_mb"].max(), 1),
        })
    return pd.DataFrame(rows)


def stage_seconds(runs: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Wall seconds per stage (rows, in stage order) and run (columns); NaN where a run
    has no such stage."""
    columns = {label: table.set_index("stage")["seconds"] for label, table in runs.items()}
    table = pd.DataFrame(columns)
    return table.loc[sorted(table.index)]


def main(argv) -> None:
    out_csv, *paths = argv
    if not paths:
        raise SystemExit("usage: python -m fsrstudy.report.costs OUT_CSV BENCHMARK.tsv ...")
    save_csv(out_csv, stage_costs(paths))


if __name__ == "__main__":
    main(sys.argv[1:])
