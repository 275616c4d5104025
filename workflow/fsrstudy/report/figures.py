"""Every figure of the study, each a small function of one saved table.

Rebuilding a figure never recomputes features: `python -m fsrstudy.report.figures NAME TABLE OUT`
(what the workflow's `figure` rule runs).
"""
from __future__ import annotations

import argparse
import sys

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib import ticker

from fsrstudy.atomic import atomic_path
from fsrstudy.report import style
from fsrstudy.report.figure_catalog import FIGURES

REFERENCE_METHODS = ("hr_same_group", "hr_other_group")


factor_label = style.ratio_label


def _factor_axis(ax, factors):
    ax.set_xscale("log")
    ax.set_xticks(factors)
    ax.set_xticklabels([factor_label(f) for f in factors])
    ax.minorticks_off()
    ax.set_xlabel("down-scaling ratio (area)")


def _by_dataset_and_backbone(table: pd.DataFrame):
    """One row of panels per dataset, one column per backbone."""
    datasets = sorted(table["dataset"].unique())
    backbones = sorted(table["backbone"].unique())
    fig, axes = plt.subplots(len(datasets), len(backbones),
                             figsize=(5 * len(backbones), 4 * len(datasets)),
                             squeeze=False, constrained_layout=True)
    return fig, [((d, b), axes[i][j]) for i, d in enumerate(datasets)
                 for j, b in enumerate(backbones)]


def distance_vs_factor(table: pd.DataFrame, value: str = "mean_distance",
                       ylabel: str = "mean distance to HR feature"):
    fig, panels = _by_dataset_and_backbone(table)
    for (dataset, backbone), ax in panels:
        sub = table[(table["dataset"] == dataset) & (table["backbone"] == backbone)]
        curves = sub[~sub["method"].isin(REFERENCE_METHODS)]
        sns.lineplot(curves, x="factor", y=value, hue="method", style="method",
                     **style.hue(curves["method"].unique()), ax=ax)
        for method, dash in zip(REFERENCE_METHODS, ("--", ":")):
            ref = sub[sub["method"] == method]
            if len(ref) and value == "mean_distance":
                ax.axhline(ref[value].iloc[0], color="grey", ls=dash,
                           label=f"{method} (HR pairs)")
        _factor_axis(ax, sorted(curves["factor"].unique()))
        ax.set_title(f"{dataset} / {backbone}")
        ax.set_ylabel(ylabel)
        handles, labels = ax.get_legend_handles_labels()
        ax.legend(handles, _with_counts(labels, curves), fontsize=8)
    return fig


def _with_counts(labels, curves: pd.DataFrame) -> list[str]:
    """Legend labels that say on how many images each method was measured, when that
    differs between methods (the ISR baselines and the database-fitted methods are
    measured on fewer images than the others)."""
    if "n" not in curves:
        return labels
    counts = curves.groupby("method")["n"].max()
    if counts.nunique() < 2:
        return labels
    return [f"{label} (n={counts[label]})" if label in counts else label
            for label in labels]


def variance_vs_factor(table: pd.DataFrame):
    return distance_vs_factor(table, "variance", "variance of the distance")


def distance_distribution(per_image: pd.DataFrame):
    data = per_image[~per_image["method"].isin(REFERENCE_METHODS)].copy()
    data["ratio"] = data["factor"].map(factor_label)
    data["panel"] = data["dataset"] + " / " + data["backbone"]
    order = [factor_label(f) for f in sorted(data["factor"].unique())]
    methods = data["method"].unique()
    grid = sns.catplot(data, x="ratio", y="distance", hue="method", col="panel", col_wrap=2,
                       kind="violin", order=order, hue_order=style.order(methods),
                       palette=style.colours(methods), cut=0, inner="quart", height=4,
                       aspect=1.2)
    grid.set_axis_labels("down-scaling ratio (area)", "distance to HR feature")
    return grid.figure


def map_vs_factor(table: pd.DataFrame):
    table = table.assign(protocol=table["dataset"] + " " + table["protocol"])
    protocols = sorted(table["protocol"].unique())
    backbones = sorted(table["backbone"].unique())
    fig, axes = plt.subplots(len(protocols), len(backbones),
                             figsize=(5 * len(backbones), 3.6 * len(protocols)),
                             squeeze=False, constrained_layout=True)
    for i, protocol in enumerate(protocols):
        for j, backbone in enumerate(backbones):
            ax = axes[i][j]
            sub = table[(table["protocol"] == protocol) & (table["backbone"] == backbone)]
            curves = sub[sub["method"] != "hr"]
            sns.lineplot(curves, x="factor", y="mAP", hue="method", style="method",
                         **style.hue(curves["method"].unique()), ax=ax)
            hr = sub[sub["method"] == "hr"]
            if len(hr):
                ax.axhline(hr["mAP"].iloc[0], color="black", ls="--", label="hr (upper bound)")
            _factor_axis(ax, sorted(curves["factor"].unique()))
            n = int(sub["n_queries"].max()) if len(sub) else 0
            ax.set_title(f"{protocol} / {backbone} ({n} queries)", fontsize=9)
            ax.legend(fontsize=8)
    return fig


def training_curve(log: pd.DataFrame):
    long = log.melt(id_vars=["backbone", "step"],
                    value_vars=["distance", "adversarial", "loss_critic"],
                    var_name="term", value_name="value")
    grid = sns.relplot(long, x="step", y="value", hue="backbone", col="term", kind="line",
                       facet_kws={"sharey": False}, height=3.5, aspect=1.2)
    return grid.figure


def isr_quality(table: pd.DataFrame):
    long = table.melt(id_vars=["method", "factor"], value_vars=["psnr", "ssim"],
                      var_name="metric", value_name="value")
    grid = sns.relplot(long, x="factor", y="value", hue="method", style="method",
                       col="metric", kind="line", **style.hue(long["method"].unique()),
                       facet_kws={"sharey": False}, height=3.6, aspect=1.2)
    for ax in grid.axes.flat:
        _factor_axis(ax, sorted(table["factor"].unique()))
    grid.axes.flat[0].set_ylabel("PSNR (dB, Y)")
    grid.axes.flat[1].set_ylabel("SSIM (Y)")
    return grid.figure


def isr_training_curve(log: pd.DataFrame):
    fig, ax = plt.subplots(figsize=(6, 4), constrained_layout=True)
    smooth = log.assign(loss=log.groupby("model")["loss"].transform(
        lambda s: s.rolling(10, min_periods=1).mean()))
    sns.lineplot(smooth, x="step", y="loss", hue="model", ax=ax)
    ax.set_yscale("log")
    ax.set_ylabel("MSE on Y patches (rolling mean of 10)")
    return fig


def _panels(table: pd.DataFrame, rows: str, cols: str, width=5.0, height=3.8):
    """A grid of axes: one row per value of `rows`, one column per value of `cols`."""
    row_values, col_values = sorted(table[rows].unique()), sorted(table[cols].unique())
    fig, axes = plt.subplots(len(row_values), len(col_values),
                             figsize=(width * len(col_values), height * len(row_values)),
                             squeeze=False, constrained_layout=True)
    return fig, [((r, c), axes[i][j]) for i, r in enumerate(row_values)
                 for j, c in enumerate(col_values)]


def _with_panel_key(table: pd.DataFrame) -> pd.DataFrame:
    return table.assign(panel=table["dataset"] + " " + table["protocol"])


def map_vs_distractors(table: pd.DataFrame):
    """mAP against the number of distractors: one row of panels per protocol and
    backbone, one column per factor; colour = method (its 95% interval over the queries
    shaded where the table has it), HR queries (black) repeated in every panel as the
    reference."""
    return _map_per_ratio(table, "n_distractors", "distractors added", band=True)


def map_vs_bits(table: pd.DataFrame):
    """Low bit-rate search: mAP against the kbit sent per query (log scale). One row of
    panels per protocol and backbone, one column per factor; colour = method, the HR
    image's JPEG curve (black) repeated in every panel as the reference."""
    fig = _map_per_ratio(table.assign(kbit=table["bits"] / 1000), "kbit",
                         "kbit sent per query")
    for ax in fig.axes:
        ax.set_xscale("log")
        ax.xaxis.set_major_formatter(ticker.FuncFormatter(lambda v, _: f"{v:g}"))
        ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    return fig


def _map_per_ratio(table: pd.DataFrame, x: str, xlabel: str, band: bool = False):
    """mAP against column `x`: one row of panels per protocol and backbone, one column
    per factor, one line per method, `hr` (factor 1) in every panel; `band`: each
    method's mAP_low..mAP_high shaded."""
    table = _with_panel_key(table)
    table = table.assign(row=table["panel"] + " / " + table["backbone"])
    rows = sorted(table["row"].unique())
    factors = sorted(f for f in table["factor"].unique() if f != 1) or [1]
    methods = table["method"].unique()
    colours, markers = style.colours(methods), style.markers(methods)
    fig, axes = plt.subplots(len(rows), len(factors), sharex=True, sharey="row",
                             squeeze=False,
                             figsize=(3.6 * len(factors), 3.0 * len(rows)),
                             constrained_layout=True)
    for i, row in enumerate(rows):
        sub = table[table["row"] == row]
        for j, factor in enumerate(factors):
            ax = axes[i][j]
            here = sub[(sub["factor"] == factor) | (sub["method"] == "hr")]
            for method in style.order(here["method"].unique()):
                points = here[here["method"] == method].sort_values(x)
                ax.plot(points[x], points["mAP"], "-", marker=markers[method], ms=4,
                        color=colours[method], label=method)
                if band and "mAP_low" in points:
                    ax.fill_between(points[x], points["mAP_low"], points["mAP_high"],
                                    color=colours[method], alpha=0.08, linewidth=0)
            ax.set_title(f"{row}, {factor_label(factor)}", fontsize=8)
            ax.set_xlabel(xlabel if i == len(rows) - 1 else "")
            ax.set_ylabel("mAP" if j == 0 else "")
    handles, labels = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=min(6, len(labels)),
               fontsize=8)
    return fig


def diverged_runs(table: pd.DataFrame, ratio: float = 3.0) -> pd.Series:
    """Runs (variant, seed) whose distance at some factor is over `ratio` times the
    median distance of every run at that factor: a training that blew up."""
    median = table.groupby("factor")["mean_distance"].transform("median")
    far = table["mean_distance"] > ratio * median
    runs = table.loc[far, ["variant", "seed"]].drop_duplicates()
    keys = pd.MultiIndex.from_frame(table[["variant", "seed"]])
    return pd.Series(keys.isin(pd.MultiIndex.from_frame(runs)), index=table.index)


def focal_exponent(table: pd.DataFrame):
    """Ablation: distance to HR and mAP per factor for each loss variant: every seed a
    point, the median a bar. Diverged runs are left out of the axes (which they would
    flatten) and listed on the figure with their values."""
    first = sorted(table["dataset"].unique())[0]
    protocol = sorted(table.loc[table["dataset"] == first, "protocol"].unique())[0]
    sub = table[(table["dataset"] == first) & (table["protocol"] == protocol)].copy()
    sub["ratio"] = sub["factor"].map(factor_label)
    order = [factor_label(f) for f in sorted(sub["factor"].unique())]
    diverged = diverged_runs(sub)
    kept, lost = sub[~diverged], sub[diverged]
    fig, axes = plt.subplots(1, 2, figsize=(11, 4.2), constrained_layout=True)
    for ax, value, label in ((axes[0], "mean_distance", "mean distance to HR feature"),
                             (axes[1], "mAP", f"mAP ({first} {protocol})")):
        sns.stripplot(kept, x="ratio", y=value, hue="variant", order=order, dodge=True,
                      jitter=False, size=5, alpha=0.8, ax=ax)
        sns.pointplot(kept, x="ratio", y=value, hue="variant", order=order, dodge=0.53,
                      estimator="median", errorbar=None, markers="_", markersize=18,
                      linestyles="none", legend=False, ax=ax)
        ax.set_xlabel("down-scaling ratio (area)")
        ax.set_ylabel(label)
        ax.legend(fontsize=7, title="variant (dots: seeds, bar: median)",
                  title_fontsize=7)
    note = ""
    if len(lost):
        runs = lost.groupby(["variant", "seed"])["mean_distance"].max()
        note = "; diverged, not drawn: " + ", ".join(
            f"{v} seed {s} (distance up to {d:.3g})" for (v, s), d in runs.items())
    fig.suptitle(f"{sub['backbone'].iloc[0]}, {sub['seed'].nunique()} seeds{note}",
                 fontsize=9)
    return fig


def stage_cost(table: pd.DataFrame):
    """Wall time of each stage (bars) and its CPU time (dots), as Snakemake measured."""
    table = table.sort_values("stage", ascending=False)
    fig, ax = plt.subplots(figsize=(7, 0.32 * len(table) + 1.2), constrained_layout=True)
    ax.barh(table["stage"], table["seconds"], color="#4c72b0", label="wall time")
    ax.plot(table["cpu_seconds"], table["stage"], "o", color="#dd8452", label="CPU time")
    total = table["seconds"].sum()
    machine = f"{table['cpu_kind'].iloc[0]} CPU, {table['cores'].iloc[0]} cores"
    ax.set_xlabel("seconds")
    ax.set_title(f"stage cost: {total / 60:.1f} min of jobs in all ({machine})", fontsize=9)
    # below the axes: inside, it would hide the dots of the longest stages
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=2)
    return fig


def render(name: str, table_csv, out_png) -> None:
    if name not in FIGURES:
        raise KeyError(f"unknown figure {name!r}; known: {sorted(FIGURES)}")
    draw = globals()[name]  # each figure is drawn by the function of its name
    fig = draw(pd.read_csv(table_csv, keep_default_na=False, na_values=[""]))
    with atomic_path(out_png) as tmp:
        fig.savefig(tmp, dpi=110, format="png")
    plt.close(fig)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Draw one figure from its table.")
    parser.add_argument("name", choices=sorted(FIGURES))
    parser.add_argument("table")
    parser.add_argument("out")
    args = parser.parse_args(argv)
    plt.switch_backend("Agg")  # a file, no screen; notebooks keep their inline backend
    render(args.name, args.table, args.out)


if __name__ == "__main__":
    main(sys.argv[1:])
