"""One look for the whole study: a fixed colour and marker per method, one order.

A method keeps its colour in every figure and notebook. Families share a hue: a
method fitted on the database (`_db`) is the light shade of its train-split twin.
"""
from __future__ import annotations

import numbers

# (colour, marker), in the order legends list them; filled markers only (seaborn will
# not mix filled and line-art markers in one plot)
METHODS = {
    "hr": ("#000000", "*"),
    "lr": ("#7f7f7f", "X"),
    "matched": ("#8c564b", "D"),
    "fsrgan": ("#1f77b4", "o"),
    "fsrgan_db": ("#aec7e8", "o"),
    "fsrgan_fa": ("#9467bd", "v"),
    "fsrgan_fa_db": ("#c5b0d5", "v"),
    "ridge": ("#2ca02c", "s"),
    "ridge_db": ("#98df8a", "s"),
    "mean_shift": ("#bcbd22", "d"),
    "mean_shift_db": ("#dbdb8d", "d"),
    "distill": ("#e377c2", "P"),
    "distill_db": ("#f7b6d2", "P"),
    "srcnn": ("#ff7f0e", "^"),
    "vdsr": ("#d62728", "^"),
    "bicubic": ("#7f7f7f", "X"),
}
# anything else (a method added later) gets these, in turn, after the known ones
_SPARE = ["#17becf", "#9edae5", "#c49c94", "#393b79", "#637939", "#8c6d31"]


def order(methods) -> list[str]:
    """Known methods in the study's order, then any others alphabetically."""
    methods = set(methods)
    return [m for m in METHODS if m in methods] + sorted(methods - set(METHODS))


def colours(methods) -> dict[str, str]:
    unknown = iter(_SPARE * 4)
    return {m: METHODS[m][0] if m in METHODS else next(unknown) for m in order(methods)}


def markers(methods) -> dict[str, str]:
    return {m: METHODS.get(m, ("", "o"))[1] for m in order(methods)}


def hue(methods) -> dict:
    """Keyword arguments for a seaborn call with hue="method" and style="method"."""
    return {"hue_order": order(methods), "palette": colours(methods),
            "style_order": order(methods), "markers": markers(methods), "dashes": False}


def ratio_label(factor) -> str:
    """A down-scaling factor as the study writes it: HR, 1/4, 1/9, ..."""
    return "HR" if int(factor) == 1 else f"1/{int(factor)}"


def by_ratio(table):
    """A pivot table whose columns are factors, with them written HR, 1/4 ... 1/64;
    columns that are not factors (a metric's name) are left as they are."""
    def label(column):
        whole = isinstance(column, numbers.Integral) or (
            isinstance(column, float) and column.is_integer())
        return ratio_label(column) if whole else column
    return table.rename(columns=label)
