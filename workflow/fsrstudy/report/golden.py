"""Recorded results of a run, and how far a new run of the same config may stray from
them: the golden test of the tiny run (tests/golden/tiny), usable on any two runs.

What is compared: the data stages' outputs (manifest, ground truth) exactly, and every
table under tables/ cell by cell: text and integer columns exactly, numbers within
tolerances (TOLERANCES; ranking metrics: RANKED). The tolerances are float noise, not
slack: the same config on another CPU (other SIMD kernels, BLAS paths and thread
counts) moves the tiny run's numbers by far less, while a changed method, seed, split
or metric moves them by more.
Tables whose values are timings are not compared.

    python -m fsrstudy.report.golden compare RUN_DIR GOLDEN_DIR
    python -m fsrstudy.report.golden record RUN_DIR GOLDEN_DIR   (scripts/record_tiny_tables.py)
"""
from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
from pathlib import Path

import numpy as np
import pandas as pd

EXACT_FILES = ("manifest.csv", "ground_truth.json")
# wall times and the machine that trained a model: they differ on every run
TIMED_TABLES = {"stage_cost.csv", "isr_cost.csv"}
# (absolute, relative) tolerance of a numeric column; DEFAULT for the rest. Losses and
# PSNR are not bounded by 1, hence a relative part.
DEFAULT = (1e-4, 1e-4)
TOLERANCES = {
    "psnr": (1e-3, 1e-4),
}
# Ranking metrics move by a step, not by float noise, when two database images lie at
# near-equal distances from a query and another CPU orders them the other way (seen on
# the tiny run: one VDSR row, mAP 0.820 vs 0.823, mP@5 0.750 vs 0.775, its distances
# equal to 1e-4). So a few rows of such a column may differ: at most RANK_FLIP_SHARE of
# the table's rows (at least one). A real change of a method or of the scoring moves
# more rows than that, and moves the distance tables, which are held to 1e-4. mAP's
# bootstrap interval and a query's own AP step with it.
RANKED = {"mAP", "mAP_low", "mAP_high", "AP", "mP@1", "mP@5", "mP@10"}
RANK_FLIP_SHARE = 0.05
RECORD = "recorded.json"  # where, on what and from which commit the tables were recorded


def compared_files(run: Path) -> list[Path]:
    tables = sorted((run / "tables").glob("*.csv"))
    return [*(run / name for name in EXACT_FILES),
            *(t for t in tables if t.name not in TIMED_TABLES)]


def _relative(run: Path, path: Path) -> str:
    return str(path.relative_to(run))


def table_differences(name: str, ours: pd.DataFrame, theirs: pd.DataFrame,
                      limit: int = 5) -> list[str]:
    """What differs between two versions of one table beyond the tolerances, in words."""
    if list(ours.columns) != list(theirs.columns):
        return [f"{name}: columns {list(ours.columns)} against recorded {list(theirs.columns)}"]
    if len(ours) != len(theirs):
        return [f"{name}: {len(ours)} rows against {len(theirs)} recorded"]
    found = []
    for column in ours.columns:
        a, b = ours[column], theirs[column]
        numeric = pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b)
        if numeric and (pd.api.types.is_float_dtype(a) or pd.api.types.is_float_dtype(b)):
            atol, rtol = TOLERANCES.get(column, DEFAULT)
            x, y = a.to_numpy(float), b.to_numpy(float)
            off = ~np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=True)
            if column in RANKED and off.sum() <= max(1, int(RANK_FLIP_SHARE * len(x))):
                continue  # a near-tie ordered the other way (RANKED)
            for i in np.where(off)[0][:limit]:
                found.append(f"{name} row {i} {column}: {float(x[i])!r} against recorded "
                             f"{float(y[i])!r} (tolerance {atol:g} + {rtol:g} x |recorded|)")
        else:
            text = [c.astype(object).where(c.notna(), "").astype(str) for c in (a, b)]
            off = (text[0] != text[1]).to_numpy()
            for i in np.where(off)[0][:limit]:
                found.append(f"{name} row {i} {column}: {a.iloc[i]!r} against recorded "
                             f"{b.iloc[i]!r}")
    return found


def differences(run, golden) -> list[str]:
    """Every difference of run's results from the recorded ones in `golden`, in words;
    [] when they agree."""
    run, golden = Path(run), Path(golden)
    ours = {_relative(run, p) for p in compared_files(run) if p.exists()}
    theirs = {_relative(golden, p) for p in compared_files(golden) if p.exists()}
    found = [f"{n}: not recorded (scripts/record_tiny_tables.py records it)"
             for n in sorted(ours - theirs)]
    found += [f"{n}: recorded, but this run has none" for n in sorted(theirs - ours)]
    for name in sorted(ours & theirs):
        if Path(name).name in EXACT_FILES:
            if (run / name).read_bytes() != (golden / name).read_bytes():
                found.append(f"{name}: differs from the recorded file (compared exactly)")
            continue
        read = dict(keep_default_na=False, na_values=[""])
        found += table_differences(name, pd.read_csv(run / name, **read),
                                   pd.read_csv(golden / name, **read))
    return found


def record(run, golden, note: dict | None = None) -> list[str]:
    """Copy the compared files of `run` into `golden` (replacing what was there), with
    a recorded.json saying where they come from."""
    run, golden = Path(run), Path(golden)
    shutil.rmtree(golden, ignore_errors=True)
    names = []
    for path in compared_files(run):
        name = _relative(run, path)
        (golden / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, golden / name)
        names.append(name)
    info = {"machine": platform.machine(), "python": platform.python_version(),
            **(note or {}), "files": names}
    (golden / RECORD).write_text(json.dumps(info, indent=1, sort_keys=True) + "\n")
    return names


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Compare a run's results with recorded "
                                                 "ones, within float tolerances, or record them.")
    parser.add_argument("action", choices=["compare", "record"])
    parser.add_argument("run", help="a run's results folder (results/<run>)")
    parser.add_argument("golden", help="the folder of recorded results")
    args = parser.parse_args(argv)
    if args.action == "record":
        names = record(args.run, args.golden)
        print(f"recorded {len(names)} files into {args.golden}")
        return 0
    found = differences(args.run, args.golden)
    print("\n".join(found) if found else "the same, within tolerance")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
