"""A run whose disk fills up in the middle stops with the reason on the console, leaves
no half-written output, and, once there is room again, resumes to the clean run's
tables."""
import os
import subprocess

import pytest
from tiny_run import LEAN, ROOT, assert_lean_tables_equal_clean, snakemake

pytestmark = pytest.mark.e2e


def mount_small_disk(folder, size: str) -> None:
    """A tmpfs of `size` at `folder` (root only): a disk that fills up for real."""
    folder.mkdir(parents=True, exist_ok=True)
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                           str(folder)], capture_output=True, text=True)
    if proc.returncode:
        why = f"cannot mount a small disk here: {proc.stderr.strip()}"
        if os.environ.get("CI"):  # CI runs as root: there, a skip would hide a failure
            pytest.fail(why)
        pytest.skip(why)


@pytest.mark.cost(110)
def test_a_full_disk_stops_the_run_and_it_resumes_to_the_same_tables(request, tmp_path):
    disk = tmp_path / "disk"
    # the lean run's manifest and image stacks fit in 3 MB; its features do not
    mount_small_disk(disk, "3m")
    try:
        targets = [str(disk / "tiny/tables" / t) for t in ("distance.csv", "retrieval.csv")]
        lean = tmp_path / "lean.yaml"
        lean.write_text(LEAN)
        full = snakemake(*targets, results_dir=disk, configfiles=[lean], check=False)
        assert full.returncode != 0
        # the failing stage says why on the console, not only in its log
        assert "No space left on device" in full.stderr, full.stderr[-3000:]
        assert not (disk / "tiny/tables/retrieval.csv").exists()
        # Snakemake removed the failed job's outputs: no array is cut short
        subprocess.run(["mount", "-o", "remount,size=600m", str(disk)], check=True)
        resumed = snakemake(*targets, "--rerun-incomplete", results_dir=disk,
                            configfiles=[lean], check=False)
        assert resumed.returncode == 0, resumed.stderr[-3000:]
        assert_lean_tables_equal_clean(disk / "tiny", request.getfixturevalue("clean_run"))
    finally:
        subprocess.run(["umount", "-l", str(disk)], cwd=ROOT, capture_output=True)
