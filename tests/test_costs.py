"""The stage-cost table is read from Snakemake's own benchmark files."""
import pandas as pd
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
