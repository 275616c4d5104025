"""A run killed in the middle of a stage, unlocked and resumed, ends with the clean
run's tables."""
import os
import signal
import subprocess
import time

import pytest
from tiny_run import LEAN, ROOT, assert_lean_tables_equal_clean, command, snakemake

pytestmark = pytest.mark.e2e


@pytest.mark.cost(112)
def test_killed_run_resumes_to_the_same_tables(request, tmp_path):
    # only the two compared tables, on the lean run (LEAN): the applications add nothing
    targets = [str(tmp_path / "tiny/tables" / t) for t in ("distance.csv", "retrieval.csv")]
    lean = tmp_path / "lean.yaml"
    lean.write_text(LEAN)
    proc = subprocess.Popen(command(*targets, results_dir=tmp_path, configfiles=[lean]),
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    marker = tmp_path / "tiny" / "images" / "ids.txt"
    deadline = time.time() + 300
    while not marker.exists() and time.time() < deadline and proc.poll() is None:
        time.sleep(0.5)
    time.sleep(3)  # now inside the features stage
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not (tmp_path / "tiny" / "tables" / "retrieval.csv").exists()
    snakemake("--unlock", results_dir=tmp_path)
    resumed = snakemake(*targets, "--rerun-incomplete", results_dir=tmp_path,
                        configfiles=[lean], check=False)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert_lean_tables_equal_clean(tmp_path / "tiny", request.getfixturevalue("clean_run"))
