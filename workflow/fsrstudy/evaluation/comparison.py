"""Plain statements of where FSR-GAN and every other method stand, against the
comparisons the paper did not make: `matched` (the database re-extracted at the query's
factor), `fsrgan_db` (FSR fitted on the database itself), the closed-form `ridge` /
`ridge_db` maps and the distilled query networks `distill` / `distill_db`. Computed from
a retrieval table, never typed in."""
from __future__ import annotations

import pandas as pd

RIVALS = ("lr", "matched", "fsrgan_db", "ridge", "ridge_db", "distill", "distill_db")
KEYS = ["dataset", "protocol", "backbone", "factor"]


def fsrgan_against(table: pd.DataFrame, metric: str = "mAP") -> pd.DataFrame:
    """One row per dataset, protocol, backbone and factor: FSR-GAN's metric, each
    rival's, and FSR-GAN's margin over it (positive: FSR-GAN ahead)."""
    wide = table[table["method"] != "hr"].pivot_table(index=KEYS, columns="method",
                                                      values=metric)
    if "fsrgan" not in wide:
        return pd.DataFrame()
    out = wide[["fsrgan"] + [r for r in RIVALS if r in wide]].copy()
    for rival in RIVALS:
        if rival in wide:
            out[f"fsrgan - {rival}"] = wide["fsrgan"] - wide[rival]
    return out.reset_index()


def summary(verdicts: pd.DataFrame) -> str:
    """One sentence per rival: how often FSR-GAN is ahead, and the mean margin."""
    if verdicts.empty:
        return "No FSR-GAN results in this table."
    lines = []
    for rival in RIVALS:
        column = f"fsrgan - {rival}"
        if column not in verdicts:
            continue
        margin = verdicts[column].dropna()
        ahead = int((margin > 0).sum())
        lines.append(f"FSR-GAN vs {rival}: ahead in {ahead} of {len(margin)} "
                     f"(dataset, protocol, backbone, factor) cells; mean mAP margin "
                     f"{margin.mean():+.4f} (min {margin.min():+.4f}, max {margin.max():+.4f}).")
    return "\n".join(lines)


def against_matched(table: pd.DataFrame, metric: str = "mAP") -> pd.DataFrame:
    """One row per method and (dataset, protocol, backbone, factor): its metric, as a
    share of `matched`'s (one HR index against one index per factor), and the share of
    the HR - LR gap it recovers ((m - lr) / (hr - lr))."""
    hr = (table[table["method"] == "hr"].set_index(["dataset", "protocol", "backbone"])
          [metric].rename("hr"))
    wide = table[table["method"] != "hr"].pivot_table(index=KEYS, columns="method",
                                                      values=metric)
    if "matched" not in wide or "lr" not in wide:
        return pd.DataFrame()
    long = wide.stack().rename(metric).reset_index()
    long = long.join(wide[["matched", "lr"]], on=KEYS).join(hr, on=KEYS[:3])
    long["of_matched"] = long[metric] / long["matched"]
    long["gap_recovered"] = (long[metric] - long["lr"]) / (long["hr"] - long["lr"])
    return long[KEYS + ["method", metric, "matched", "of_matched", "gap_recovered"]]


def standings(table: pd.DataFrame, metric: str = "mAP") -> str:
    """Per protocol, backbone and factor: the best method with one HR index (not
    `matched`) and its share of `matched`."""
    shares = against_matched(table, metric)
    if shares.empty:
        return "No `lr` and `matched` results in this table to compare with."
    one_index = shares[~shares["method"].isin(["matched"])]
    lines = []
    for key, cell in one_index.groupby(KEYS, sort=True):
        best = cell.loc[cell[metric].idxmax()]
        dataset, protocol, backbone, factor = key
        lines.append(f"{dataset}/{protocol}, {backbone}, 1/{factor}: best {best['method']} "
                     f"{metric} {best[metric]:.3f} = {best['of_matched']:.0%} of matched "
                     f"({best['matched']:.3f}); recovers {best['gap_recovered']:.0%} of "
                     f"the HR - LR gap.")
    return "\n".join(lines)


def spread_against_matched(table: pd.DataFrame, spread: pd.DataFrame) -> pd.DataFrame:
    """Per fitted method and (dataset, protocol, backbone, factor) of a seed-spread table
    (`seed_spread.csv`): mean and standard deviation of mAP over the seeds, the number
    of seeds, and the mean as a share of `matched`'s mAP in the retrieval table."""
    keys = KEYS + ["method"]
    stats = spread.groupby(keys)["mAP"].agg(["mean", "std", "count"]).reset_index()
    stats.columns = keys + ["mAP_mean", "mAP_std", "seeds"]
    matched = table[table["method"] == "matched"].set_index(KEYS)["mAP"].rename("matched")
    stats = stats.join(matched, on=KEYS)
    stats["of_matched"] = stats["mAP_mean"] / stats["matched"]
    return stats


def spread_standings(table: pd.DataFrame, spread: pd.DataFrame) -> str:
    """Per cell, every fitted method's mAP as mean +- standard deviation over seeds,
    best first, with its share of `matched`."""
    stats = spread_against_matched(table, spread)
    lines = []
    for key, cell in stats.groupby(KEYS, sort=True):
        dataset, protocol, backbone, factor = key
        ranked = cell.sort_values("mAP_mean", ascending=False)
        parts = [f"{r.method} {r.mAP_mean:.3f} +- {r.mAP_std:.3f} ({r.of_matched:.0%})"
                 for r in ranked.itertuples()]
        lines.append(f"{dataset}/{protocol}, {backbone}, 1/{factor} ({int(cell.seeds.max())} "
                     f"seeds; share of matched): " + "; ".join(parts) + ".")
    return "\n".join(lines)
