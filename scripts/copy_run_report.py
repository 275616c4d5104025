"""Print, as markdown, what a run on a copy of Oxford5K / Paris6K measured: the copy's
make-up (what its images cover of the published ground truth, per protocol and per
query), the independent HR check (scripts/check_hr_map.py), and every method's mAP with
its 95% bootstrap interval per protocol, backbone and factor, with the run's own
paired verdicts; the numbers are read from the run's tables, never typed.

    PYTHONPATH=workflow .venv/bin/python scripts/copy_run_report.py RUN_DIR \\
        [--check IMAGES_DIR GT [GT ...]] > docs/<name>.md

The commit and the machine are this checkout's and this machine's: generate the page
where the run was made, right after it.
"""
from __future__ import annotations

import argparse
from pathlib import Path

import pandas as pd
import yaml
from fsrstudy import hardware, provenance
from fsrstudy.evaluation import comparison
from fsrstudy.report.map_tables import map_with_intervals as map_tables_of
from readme_tables import markdown  # scripts/ is on the path of a script run from it


def make_up(run: Path) -> str:
    summary = pd.read_csv(run / "tables/dataset_coverage.csv")
    summary["positives_per_query"] = summary["positives_per_query"].map("{:.1f}".format)
    queries = pd.read_csv(run / "tables/dataset_coverage_per_query.csv")
    kept = queries[queries["status"] != "image missing"]
    per_query = kept.assign(
        positives=kept["positives_present"].astype(str) + " / "
        + kept["positives_listed"].astype(str)).pivot_table(
        index="image", columns="protocol", values="positives", aggfunc="first").fillna("-")
    return ("### The copy's make-up (tables/dataset_coverage.csv)\n\n"
            + markdown(summary.set_index("dataset"))
            + "\n\n### Positives present / listed, per query whose image is present "
            "(tables/dataset_coverage_per_query.csv)\n\n"
            + markdown(per_query))


def map_tables(run: Path) -> str:
    blocks = map_tables_of(pd.read_csv(run / "tables/retrieval.csv"))
    return "\n\n".join(
        f"#### {dataset} / {protocol}, {backbone} ({wide.attrs['n_queries']} queries)\n\n"
        + markdown(wide) for (dataset, protocol, backbone), wide in blocks.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path)
    parser.add_argument("--check", nargs="+", metavar="PATH",
                        help="IMAGES_DIR GT [GT ...]: run the independent HR check")
    args = parser.parse_args()
    run = args.run
    config = yaml.safe_load((run / "config.yaml").read_text())
    commit = provenance.code_commit()
    print(f"Run `{config['run']}` (seed {config['seed']}); generated at commit {commit} on "
          f"{hardware.cpu_model()} ({hardware.cpu_kind()}) by `scripts/copy_run_report.py` "
          "from the run folder.\n")
    print(make_up(run) + "\n")
    if args.check:
        from check_hr_map import check

        found = check(run, args.check[0], args.check[1:])
        found["difference"] = found["run mAP"] - found["check mAP"]
        print("### HR mAP, the run against an independent computation "
              "(scripts/check_hr_map.py, GeM)\n\n"
              + markdown(found.set_index("protocol"), digits=5) + "\n")
    table = pd.read_csv(run / "tables/retrieval.csv")
    per_query = pd.read_csv(run / "tables/retrieval_per_query.csv")
    print("### Paired verdicts (the run's front page)\n\n"
          + comparison.standings(table, per_query, config["seed"]) + "\n")
    print("### mAP [95% bootstrap interval over the queries]\n\n" + map_tables(run))


if __name__ == "__main__":
    main()
