"""Print the README's "Measured" tables (markdown) from one run's tables, so that the
numbers there are copied from a run, never typed.

    PYTHONPATH=workflow .venv/bin/python scripts/readme_tables.py results/demo
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

ISR_AND_FSR = ["lr", "fsrgan", "fsrgan_db", "fsrgan_fa", "fsrgan_fa_db", "ridge",
               "ridge_db", "distill", "distill_db", "srcnn", "vdsr", "matched"]


def markdown(frame: pd.DataFrame, digits: int = 3) -> str:
    frame = frame.reset_index()
    cells = [[f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row]
             for row in frame.itertuples(index=False)]
    header = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])


def main(run: Path) -> None:
    tables = run / "tables"
    distance = pd.read_csv(tables / "distance.csv")
    methods = distance[distance["method"].isin(ISR_AND_FSR)]
    print("## distance (mean; n)\n")
    print(markdown(methods.pivot_table(index=["backbone", "method", "n"], columns="factor",
                                       values="mean_distance")))
    print("\n## isr_quality (PSNR / SSIM)\n")
    quality = pd.read_csv(tables / "isr_quality.csv")
    quality["value"] = quality["psnr"].map("{:.2f}".format) + " / " + \
        quality["ssim"].map("{:.3f}".format)
    print(markdown(quality.pivot_table(index="factor", columns="method", values="value",
                                       aggfunc="first")))
    print("\n## retrieval mAP\n")
    retrieval = pd.read_csv(tables / "retrieval.csv")
    print(markdown(retrieval.pivot_table(index=["protocol", "n_queries", "backbone",
                                                "method"], columns="factor", values="mAP")))
    print("\n## share of matched (mAP / matched mAP)\n")
    from fsrstudy.evaluation import comparison
    shares = comparison.against_matched(retrieval)
    print(markdown(shares.pivot_table(index=["protocol", "backbone", "method"],
                                      columns="factor", values="of_matched")))
    print("\n" + comparison.standings(retrieval))
    if (tables / "seed_spread.csv").is_file():
        print("\n## seed spread (mAP mean +- sd over seeds, share of matched)\n")
        spread = pd.read_csv(tables / "seed_spread.csv")
        stats = comparison.spread_against_matched(retrieval, spread)
        stats["value"] = (stats["mAP_mean"].map("{:.3f}".format) + " +- "
                          + stats["mAP_std"].map("{:.3f}".format) + " ("
                          + stats["of_matched"].map("{:.0%}".format) + ")")
        print(markdown(stats.pivot_table(index=["protocol", "backbone", "method"],
                                         columns="factor", values="value",
                                         aggfunc="first")))
    if not (tables / "focal.csv").is_file():
        return
    print("\n## focal (mean +- sd over seeds)\n")
    focal = pd.read_csv(tables / "focal.csv")
    focal = focal[focal["protocol"] == focal["protocol"].iloc[0]]
    stats = focal.groupby(["variant", "factor"])[["mean_distance", "mAP"]].agg(["mean", "std"])
    stats.columns = [f"{a}_{b}" for a, b in stats.columns]
    print(markdown(stats, 4))
    print("\n## stage cost (seconds)\n")
    print(markdown(pd.read_csv(tables / "stage_cost.csv").set_index("stage"), 1))
    print("\n## isr cost\n")
    print(markdown(pd.read_csv(tables / "isr_cost.csv").set_index("model"), 1))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
