"""Plain statements of where FSR-GAN stands against the two comparisons the paper did
not make: `matched` (the database re-extracted at the query's factor) and `fsrgan_db`
(FSR fitted on the database itself). Computed from a retrieval table, never typed in."""
from __future__ import annotations

import pandas as pd

RIVALS = ("lr", "matched", "fsrgan_db")


def fsrgan_against(table: pd.DataFrame, metric: str = "mAP") -> pd.DataFrame:
    """One row per dataset, protocol, backbone and factor: FSR-GAN's metric, each
    rival's, and FSR-GAN's margin over it (positive: FSR-GAN ahead)."""
    keys = ["dataset", "protocol", "backbone", "factor"]
    wide = table[table["method"] != "hr"].pivot_table(index=keys, columns="method",
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
