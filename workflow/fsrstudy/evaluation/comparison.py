"""Plain statements of where FSR-GAN and every other method stand, against the
comparisons the paper did not make: `matched` (the database re-extracted at the query's
factor), `fsrgan_db` (FSR fitted on the database itself), the closed-form `ridge` /
`ridge_db` maps and the distilled query networks `distill` / `distill_db`. Computed from
a retrieval table, never typed in."""
from __future__ import annotations

import pandas as pd

from fsrstudy.evaluation import uncertainty

RIVALS = ("lr", "mean_shift", "matched", "fsrgan_db", "ridge", "ridge_db", "distill",
          "distill_db")
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


def summary(verdicts: pd.DataFrame, per_query: pd.DataFrame | None = None,
            seed: int = 0) -> str:
    """One sentence per rival: how often FSR-GAN is ahead, and the mean margin; with
    the per-query APs, in how many cells a paired bootstrap tells them apart."""
    if verdicts.empty:
        return "No FSR-GAN results in this table."
    lines = []
    for rival in RIVALS:
        column = f"fsrgan - {rival}"
        if column not in verdicts:
            continue
        margin = verdicts[column].dropna()
        ahead = int((margin > 0).sum())
        line = (f"FSR-GAN vs {rival}: ahead in {ahead} of {len(margin)} "
                f"(dataset, protocol, backbone, factor) cells; mean mAP margin "
                f"{margin.mean():+.4f} (min {margin.min():+.4f}, max {margin.max():+.4f})")
        if per_query is not None:
            told = _told_apart(verdicts.loc[margin.index, KEYS], per_query, rival, seed)
            line += (f"; paired bootstrap over the queries: FSR-GAN above in "
                     f"{told['fsrgan above']}, below in {told['below']}, not "
                     f"distinguishable in {told[uncertainty.NOT_DISTINGUISHABLE]}")
        lines.append(line + ".")
    return "\n".join(lines)


def _told_apart(cells: pd.DataFrame, per_query: pd.DataFrame, rival: str, seed: int) -> dict:
    """How many `cells` a paired bootstrap puts FSR-GAN above, below, or not apart
    from `rival`."""
    aps = per_query.set_index(KEYS + ["method"])["AP"]
    words = {f"fsrgan above {rival}": "fsrgan above", f"{rival} above fsrgan": "below",
             uncertainty.NOT_DISTINGUISHABLE: uncertainty.NOT_DISTINGUISHABLE}
    counts = dict.fromkeys(words.values(), 0)
    for key in cells.itertuples(index=False):
        verdict = uncertainty.paired_difference(
            aps.loc[(*key, "fsrgan")].to_numpy(), aps.loc[(*key, rival)].to_numpy(),
            seed=seed, names=("fsrgan", rival))["verdict"]
        counts[words[verdict]] += 1
    return counts


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


def paired_verdicts(table: pd.DataFrame, per_query: pd.DataFrame, seed: int = 0,
                    rivals=("runner-up", "matched", "lr")) -> pd.DataFrame:
    """Per (dataset, protocol, backbone, factor): the best method with one HR index (not
    `matched`) by mAP, and its paired bootstrap comparison (uncertainty.paired_difference,
    the queries resampled under `seed`) with each of `rivals`: the runner-up one-index
    method, `matched`, `lr`. A claim "best" or "beats" holds only where the verdict is
    not "not distinguishable"."""
    shares = against_matched(table)
    if shares.empty:
        return pd.DataFrame()
    aps = per_query.set_index(KEYS + ["method"])
    maps = table.set_index(KEYS + ["method"])["mAP"]
    rows = []
    for key, cell in shares[shares["method"] != "matched"].groupby(KEYS, sort=True):
        ranked = cell.sort_values("mAP", ascending=False, kind="stable")
        best = ranked.iloc[0]
        named = {"runner-up": ranked.iloc[1]["method"] if len(ranked) > 1 else None,
                 "matched": "matched", "lr": "lr" if best["method"] != "lr" else None}
        seen = set()
        for role in rivals:
            rival = named.get(role)
            if rival is None or rival in seen:  # the runner-up may be lr itself
                continue
            seen.add(rival)
            a, b = aps.loc[(*key, best["method"]), "AP"], aps.loc[(*key, rival), "AP"]
            paired = uncertainty.paired_difference(a.to_numpy(), b.to_numpy(), seed=seed,
                                                   names=(best["method"], rival))
            rows.append({**dict(zip(KEYS, key)), "best": best["method"],
                         "best_mAP": best["mAP"], "of_matched": best["of_matched"],
                         "rival_role": role, "rival": rival,
                         "rival_mAP": maps.loc[(*key, rival)],
                         **paired})
    return pd.DataFrame(rows)


def standings(table: pd.DataFrame, per_query: pd.DataFrame, seed: int = 0) -> str:
    """Per protocol, backbone and factor, in words: the best method with one HR index,
    its share of `matched`, and whether it is distinguishable from the runner-up, from
    `matched` and from `lr` (paired_verdicts)."""
    verdicts = paired_verdicts(table, per_query, seed)
    if verdicts.empty:
        return "No `lr` and `matched` results in this table to compare with."
    return "\n".join(cell_sentence(cell) for _, cell in verdicts.groupby(KEYS, sort=True))


def cell_sentence(cell: pd.DataFrame) -> str:
    """One cell of paired_verdicts in words."""
    first = cell.iloc[0]
    parts = []
    for r in cell.itertuples():
        rival = f"the runner-up {r.rival}" if r.rival_role == "runner-up" else r.rival
        parts.append(f"against {rival} ({r.rival_mAP:.3f}): {r.verdict} "
                     f"({r.difference:+.3f} [{r.low:+.3f}, {r.high:+.3f}], {r.n} queries)")
    return (f"{first['dataset']}/{first['protocol']}, {first['backbone']}, "
            f"1/{first['factor']}: highest {first['best']} mAP {first['best_mAP']:.3f} = "
            f"{first['of_matched']:.0%} of matched; " + "; ".join(parts) + ".")


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
