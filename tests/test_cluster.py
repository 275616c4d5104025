"""The workflow on a cluster: the tiny run through profiles/slurm on a real single-node
SLURM, and the shard jobs of the paper config's DAG."""
import json
import os
import re
import subprocess
import sys
import time

import pytest
from tiny_run import LEAN, ROOT, assert_lean_tables_equal_clean, why_it_failed

pytestmark = pytest.mark.e2e


@pytest.mark.cost(300)
def test_tiny_run_through_slurm_gives_the_local_tables(request, tmp_path):
    """config/tiny.yaml (LEAN) through profiles/slurm on a real single-node SLURM
    (127.0.0.1), its features in 2 shard jobs: the jobs go through slurmctld, and the
    tables equal the local run's (one feature job)."""
    import slurm_cluster
    import yaml

    try:
        slurm_cluster.check_prerequisites()
    except slurm_cluster.Unavailable as why:
        if os.environ.get("CI"):  # CI installs SLURM: there, a skip would hide a failure
            raise
        pytest.skip(str(why))
    shipped = yaml.safe_load((ROOT / "profiles/slurm/config.yaml").read_text())
    assert shipped["executor"] == "slurm"
    assert shipped["set-resources"]["features"]["gpu"] == 1  # this node has no GPU:
    profile = {k: v for k, v in shipped.items() if k != "set-resources"}  # so, no requests
    profile.update({
        "jobs": 2,
        # no accounting database here: follow jobs with squeue; first look after 1 s (the
        # plugin then backs off by 10 s per look until a job ends)
        "slurm-status-command": "squeue",
        "slurm-init-seconds-before-status-checks": 1,
        "slurm-logdir": str(tmp_path / "slurm_logs"),
        "slurm-keep-successful-logs": True,
    })
    (tmp_path / "profile").mkdir()
    (tmp_path / "profile/config.yaml").write_text(yaml.safe_dump(profile))
    targets = [str(tmp_path / "tiny/tables" / t) for t in ("distance.csv", "retrieval.csv")]
    cmd = [sys.executable, "-m", "snakemake", *targets, "--profile", str(tmp_path / "profile"),
           "--configfile", "config/tiny.yaml", str(tmp_path / "shards.yaml"), "--config",
           f"results_dir={tmp_path}"]
    # every job is followed through the executor's status checks (10 s more per look):
    # the lean run's half of the jobs is enough to show the path
    (tmp_path / "shards.yaml").write_text("features: {shards: 2}\n" + LEAN)
    with slurm_cluster.running(tmp_path / "slurm") as cluster:
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=1800)
        seconds = time.perf_counter() - start
        jobs = cluster.completed_jobs()
    assert proc.returncode == 0, why_it_failed(proc)
    # every job went through SLURM and completed there: one record and one log each
    logs = sorted((tmp_path / "slurm_logs").rglob("*.log"))  # rule_<rule>/[wildcards/]
    ran = {path.relative_to(tmp_path / "slurm_logs").parts[0].removeprefix("rule_")
           for path in logs}
    assert {"prepare", "degrade", "feature_shard", "features", "train_fsrgan", "fit_ridge",
            "isr_train", "isr_restore", "distances", "retrieval"} <= ran
    assert len(list((tmp_path / "slurm_logs/rule_feature_shard").rglob("*.log"))) == 2
    assert len(jobs) == len(logs) and {job["JobState"] for job in jobs} == {"COMPLETED"}
    assert_lean_tables_equal_clean(tmp_path / "tiny", request.getfixturevalue("clean_run"))
    # what docs/cluster.md quotes: the cost through SLURM (kept beside the browser screenshots)
    cost = ROOT / "test-output/slurm_cost.json"
    cost.parent.mkdir(exist_ok=True)
    cost.write_text(json.dumps({"jobs": len(jobs), "seconds": round(seconds, 1)}) + "\n")


def test_features_are_scattered_into_shard_jobs(tmp_path):
    """config/paper.yaml with the distractors on and `features.shards: 4`: shard jobs for
    the datasets' features and for revisitop1m's, one gather each, in the DAG that any
    executor runs (a dry run: nothing is downloaded)."""
    extra = tmp_path / "shards.yaml"
    extra.write_text("distractors: {revisitop1m: true, revisitop1m_archives: 20, shards: 3}\n"
                     "features: {shards: 4}\n")
    proc = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--quiet", "rules",
                           "--configfile", "config/paper.yaml", str(extra), "--config",
                           f"results_dir={tmp_path}"], cwd=ROOT, capture_output=True,
                          text=True)
    assert proc.returncode == 0, why_it_failed(proc)
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", proc.stdout + proc.stderr, re.M))
    assert counts["distractor_shard"] == "3" and counts["distractor_features"] == "1"
    assert counts["feature_shard"] == "4" and counts["features"] == "1"
    assert counts["large_scale"] == "1"
