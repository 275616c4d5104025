"""The report's front page: what the study is, what this run found, where to look.

Written by the workflow (rule `front_page`) from the run's own tables, as the
reStructuredText Snakemake shows first in report.html (the `report:` directive). Every
number on it is read from a table of the run; nothing is typed by hand.

    python -m fsrstudy.report.front_page TABLES_DIR OUT.rst RUN SEED
"""
from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

from fsrstudy.evaluation import comparison
from fsrstudy.report import style

INTRO = """\
Feature super-resolution for low-resolution image retrieval: run ``{run}``
==========================================================================

Deep features of a down-scaled image drift away from those of the original, and
retrieval with low-resolution queries suffers. FSR-GAN (Tan et al., CVPR 2018) maps
low-resolution (LR) features back to high-resolution (HR) ones. This run measures, on
its own data, how far LR features drift, how much FSR-GAN and the other methods bring
them back, and what that does to retrieval; every number below is read from this run's
tables (run ``{run}``, seed {seed}).
"""

GUIDE = """\
Where to look
-------------

- Figures_: ``distance_vs_factor`` first (how far each method's features are from HR,
  per down-scaling ratio), then ``map_vs_factor`` (retrieval), ``map_vs_bits`` (low
  bit-rate search), ``focal_exponent`` (the loss ablation), ``stage_cost`` (what each
  stage cost). Each figure's caption says what to look at.
- Tables_: every number, one CSV per stage (``retrieval.csv``, ``distance.csv``, ...).
- `Executed notebooks`_: one per stage, with its parameters, outputs and figures;
  ``15_retrieval`` states where each method stands against ``matched``.
- Methods: ``lr`` (LR features as they are), ``fsrgan`` (the paper's FSR-GAN, trained
  on the train split), ``fsrgan_fa`` (told the factor), ``ridge`` (a closed-form linear
  map), ``mean_shift`` (the LR feature plus the mean correction alone), ``distill``
  (when enabled: VGG16's layers after pool4, distilled to give the HR descriptor from
  the LR image), each also fitted on the database's own degraded images (``_db``;
  cross-fitted over the query photos where those images share a photo with a query:
  ``fits.csv``); ``srcnn`` and ``vdsr`` (restore the image, then describe it);
  ``matched`` (the database described again at the query's factor: one index per
  factor); ``hr`` (HR queries, the bound).
"""


def distance_findings(distance: pd.DataFrame) -> list[str]:
    lines = []
    for (dataset, backbone), sub in distance.groupby(["dataset", "backbone"], sort=True):
        lr = sub[sub["method"] == "lr"].set_index("factor")["mean_distance"].sort_index()
        if lr.empty:
            continue
        text = (f"**{dataset}, {backbone}**: LR features drift from HR as the ratio "
                f"grows (mean distance {lr.iloc[0]:.3f} at {style.ratio_label(lr.index[0])} to "
                f"{lr.iloc[-1]:.3f} at {style.ratio_label(lr.index[-1])}")
        same = sub.loc[sub["method"] == "hr_same_group", "mean_distance"]
        if len(same):
            text += f"; two HR images of one scene: {same.iloc[0]:.3f}"
        text += ")."
        worst = lr.index[-1]
        at_worst = sub[(sub["factor"] == worst)
                       & ~sub["method"].isin(["lr", "hr_same_group", "hr_other_group"])]
        if len(at_worst):
            best = at_worst.loc[at_worst["mean_distance"].idxmin()]
            text += (f" At {style.ratio_label(worst)} the closest to HR is ``{best['method']}`` "
                     f"({best['mean_distance']:.3f}, n = {int(best['n'])}).")
        lines.append(text)
    return lines


def retrieval_findings(retrieval: pd.DataFrame, per_query: pd.DataFrame | None = None,
                       seed: int = 0) -> list[str]:
    """Per protocol and backbone, each factor's highest one-index method; with the
    per-query APs, whether a paired bootstrap tells it apart from the runner-up,
    `matched` and `lr` (comparison.paired_verdicts)."""
    shares = comparison.against_matched(retrieval)
    if shares.empty:
        return []
    intervals = retrieval.set_index(comparison.KEYS + ["method"])
    verdicts = (comparison.paired_verdicts(retrieval, per_query, seed)
                if per_query is not None and not per_query.empty else pd.DataFrame())
    lines = []
    one_index = shares[shares["method"] != "matched"]
    for (dataset, protocol, backbone), sub in one_index.groupby(
            ["dataset", "protocol", "backbone"], sort=True):
        cells = []
        for factor, cell in sub.groupby("factor", sort=True):
            best = cell.loc[cell["mAP"].idxmax()]
            text = f"{style.ratio_label(factor)}: ``{best['method']}`` {best['mAP']:.3f}"
            key = (dataset, protocol, backbone, factor, best["method"])
            if "mAP_low" in intervals and key in intervals.index:
                text += (f" [{intervals.loc[key, 'mAP_low']:.3f}, "
                         f"{intervals.loc[key, 'mAP_high']:.3f}]")
            text += f" ({best['of_matched']:.0%} of matched"
            if not verdicts.empty:
                mine = verdicts[(verdicts["protocol"] == protocol)
                                & (verdicts["backbone"] == backbone)
                                & (verdicts["factor"] == factor)
                                & (verdicts["dataset"] == dataset)]
                text += "".join(f"; vs ``{r.rival}``: {r.verdict}" for r in mine.itertuples())
            cells.append(text + ")")
        lines.append(f"**{dataset} {protocol}, {backbone}**, the highest mAP with one HR "
                     f"index, its 95% interval over the queries, and paired bootstrap "
                     f"verdicts: " + "; ".join(cells) + ".")
    return lines


def isr_findings(quality: pd.DataFrame) -> list[str]:
    wide = quality.pivot_table(index="factor", columns="method", values="psnr")
    if "bicubic" not in wide:
        return []
    parts = []
    for method in [m for m in wide.columns if m != "bicubic"]:
        gain = wide[method] - wide["bicubic"]
        parts.append(f"``{method}`` {gain.min():+.2f} to {gain.max():+.2f} dB")
    return ["Image super-resolution against bicubic (PSNR on Y, the query images): "
            + ", ".join(parts) + "."] if parts else []


def cost_findings(cost: pd.DataFrame) -> list[str]:
    if cost.empty:
        return []
    top = cost.sort_values("seconds", ascending=False).head(3)
    commit = f" (code at {cost['commit'].iloc[0]})" if "commit" in cost else ""
    return [f"The run's jobs took {cost['seconds'].sum() / 60:.1f} min in all on a "
            f"{cost['cpu_kind'].iloc[0]} CPU with {cost['cores'].iloc[0]} cores{commit}; "
            "the longest stages: " + ", ".join(f"{r.stage} {r.seconds:.0f} s"
                                               for r in top.itertuples()) + "."]


def render(tables_dir, run: str, seed: int | str = "?") -> str:
    tables = Path(tables_dir)

    def read(name):
        path = tables / name
        return pd.read_csv(path) if path.is_file() else pd.DataFrame()

    findings = []
    if not (distance := read("distance.csv")).empty:
        findings += distance_findings(distance)
    if not (retrieval := read("retrieval.csv")).empty:
        findings += retrieval_findings(retrieval, read("retrieval_per_query.csv"),
                                       int(seed) if str(seed).isdigit() else 0)
    if not (quality := read("isr_quality.csv")).empty:
        findings += isr_findings(quality)
    if not (cost := read("stage_cost.csv")).empty:
        findings += cost_findings(cost)
    body = "\n".join(f"- {line}" for line in findings) or "- (no tables yet)"
    return (INTRO.format(run=run, seed=seed) + "\nWhat this run found\n"
            "-------------------\n\n" + body + "\n\n" + GUIDE)


def main(argv=None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 4:
        raise SystemExit(__doc__)
    text = render(args[0], args[2], args[3])
    from fsrstudy.atomic import atomic_path
    with atomic_path(args[1]) as tmp:
        Path(tmp).write_text(text)


if __name__ == "__main__":
    main()
