"""The tiny end-to-end run that several test files share: how the tests call Snakemake
on `config/tiny.yaml`, the methods it fits, and its lean variant."""
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile",
             "config/tiny.yaml"]
# every feature-SR method of the default config: 4 families x 2 training-data options
FSR_METHODS = {"fsrgan", "fsrgan_db", "fsrgan_fa", "fsrgan_fa_db", "ridge", "ridge_db",
               "mean_shift", "mean_shift_db"}
# and the distilled query networks (distill.enabled in config/tiny.yaml)
FITTED = FSR_METHODS | {"distill", "distill_db"}
# The tiny run less what the cluster and kill-and-resume tests do not look at (the seed
# spread, the factor-aware and distilled methods, VDSR, the models fitted on the
# database): half its jobs. Their tables are then the clean run's, row for row, for the
# methods they have (the local runs compute each method's rows on their own).
LEAN = ("seed_spread: {enabled: false}\nfsrgan_fa: {enabled: false}\n"
        "distill: {enabled: false}\nmean_shift: {enabled: false}\nisr: {methods: [srcnn]}\n"
        "fsrgan: {training_data: [train_split]}\n")
LEAN_METHODS = {"hr", "lr", "fsrgan", "ridge", "srcnn", "matched"}


def command(*args, results_dir, config=(), configfiles=()) -> list[str]:
    """Snakemake on config/tiny.yaml with `args` (targets, flags), its results under
    `results_dir`. --configfile and --config take every following word, so targets and
    flags go first; `configfiles` extend config/tiny.yaml (--config cannot set a nested
    boolean)."""
    return SNAKEMAKE[:3] + [*args] + SNAKEMAKE[3:] + [str(f) for f in configfiles] + [
        "--config", f"results_dir={results_dir}", *config]


def snakemake(*args, results_dir, config=(), configfiles=(), check=True):
    cmd = command(*args, results_dir=results_dir, config=config, configfiles=configfiles)
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=check)


def why_it_failed(proc, tail: int = 3000) -> str:
    """What a failed Snakemake run said, then what its failed jobs wrote: the tail of
    each job's log and the error of each executed notebook. The jobs' own words come
    last, so that a report showing only the end of the output still shows them."""
    said = [proc.stderr[-tail:]]
    logs = re.findall(r"^\s*log: (.*?) \(check log file", proc.stderr, flags=re.M)
    for path in dict.fromkeys(p.strip() for line in logs for p in line.split(", ")):
        file = Path(path)
        if not file.is_file():
            continue
        if file.suffix == ".ipynb":
            errors = [out for cell in json.loads(file.read_text()).get("cells", [])
                      for out in cell.get("outputs", []) if out.get("output_type") == "error"]
            text = "\n".join(f"{e.get('ename')}: {e.get('evalue')}\n"
                             + re.sub(r"\x1b\[[0-9;]*m", "", "\n".join(e.get("traceback", [])))
                             for e in errors) or "(no cell failed)"
        else:
            text = file.read_text(errors="replace")
        said.append(f"--- {file.name} of a failed job ---\n{text[-tail:]}")
    return "\n".join(said)


def run_tiny(results: Path) -> None:
    """The clean run: the whole DAG of config/tiny.yaml, its results in `results`/tiny."""
    proc = snakemake(results_dir=results, check=False)
    assert proc.returncode == 0, why_it_failed(proc)


def assert_lean_tables_equal_clean(lean: Path, clean: Path) -> None:
    for table in ["distance.csv", "retrieval.csv"]:
        ours = pd.read_csv(lean / "tables" / table)
        theirs = pd.read_csv(clean / "tables" / table)
        assert set(ours.method) <= LEAN_METHODS | {"hr_same_group", "hr_other_group"}
        assert {"fsrgan", "ridge", "srcnn"} <= set(ours.method)
        theirs = theirs[theirs.method.isin(set(ours.method))].reset_index(drop=True)
        pd.testing.assert_frame_equal(ours, theirs)
