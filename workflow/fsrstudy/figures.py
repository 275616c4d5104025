"""Every figure of the study, each a small function of one saved table.

Rebuilding a figure never recomputes features: `python -m fsrstudy.figures NAME TABLE OUT`
(what the workflow's `figure` rule runs).
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from typing import Callable

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from .atomic import atomic_path

REFERENCE_METHODS = ("hr_same_group", "hr_other_group")


def factor_label(factor: int) -> str:
    return "HR" if factor == 1 else f"1/{factor}"


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
        sns.lineplot(curves, x="factor", y=value, hue="method", marker="o", ax=ax)
        for method, style in zip(REFERENCE_METHODS, ("--", ":")):
            ref = sub[sub["method"] == method]
            if len(ref) and value == "mean_distance":
                ax.axhline(ref[value].iloc[0], color="grey", ls=style,
                           label=f"{method} (HR pairs)")
        _factor_axis(ax, sorted(curves["factor"].unique()))
        ax.set_title(f"{dataset} / {backbone}")
        ax.set_ylabel(ylabel)
        ax.legend(fontsize=8)
    return fig


def variance_vs_factor(table: pd.DataFrame):
    return distance_vs_factor(table, "variance", "variance of the distance")


def distance_distribution(per_image: pd.DataFrame):
    data = per_image[~per_image["method"].isin(REFERENCE_METHODS)].copy()
    data["ratio"] = data["factor"].map(factor_label)
    data["panel"] = data["dataset"] + " / " + data["backbone"]
    order = [factor_label(f) for f in sorted(data["factor"].unique())]
    grid = sns.catplot(data, x="ratio", y="distance", hue="method", col="panel", col_wrap=2,
                       kind="violin", order=order, cut=0, inner="quart", height=4,
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
            sns.lineplot(curves, x="factor", y="mAP", hue="method", marker="o", ax=ax)
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
    grid = sns.relplot(long, x="factor", y="value", hue="method", col="metric", kind="line",
                       marker="o", facet_kws={"sharey": False}, height=3.6, aspect=1.2)
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


@dataclass(frozen=True)
class Figure:
    table: str                      # file name under results/<run>/tables/
    draw: Callable[[pd.DataFrame], plt.Figure]
    caption: str


FIGURES = {
    "distance_vs_factor": Figure("distance.csv", distance_vs_factor,
        "Mean Euclidean distance between each method's feature of a held-out image and "
        "its HR feature, per down-scaling ratio (paper, Intro). Grey lines: distance "
        "between HR features of different images of one group (dashed) and of "
        "different groups (dotted)."),
    "variance_vs_factor": Figure("distance.csv", variance_vs_factor,
        "Variance, within one down-scaling ratio, of the distance to the HR feature "
        "(paper, Intro: about constant across ratios for LR features)."),
    "distance_distribution": Figure("distance_per_image.csv", distance_distribution,
        "Distribution of the per-image distance to the HR feature, per ratio and method."),
    "map_vs_factor": Figure("retrieval.csv", map_vs_factor,
        "Retrieval mAP of queries at each down-scaling ratio against the HR database, "
        "per protocol and backbone; dashed: HR queries (upper bound)."),
    "training_curve": Figure("fsrgan_loss.csv", training_curve,
        "FSR-GAN training: focal distance term, adversarial term -E[D(F_SR)] and "
        "critic loss per step."),
    "isr_quality": Figure("isr_quality.csv", isr_quality,
        "PSNR and SSIM (luminance, borders shaved) of SRCNN, VDSR and bicubic restorations "
        "of the held-out images, per down-scaling ratio."),
    "isr_training_curve": Figure("isr_loss.csv", isr_training_curve,
        "Training loss of the image super-resolution models (SRCNN per factor, VDSR for "
        "all factors)."),
}


def render(name: str, table_csv, out_png) -> None:
    figure = FIGURES[name]
    fig = figure.draw(pd.read_csv(table_csv, keep_default_na=False,
                                  na_values=[""]))
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
