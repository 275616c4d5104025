"""The whole DAG on a tiny config: every stage runs, tables have their columns, the
report builds, lint passes, and a run killed mid-stage then resumed gives the same
tables as a clean run."""
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE = [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile",
             "config/tiny.yaml"]
pytestmark = pytest.mark.e2e
# every feature-SR method of the default config: 3 families x 2 training-data options
FSR_METHODS = {"fsrgan", "fsrgan_db", "fsrgan_fa", "fsrgan_fa_db", "ridge", "ridge_db"}
# and the distilled query networks (distill.enabled in config/tiny.yaml)
FITTED = FSR_METHODS | {"distill", "distill_db"}
# The tiny run less what the cluster and kill-and-resume tests do not look at (the seed
# spread, the factor-aware and distilled methods, VDSR, the models fitted on the
# database): half its jobs. Their tables are then the clean run's, row for row, for the
# methods they have (the local runs compute each method's rows on their own).
LEAN = ("seed_spread: {enabled: false}\nfsrgan_fa: {enabled: false}\n"
        "distill: {enabled: false}\nisr: {methods: [srcnn]}\n"
        "fsrgan: {training_data: [train_split]}\n")
LEAN_METHODS = {"hr", "lr", "fsrgan", "ridge", "srcnn", "matched"}


def assert_lean_tables_equal_clean(lean: Path, clean: Path) -> None:
    for table in ["distance.csv", "retrieval.csv"]:
        ours = pd.read_csv(lean / "tables" / table)
        theirs = pd.read_csv(clean / "tables" / table)
        assert set(ours.method) <= LEAN_METHODS | {"hr_same_group", "hr_other_group"}
        assert {"fsrgan", "ridge", "srcnn"} <= set(ours.method)
        theirs = theirs[theirs.method.isin(set(ours.method))].reset_index(drop=True)
        pd.testing.assert_frame_equal(ours, theirs)


def snakemake(*args, results_dir, config=(), configfiles=(), check=True):
    # --configfile and --config take every following word: targets and flags go first;
    # `configfiles` extend config/tiny.yaml (--config cannot set a nested boolean)
    cmd = SNAKEMAKE[:3] + [*args] + SNAKEMAKE[3:] + [str(f) for f in configfiles] + [
        "--config", f"results_dir={results_dir}", *config]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=check)


# Tests that need the clean run from their start share one worker of `make test`; the
# cluster and kill-and-resume tests ask for it only to compare, so they can start on the
# other worker at once. `cost`: seconds on the AVX2 EPYC with two workers (conftest.py).
TINY_RUN = pytest.mark.xdist_group("tiny_run")


def run_tiny(results: Path) -> None:
    proc = snakemake(results_dir=results, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]


@pytest.fixture(scope="session")
def clean_run(tmp_path_factory):
    from conftest import shared_once

    return shared_once(tmp_path_factory, "clean", run_tiny) / "tiny"


@TINY_RUN
@pytest.mark.cost(285)  # the clean run itself
def test_every_stage_leaves_its_notebook_and_outputs(clean_run):
    for stage in ["01_prepare", "02_degrade", "03_features", "03_pool4_maps", "04_train_fsrgan",
                  "04_train_fsrgan_db", "04_train_fsrgan_fa", "04_train_fsrgan_fa_db",
                  "04_fit_ridge", "04_fit_ridge_db", "04_train_distill", "04_train_distill_db",
                  "05_apply", "05_apply_distill", "06_isr_train", "07_isr_restore",
                  "08_isr_features", "09_analysis", "09_seed_spread", "10_retrieval",
                  "12_large_scale",
                  "13_lowbitrate", "14_focal"]:
        assert (clean_run / "notebooks" / f"{stage}.ipynb").stat().st_size > 0
        assert (clean_run / "notebooks" / f"{stage}.html").stat().st_size > 0
    for name in ["distance_vs_factor", "variance_vs_factor", "distance_distribution",
                 "map_vs_factor", "training_curve", "isr_quality", "isr_training_curve",
                 "map_vs_distractors", "map_vs_bits", "focal_exponent", "stage_cost"]:
        assert (clean_run / "figures" / f"{name}.png").stat().st_size > 1000


@TINY_RUN
def test_notebooks_show_their_figures(clean_run):
    import nbformat

    def images(stage):
        notebook = nbformat.read(clean_run / "notebooks" / f"{stage}.ipynb", as_version=4)
        return sum("image/png" in output.get("data", {})
                   for cell in notebook.cells for output in cell.get("outputs", []))

    assert images("04_train_fsrgan") >= 1 and images("09_analysis") >= 2
    assert images("10_retrieval") >= 1 and images("07_isr_restore") >= 1
    for stage in ["12_large_scale", "13_lowbitrate", "14_focal"]:
        assert images(stage) >= 1


@TINY_RUN
def test_tables_have_the_documented_columns(clean_run):
    distance = pd.read_csv(clean_run / "tables/distance.csv")
    assert list(distance.columns) == ["dataset", "backbone", "method", "factor",
                                      "mean_distance", "variance", "n"]
    assert set(distance["method"]) == {"lr", *FITTED, "srcnn", "vdsr", "hr_same_group",
                                       "hr_other_group"}
    assert set(distance.loc[distance.method == "lr", "factor"]) == {4, 16}
    retrieval = pd.read_csv(clean_run / "tables/retrieval.csv")
    assert list(retrieval.columns) == ["dataset", "protocol", "backbone", "method", "factor",
                                       "mAP", "n_queries", "mP@1", "mP@5", "mP@10"]
    assert retrieval["mAP"].between(0, 1).all()
    assert set(retrieval["method"]) == {"hr", "lr", *FITTED, "srcnn", "vdsr", "matched"}
    quality = pd.read_csv(clean_run / "tables/isr_quality.csv")
    assert set(quality["method"]) == {"bicubic", "srcnn", "vdsr"}
    cost = pd.read_csv(clean_run / "tables/isr_cost.csv")
    assert list(cost["model"]) == ["srcnn_f4", "srcnn_f16", "vdsr"]
    # LR features drift further from HR as the factor grows (paper, observation 1)
    lr = distance[distance.method == "lr"].set_index("factor")["mean_distance"]
    assert lr[4] < lr[16]
    # large scale: no distractors = the plain retrieval table; more can only hurt an AP
    large = pd.read_csv(clean_run / "tables/large_scale.csv")
    assert set(large["distractors"]) == {"train_only"}
    first = large[large.n_distractors == 0].merge(retrieval, on=["dataset", "protocol",
                                                                 "backbone", "method",
                                                                 "factor"])
    assert len(first) == len(retrieval)
    assert (first["mAP_x"] - first["mAP_y"]).abs().max() < 1e-12
    bits = pd.read_csv(clean_run / "tables/lowbitrate.csv")
    assert set(bits["method"]) == {"hr", "lr", *FITTED, "srcnn", "vdsr", "matched"}
    hr_bits = bits[bits.method == "hr"].groupby("quality")["bits"].mean()
    assert hr_bits[25] < hr_bits[75]  # a higher JPEG quality sends more bits
    # a small image costs fewer bits than the HR one at the same quality
    assert bits[(bits.method == "lr") & (bits.factor == 16)]["bits"].max() < hr_bits[25]
    # every stage's job measured by Snakemake's benchmark directive
    cost = pd.read_csv(clean_run / "tables/stage_cost.csv")
    assert {"01_prepare", "03_features", "04_train_fsrgan", "14_focal"} <= set(cost["stage"])
    assert len(cost) == len(list((clean_run / "notebooks").glob("*.ipynb")))
    assert (cost["seconds"] > 0).all() and (cost["max_rss_mb"] > 0).all()
    meta = json.loads((clean_run / "features/meta.json").read_text())
    assert meta["precision"] in ("fp32", "bf16") and meta["why"].startswith("auto")
    # ISR methods restore the queries only: their distance rows count those images
    queries = (pd.read_csv(clean_run / "manifest.csv")["split"] == "query").sum()
    assert (distance.loc[distance.method.isin(["srcnn", "vdsr"]), "n"] == queries).all()
    assert (quality["n"] == queries).all()
    # the ridge regularisation was chosen on held-out groups, once per backbone and factor
    for method in ("ridge", "ridge_db"):
        chosen = pd.read_csv(clean_run / f"tables/{method}_validation.csv").query("chosen")
        assert len(chosen) == 2 and (chosen["n_validation"] > 0).all()
    # the spread over seeds: every fitted method 3 times, the run's seed by the run's own
    # model, so those rows are the retrieval and distance tables' own numbers
    spread = pd.read_csv(clean_run / "tables/seed_spread.csv")
    assert spread.groupby("method")["seed"].nunique().to_dict() == {m: 3 for m in FITTED}
    own = spread[spread.seed == 0]
    same = own.merge(retrieval, on=["dataset", "protocol", "backbone", "method", "factor"])
    assert len(same) == len(own) and (same["mAP_x"] == same["mAP_y"]).all()
    same = own.merge(distance, on=["dataset", "backbone", "method", "factor"])
    assert len(same) == len(own)
    assert np.allclose(same["mean_distance_x"], same["mean_distance_y"], rtol=1e-5)
    gan = spread[spread.method == "fsrgan"].pivot_table(index="factor", columns="seed",
                                                        values="mean_distance")
    assert (gan[0] != gan[1]).all()  # another seed, another model
    focal = pd.read_csv(clean_run / "tables/focal.csv")
    assert set(focal["variant"]) == {"r1", "r2", "r3", "adversarial_only", "distance_only"}
    assert focal.groupby("variant")["seed"].nunique().min() == 3


# The tiny run's results, byte for byte, per kind of CPU: its precision and convolution
# engine follow the CPU's flags (fsrstudy.models.compute), so one kind of CPU gives the same
# bytes run after run, and another kind may differ in the last digits. Tables of measured
# times are left out.
DIGESTS = ROOT / "tests/tiny_digests.json"
TIMED_TABLES = {"stage_cost.csv", "isr_cost.csv"}


def result_digests(run: Path) -> dict:
    files = [run / "manifest.csv", run / "ground_truth.json",
             *sorted((run / "tables").glob("*.csv"))]
    return {str(p.relative_to(run)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in files if p.name not in TIMED_TABLES}


def this_cpu() -> str:
    from fsrstudy.hardware import cpu_kind

    model = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.M)
    return f"{cpu_kind()} {model.group(1).strip() if model else 'unknown'}"


@TINY_RUN
def test_tiny_results_are_byte_identical_to_the_recorded_ones(clean_run):
    """Behaviour unchanged: a refactoring that changes any number of the tiny run fails
    here. The digests are recorded per CPU model (FSRSTUDY_RECORD_DIGESTS=1 records this
    machine's); the data stages' outputs (manifest, ground truth) are the same on every
    CPU, so those are checked everywhere."""
    digests = result_digests(clean_run)
    recorded = json.loads(DIGESTS.read_text()) if DIGESTS.exists() else {}
    if os.environ.get("FSRSTUDY_RECORD_DIGESTS"):
        recorded[this_cpu()] = digests
        DIGESTS.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
    assert recorded, f"no digests recorded in {DIGESTS}"
    for cpu, theirs in recorded.items():
        for name in ("manifest.csv", "ground_truth.json"):
            assert digests[name] == theirs[name], f"{name} differs from {cpu}'s"
    if this_cpu() not in recorded:
        pytest.skip(f"no digests recorded for this CPU ({this_cpu()}); recorded: "
                    f"{sorted(recorded)}; FSRSTUDY_RECORD_DIGESTS=1 records them")
    ours = recorded[this_cpu()]
    changed = sorted(n for n in ours.keys() | digests.keys()
                     if ours.get(n) != digests.get(n))
    assert not changed, f"these results changed: {changed}"


@TINY_RUN
def test_report_and_single_figure_rebuild(clean_run):
    results = clean_run.parent
    report = results / "report.html"
    proc = snakemake("--report", str(report), results_dir=results, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert report.stat().st_size > 10000
    # it opens with the run's own findings, read from its tables
    html = report.read_text(errors="replace")
    assert "What this run found" in html and "LR features drift from HR" in html
    figure = clean_run / "figures" / "map_vs_factor.png"
    before = figure.stat().st_mtime
    proc = snakemake(str(figure), "--forcerun", "figure", results_dir=results, check=False)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert figure.stat().st_mtime > before
    assert "features" not in proc.stderr.split("Job stats:")[-1].split("Reasons")[0]


@TINY_RUN
@pytest.mark.cost(33)
def test_report_and_a_notebook_render_in_a_real_browser(clean_run):
    """Headless Chromium opens report.html and the retrieval notebook: neither blank,
    the report shows its front page and holds every figure, the notebook its figure.
    Screenshots stay in test-output/browser/."""
    sys.path.insert(0, str(ROOT / "scripts"))
    import browser_check

    try:
        browser_check.chromium()
    except FileNotFoundError as error:
        pytest.skip(str(error))
    report = clean_run.parent / "report.html"
    if not report.exists():
        proc = snakemake("--report", str(report), results_dir=clean_run.parent, check=False)
        assert proc.returncode == 0, proc.stderr[-3000:]
    figures = [p.stem for p in (clean_run / "figures").glob("*.png")]
    assert len(figures) >= 11
    problems = browser_check.check(report, clean_run / "notebooks/10_retrieval.html",
                                   ROOT / "test-output/browser", figures)
    assert not problems, problems
    # and the check can fail: a missing figure and a notebook without one are caught
    bare = clean_run.parent / "bare.html"
    bare.write_text("<html><body><h1>10 · Retrieval</h1><p>no figure here</p></body></html>")
    problems = browser_check.check(report, bare, ROOT / "test-output/browser-bare",
                                   ["no_such_figure"])
    assert f"{report} lacks figure no_such_figure" in problems
    assert any(p.startswith(f"{bare} shows no figure") for p in problems)


def test_building_the_dag_loads_no_ml_or_plotting_stack():
    """`snakemake -n` on the default config imports neither torch nor matplotlib: the
    DAG is built in seconds, on a host without the ML stack's import cost."""
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "snakemake", "-n",
                           "--quiet", "rules"], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    modules = {line.rsplit("|", 1)[-1].strip() for line in proc.stderr.splitlines()
               if line.startswith("import time:")}
    assert "fsrstudy.config" in modules  # the config was validated in this process
    assert not {"torch", "torchvision", "matplotlib", "seaborn"} & modules


def test_lint_passes():
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--lint"], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:]
    # the code (ruff) and the rules (snakefmt), as `make lint` checks them
    bin_dir = Path(sys.executable).parent
    for cmd in ([bin_dir / "ruff", "check", "."],
                [bin_dir / "snakefmt", "--check", "Snakefile", "workflow/rules"]):
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, (cmd, proc.stdout[-3000:], proc.stderr[-3000:])


def test_invalid_config_stops_before_any_job(tmp_path):
    proc = snakemake(results_dir=tmp_path, config=["seed=-1"], check=False)
    assert proc.returncode != 0
    assert "seed" in proc.stderr and "-1" in proc.stderr
    assert not (tmp_path / "tiny").exists()


@pytest.mark.cost(112)
def test_killed_run_resumes_to_the_same_tables(request, tmp_path):
    # only the two compared tables, on the lean run (LEAN): the applications add nothing
    targets = [str(tmp_path / "tiny/tables" / t) for t in ("distance.csv", "retrieval.csv")]
    lean = tmp_path / "lean.yaml"
    lean.write_text(LEAN)
    cmd = SNAKEMAKE[:3] + targets + SNAKEMAKE[3:] + [str(lean), "--config",
                                                     f"results_dir={tmp_path}"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
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


@TINY_RUN
@pytest.mark.cost(221)
def test_paper_layouts_download_and_run_with_models_of_another_run(clean_run, tmp_path):
    """config/paper.yaml's path on a small scale: Oxford- and Holidays-layout archives
    served from 127.0.0.1, downloaded (one without a checksum: warned), unpacked and
    evaluated with the FSR-GAN and ISR models of the tiny run (no training here)."""
    import paper_fixtures as pf
    import yaml
    from fsrstudy.data import download

    served = tmp_path / "served"
    built = {**pf.build_oxford(served)["files"], **pf.build_holidays(served)["files"]}
    # and a user's own folder + CSV (images of the Holidays fixture, renamed)
    mine = tmp_path / "mine"
    pf.build_holidays(mine)
    import tarfile
    with tarfile.open(mine / "jpg1.tar.gz") as archive:
        archive.extractall(mine, filter="data")
    (mine / "images.csv").write_text(
        "image,group,role,x1,y1,x2,y2\n" "jpg/100000.jpg,a,query,5,5,60,50\n"
        "jpg/100001.jpg,a,db,,,,\n" "jpg/100002.jpg,a,db,,,,\n" "jpg/100100.jpg,b,query,,,,\n"
        "jpg/100101.jpg,b,db,,,,\n" "jpg/100200.jpg,c,db,,,,\n")
    with pf.serve_directory(served) as base:
        downloads = {name: {"urls": [f"{base}/gone/{name}", f"{base}/{name}"],
                            "sha256": download.sha256_of(path)}
                     for name, path in built.items()}
        downloads["jpg2.tar.gz"]["sha256"] = None
        config = yaml.safe_load((ROOT / "config/tiny.yaml").read_text())
        config.update(run="paperlike", data_dir=str(tmp_path / "data"), downloads=downloads,
                      pretrained_models=str(clean_run / "models"),
                      datasets=[{"kind": "oxford5k", "use": "evaluate"},
                                {"kind": "holidays", "use": "evaluate"},
                                {"kind": "csv", "name": "mine",
                                 "csv": str(mine / "images.csv")}])
        (tmp_path / "paperlike.yaml").write_text(yaml.safe_dump(config))
        cmd = [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile",
               str(tmp_path / "paperlike.yaml"), "--config", f"results_dir={tmp_path}"]
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "NO CHECKSUM configured for jpg2.tar.gz" in proc.stdout + proc.stderr
    run = tmp_path / "paperlike"
    assert not (run / "models").exists()  # nothing trained: the tiny run's models served
    retrieval = pd.read_csv(run / "tables/retrieval.csv")
    protocols = set(zip(retrieval.dataset, retrieval.protocol))
    assert protocols == {("oxford5k", "original"), ("oxford5k", "revisited_easy"),
                         ("oxford5k", "revisited_medium"), ("oxford5k", "revisited_hard"),
                         ("holidays", "holidays"), ("mine", "groups")}
    assert set(retrieval.method) == {"hr", "lr", *FITTED, "srcnn", "vdsr", "matched"}
    distance = pd.read_csv(run / "tables/distance.csv")
    assert set(distance.dataset) == {"oxford5k", "holidays", "mine"}
    mine_hr = retrieval[(retrieval.dataset == "mine") & (retrieval.method == "hr")]
    assert (mine_hr["n_queries"] == 2).all()


@pytest.mark.cost(138)
def test_a_set_without_training_images_fits_on_its_database_alone(tmp_path):
    """A user's folder with queries and database images only: `training_data:
    [database]` fits fsrgan_db, ridge_db and distill_db on the database (with extra
    seeded views of each image), and nothing asks for a train split."""
    import tarfile

    import paper_fixtures as pf
    import yaml

    mine = tmp_path / "mine"
    pf.build_holidays(mine)
    with tarfile.open(mine / "jpg1.tar.gz") as archive:
        archive.extractall(mine, filter="data")
    (mine / "images.csv").write_text(
        "image,group,role\n" "jpg/100000.jpg,a,query\n" "jpg/100001.jpg,a,db\n"
        "jpg/100002.jpg,a,db\n" "jpg/100100.jpg,b,query\n" "jpg/100101.jpg,b,db\n"
        "jpg/100200.jpg,c,db\n")
    config = yaml.safe_load((ROOT / "config/tiny.yaml").read_text())
    config.update(run="dbonly", datasets=[{"kind": "csv", "name": "mine",
                                           "csv": str(mine / "images.csv")}],
                  augment={"views_per_image": 2}, isr={"methods": []},
                  fsrgan={**config["fsrgan"], "training_data": ["database"]})
    (tmp_path / "dbonly.yaml").write_text(yaml.safe_dump(config))
    target = tmp_path / "dbonly/tables/retrieval.csv"
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", str(target), "--configfile",
           str(tmp_path / "dbonly.yaml"), "--config", f"results_dir={tmp_path}"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    retrieval = pd.read_csv(target)
    assert set(retrieval.method) == {"hr", "lr", "fsrgan_db", "fsrgan_fa_db", "ridge_db",
                                     "distill_db", "matched"}
    manifest = pd.read_csv(tmp_path / "dbonly/manifest.csv")
    # the 4 database images are fitted (the queries are not database rows here), and
    # 2 extra views of each
    assert (manifest["split"] == "fit_database").sum() == 2 * 4

    # the same set asked to fit on a train split it does not have: stopped in prepare
    config["fsrgan"]["training_data"] = ["train_split", "database"]
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({**config, "run": "bad"}))
    cmd[cmd.index(str(target))] = str(tmp_path / "bad/tables/retrieval.csv")
    cmd[cmd.index(str(tmp_path / "dbonly.yaml"))] = str(tmp_path / "bad.yaml")
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0
    log = (tmp_path / "bad/logs/01_prepare.log").read_text()
    assert "'train_split' selects no image in dataset(s) mine" in log
    assert not (tmp_path / "bad/features").exists()


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
    assert proc.returncode == 0, proc.stderr[-3000:]
    # every job went through SLURM and completed there: one record and one log each
    logs = sorted((tmp_path / "slurm_logs").rglob("*.log"))  # rule_<rule>/[wildcards/]
    ran = {path.relative_to(tmp_path / "slurm_logs").parts[0].removeprefix("rule_")
           for path in logs}
    assert {"prepare", "degrade", "feature_shard", "features", "train_fsrgan", "fit_ridge",
            "isr_train", "isr_restore", "analysis", "retrieval"} <= ran
    assert len(list((tmp_path / "slurm_logs/rule_feature_shard").rglob("*.log"))) == 2
    assert len(jobs) == len(logs) and {job["JobState"] for job in jobs} == {"COMPLETED"}
    assert_lean_tables_equal_clean(tmp_path / "tiny", request.getfixturevalue("clean_run"))
    # what the README quotes: the cost through SLURM (kept beside the browser screenshots)
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
    assert proc.returncode == 0, proc.stderr[-3000:]
    counts = dict(re.findall(r"^(\w+)\s+(\d+)$", proc.stdout + proc.stderr, re.M))
    assert counts["distractor_shard"] == "3" and counts["distractor_features"] == "1"
    assert counts["feature_shard"] == "4" and counts["features"] == "1"
    assert counts["large_scale"] == "1"
