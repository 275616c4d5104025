"""Record the tiny run's results as the golden tables the tests compare with
(tests/golden/tiny), after a change that is meant to move them. Runs config/tiny.yaml in
a temporary folder (or takes a finished run's folder), then copies its manifest, ground
truth and tables, with the commit, CPU and versions they come from.

    .venv/bin/python scripts/record_tiny_tables.py            # run, then record
    .venv/bin/python scripts/record_tiny_tables.py RUN_DIR    # record a finished tiny run

Say in the commit why the numbers moved: the golden test exists to catch moves nobody
meant.
"""
from __future__ import annotations

import datetime
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow"))

from fsrstudy import hardware, provenance  # noqa: E402
from fsrstudy.report import golden  # noqa: E402

GOLDEN = ROOT / "tests" / "golden" / "tiny"


def run_tiny(results_dir: Path) -> Path:
    subprocess.run([sys.executable, "-m", "snakemake", "--cores", "2", "--configfile",
                    "config/tiny.yaml", "--config", f"results_dir={results_dir}"],
                   cwd=ROOT, check=True)
    return results_dir / "tiny"


def main(argv: list[str]) -> None:
    import torch

    commit = provenance.code_commit()
    with tempfile.TemporaryDirectory() as tmp:
        run = Path(argv[0]) if argv else run_tiny(Path(tmp))
        names = golden.record(run, GOLDEN, {
            "commit": commit, "cpu": f"{hardware.cpu_kind()} {hardware.cpu_model()}",
            "torch": torch.__version__,
            "date": datetime.date.today().isoformat()})
    print(f"recorded {len(names)} files of {run} into {GOLDEN.relative_to(ROOT)}")


if __name__ == "__main__":
    main(sys.argv[1:])
