"""mAP with its 95% bootstrap interval, as one wide table (methods x factors) per
dataset, protocol and backbone of a retrieval table: what the docs and the README show
of a run, read from its tables/retrieval.csv."""
from __future__ import annotations

import pandas as pd


def factor_column(factor: int) -> str:
    return "HR" if factor == 1 else f"1/{factor}"


def map_with_intervals(retrieval: pd.DataFrame) -> dict[tuple[str, str, str], pd.DataFrame]:
    """(dataset, protocol, backbone) -> methods (rows, in the table's order) x factors
    (HR, then 1/f by f), each cell 'mAP [low, high]' to three decimals; '' where a
    method has no value at a factor (hr is HR only, the others LR only). Each frame's
    attrs["n_queries"] says how many queries the block scores."""
    cells = retrieval.assign(
        cell=retrieval["mAP"].map("{:.3f}".format) + " ["
        + retrieval["mAP_low"].map("{:.3f}".format) + ", "
        + retrieval["mAP_high"].map("{:.3f}".format) + "]",
        column=retrieval["factor"].map(factor_column))
    blocks = {}
    for key, block in cells.groupby(["dataset", "protocol", "backbone"], sort=True):
        wide = block.pivot_table(index="method", columns="column", values="cell",
                                 aggfunc="first").fillna("")
        factors = sorted(block["factor"].unique())
        wide = wide.reindex(index=list(dict.fromkeys(block["method"])),
                            columns=[factor_column(f) for f in factors])
        wide.attrs["n_queries"] = int(block["n_queries"].max())
        blocks[key] = wide.rename_axis(index="method", columns=None)
    return blocks
