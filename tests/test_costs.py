"""The stage-cost table is read from Snakemake's own benchmark files."""
import subprocess

import pandas as pd
from fsrstudy import hardware, provenance
from fsrstudy.report import costs

BENCHMARK = ("s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"
             "{s}\t0:00:13\t{rss}\t4427.66\t536.65\t679.62\t8.18\t1.12\t86.58\t{cpu}\n")


def test_stage_costs_come_from_the_benchmark_files(tmp_path):
    (tmp_path / "03_features.tsv").write_text(BENCHMARK.format(s=13.95, rss=978.71, cpu=12.89))
    (tmp_path / "19_focal.tsv").write_text(BENCHMARK.format(s=2.5, rss=100.0, cpu="-"))
    out = tmp_path / "stage_cost.csv"
    costs.main([str(out), str(tmp_path / "03_features.tsv"), str(tmp_path / "19_focal.tsv")])
    table = pd.read_csv(out)
    assert list(table.columns) == costs.COLUMNS
    assert table["stage"].tolist() == ["03_features", "19_focal"]
    assert table["seconds"].tolist() == [13.95, 2.5]
    assert table.loc[0, "cpu_seconds"] == 12.89 and pd.isna(table.loc[1, "cpu_seconds"])
    assert table.loc[0, "max_rss_mb"] == 978.71
    assert table["cores"].iloc[0] >= 1 and isinstance(table["cpu_kind"].iloc[0], str)
    assert table["commit"].iloc[0] == provenance.code_commit()
    assert table["cpu_model"].iloc[0] == hardware.cpu_model()


def test_the_commit_of_a_checkout_and_of_no_checkout(tmp_path):
    assert provenance.code_commit(tmp_path) == provenance.UNKNOWN
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-C", str(tmp_path)]
    subprocess.run([*git, "init", "-q"], check=True)
    (tmp_path / "a.txt").write_text("a\n")
    subprocess.run([*git, "add", "a.txt"], check=True)
    subprocess.run([*git, "commit", "-qm", "a"], check=True)
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True,
                          check=True).stdout.strip()
    commit = provenance.code_commit(tmp_path)
    assert head.startswith(commit) and len(commit) >= 7
    (tmp_path / "a.txt").write_text("b\n")
    assert provenance.code_commit(tmp_path) == f"{commit}-dirty"


def a_run(folder, rows, **machine):
    (folder / "tables").mkdir(parents=True)
    table = pd.DataFrame(rows, columns=["stage", "seconds", "cpu_seconds", "max_rss_mb"])
    table.assign(mean_load=50.0, **machine).to_csv(folder / "tables/stage_cost.csv",
                                                   index=False)
    return costs.read_run_costs(folder)


def test_runs_are_summed_and_set_side_by_side(tmp_path):
    new = a_run(tmp_path / "new", [("01_prepare", 2.0, 1.5, 200.0),
                                   ("03_features", 100.0, 180.0, 1500.0),
                                   ("03_feature_shard_0", 10.5, 20.0, 900.0)],
                cpu_kind="avx2", cpu_model="AMD EPYC", cores=2, commit="abc1234")
    old = a_run(tmp_path / "old", [("01_prepare", 4.0, 3.0, 250.0)],
                cpu_kind="amx", cores=2)  # an older run: no model, no commit recorded
    summary = costs.runs_summary({"new": new, "old": old}).set_index("run")
    assert summary.loc["new", "jobs"] == 3
    assert summary.loc["new", "jobs_seconds"] == 112.5
    assert summary.loc["new", "jobs_cpu_seconds"] == 201.5
    assert summary.loc["new", "max_rss_mb"] == 1500.0
    assert summary.loc["new", "machine"] == "AMD EPYC (avx2, 2 cores)"
    assert summary.loc["new", "commit"] == "abc1234"
    assert summary.loc["old", "commit"] == "not recorded"
    assert summary.loc["old", "machine"] == "not recorded (amx, 2 cores)"
    seconds = costs.stage_seconds({"new": new, "old": old})
    assert list(seconds.index) == ["01_prepare", "03_feature_shard_0", "03_features"]
    assert seconds.loc["01_prepare"].tolist() == [2.0, 4.0]
    assert pd.isna(seconds.loc["03_features", "old"])
