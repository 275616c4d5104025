"""Write the README's results table from a run's tables, so that its numbers are
copied from a run, never typed: the block between the two markers below is replaced
by mAP [95% interval] of one protocol and backbone (default: the demo's synthetic
views, GeM), with the run's commit and machine (from its tables/stage_cost.csv).

    PYTHONPATH=workflow .venv/bin/python scripts/readme_tables.py results/demo [README.md]

Also home of `markdown`, the table printer the other doc generators import.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd

BEGIN = "<!-- results table: written by scripts/readme_tables.py from a run; do not edit -->"
END = "<!-- end of results table -->"


def markdown(frame: pd.DataFrame, digits: int = 3) -> str:
    frame = frame.reset_index()
    cells = [[f"{v:.{digits}f}" if isinstance(v, float) else str(v) for v in row]
             for row in frame.itertuples(index=False)]
    header = [str(c) for c in frame.columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in cells])


def results_block(run: Path, protocol: str, backbone: str) -> str:
    from fsrstudy.report import costs, map_tables

    blocks = map_tables.map_with_intervals(pd.read_csv(run / "tables/retrieval.csv"))
    found = {key: wide for key, wide in blocks.items() if key[1:] == (protocol, backbone)}
    if len(found) != 1:
        raise SystemExit(f"{run}: no single block of protocol {protocol!r}, backbone "
                         f"{backbone!r}; it has {sorted(k[1:] for k in blocks)}")
    ((dataset, _, _), wide), = found.items()
    summary = costs.runs_summary({run.name: costs.read_run_costs(run)}).iloc[0]
    return (f"{BEGIN}\nRun `{run.name}`: retrieval mAP [95% bootstrap interval over its "
            f"{wide.attrs['n_queries']} queries], `{dataset}` / `{protocol}`, `{backbone}`, "
            f"from `results/{run.name}/tables/retrieval.csv` (commit {summary['commit']}; "
            f"{summary['machine']}; its jobs {summary['jobs_seconds'] / 60:.1f} min):\n\n"
            f"{markdown(wide)}\n{END}")


def replace_block(text: str, block: str) -> str:
    if text.count(BEGIN) != 1 or text.count(END) != 1:
        raise SystemExit(f"the README needs the markers once each:\n{BEGIN}\n{END}")
    head, rest = text.split(BEGIN)
    return head + block + rest.split(END, 1)[1]


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("readme", type=Path, nargs="?", default=Path("README.md"))
    parser.add_argument("--protocol", default="synthetic_views")
    parser.add_argument("--backbone", default="vgg16_conv5_gem")
    args = parser.parse_args(argv)
    block = results_block(args.run, args.protocol, args.backbone)
    args.readme.write_text(replace_block(args.readme.read_text(), block))
    print(f"{args.readme}: results table from {args.run}")


if __name__ == "__main__":
    main()
