import fcntl
import os
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "workflow"))

if os.environ.get("PYTEST_XDIST_WORKER"):
    # Workers side by side oversubscribe the cores, and an OpenMP thread that waits then
    # spins on a core another process needs: a 2-thread FSR-GAN test beside a 2-thread
    # load took 70 s spinning, 34 s sleeping (17 s alone; AVX2 EPYC, 2 cores). Set before
    # torch loads OpenMP; the jobs of the tests' Snakemake runs inherit it. Only how
    # threads wait changes, not what they compute.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def pytest_collection_modifyitems(config, items):
    """The costliest test files first (the sum of their tests' `cost` markers: seconds
    on a 2-core CPU), so that the workers of `make test` end at about the same time:
    `--dist loadfile` hands each worker whole files, in this order
    (`--no-loadscope-reorder`). A stable sort: the tests of a file keep their order, and so
    do the files without a cost. Whole files rather than `xdist_group` marks: pytest-xdist
    3.8.0 groups by renaming a test's node id, which pytest 9.2 no longer lets it do
    (every test then lands on any worker)."""
    def unit(item):
        return item.nodeid.split("::")[0]

    cost = defaultdict(float)
    for item in items:
        marker = item.get_closest_marker("cost")
        cost[unit(item)] += marker.args[0] if marker else 0.0
    items.sort(key=lambda item: -cost[unit(item)])


def shared_once(tmp_path_factory, name: str, build) -> Path:
    """`build(folder)` once per test session, also when the session is spread over
    pytest-xdist workers: the first to ask builds under a lock, the others wait and
    reuse the folder. A failed build is recorded, so the others fail at once with its
    message instead of building again."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the session's folder, shared by its workers
    folder, built, failed = root / name, root / f"{name}.built", root / f"{name}.failed"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if failed.exists():
            pytest.fail(f"building {name} failed in another worker:\n{failed.read_text()}")
        if not built.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            try:
                build(folder)
            except BaseException as error:
                failed.write_text(str(error))
                raise
            built.touch()
    return folder


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory) -> Path:
    """The whole tiny run (tests/tiny_run.py), once per session: its results folder."""
    import tiny_run

    return shared_once(tmp_path_factory, "clean", tiny_run.run_tiny) / "tiny"
