"""The whole DAG on a tiny config: every stage runs, tables have their columns and the
recorded values, the report builds and renders, lint passes, the DAG loads no ML stack,
and the paper's layouts run with the models of another run."""
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tiny_run import FITTED, ROOT, snakemake, why_it_failed

pytestmark = pytest.mark.e2e


@pytest.mark.cost(285)  # the clean run itself
def test_every_stage_leaves_its_notebook_and_outputs(clean_run):
    for stage in ["01_prepare", "02_degrade", "03_features", "04_pool4_maps", "05_train_fsrgan",
                  "05_train_fsrgan_db", "05_train_fsrgan_fa", "05_train_fsrgan_fa_db",
                  "06_fit_ridge", "06_fit_ridge_db", "06_fit_mean_shift",
                  "06_fit_mean_shift_db", "07_train_distill", "07_train_distill_db",
                  "08_apply", "09_apply_distill", "10_isr_train", "11_isr_restore",
                  "12_isr_features", "13_distances", "14_seed_spread", "15_retrieval",
                  "17_large_scale",
                  "18_lowbitrate", "19_focal"]:
        assert (clean_run / "notebooks" / f"{stage}.ipynb").stat().st_size > 0
        assert (clean_run / "notebooks" / f"{stage}.html").stat().st_size > 0
    for name in ["distance_vs_factor", "variance_vs_factor", "distance_distribution",
                 "map_vs_factor", "training_curve", "isr_quality", "isr_training_curve",
                 "map_vs_distractors", "map_vs_bits", "focal_exponent", "stage_cost"]:
        assert (clean_run / "figures" / f"{name}.png").stat().st_size > 1000


def test_notebooks_show_their_figures(clean_run):
    import nbformat

    def images(stage):
        notebook = nbformat.read(clean_run / "notebooks" / f"{stage}.ipynb", as_version=4)
        return sum("image/png" in output.get("data", {})
                   for cell in notebook.cells for output in cell.get("outputs", []))

    assert images("05_train_fsrgan") >= 1 and images("13_distances") >= 2
    assert images("15_retrieval") >= 1 and images("11_isr_restore") >= 1
    for stage in ["17_large_scale", "18_lowbitrate", "19_focal"]:
        assert images(stage) >= 1


def test_notebook_defaults_are_what_the_tiny_run_hands(clean_run):
    """Every notebook the tiny run executes has the parameter names its rule hands it,
    and as defaults the tiny run's values (paths under results/tiny): a default cannot
    drift from the schema. `python -m fsrstudy.report.notebook_defaults sync RUN`
    rewrites the cells from a finished tiny run."""
    from fsrstudy.report import notebook_defaults

    assert notebook_defaults.differences(clean_run, ROOT / "notebooks") == []
    assert len(notebook_defaults.handed(clean_run)) >= 15


def test_feature_sr_describes_exactly_the_evaluation_images(clean_run):
    """apply: every held-out row super-resolved (as the model maps it), the training
    rows, which no table reads, left NaN."""
    from fsrstudy import run_files
    from fsrstudy.data import manifest as mf
    from fsrstudy.models import feature_sr

    manifest = mf.read(clean_run / "manifest.csv")
    held_out = mf.held_out_rows(manifest)
    train = np.setdiff1d(np.arange(len(manifest)), held_out)
    backbone, features = "vgg16_conv5_gem", clean_run / "features"
    lr = run_files.load_features(features, backbone, "lr", 4)
    folds = feature_sr.load(run_files.fsr_model_path(clean_run / "models", "fsrgan", backbone),
                            "cpu", backbone)
    assert len(folds.models) == 1  # the train split shares no photo with a query
    model = folds.models[0]
    sr = run_files.load_features(features, backbone, "fsrgan", 4)
    assert len(train) and np.isnan(sr[train]).all()
    np.testing.assert_allclose(sr[held_out], feature_sr.apply(model, lr[held_out], 4, "cpu"),
                               rtol=0, atol=1e-6)


def test_tables_have_the_documented_columns(clean_run):
    distance = pd.read_csv(clean_run / "tables/distance.csv")
    assert list(distance.columns) == ["dataset", "backbone", "method", "factor",
                                      "mean_distance", "variance", "n"]
    assert set(distance["method"]) == {"lr", *FITTED, "srcnn", "vdsr", "hr_same_group",
                                       "hr_other_group"}
    assert set(distance.loc[distance.method == "lr", "factor"]) == {4, 16}
    retrieval = pd.read_csv(clean_run / "tables/retrieval.csv")
    assert list(retrieval.columns) == ["dataset", "protocol", "backbone", "method", "factor",
                                       "mAP", "mAP_low", "mAP_high", "n_queries", "mP@1",
                                       "mP@5", "mP@10"]
    assert retrieval["mAP"].between(0, 1).all()
    # every mAP inside its bootstrap interval over the queries
    assert (retrieval["mAP_low"] <= retrieval["mAP"] + 1e-9).all()
    assert (retrieval["mAP"] <= retrieval["mAP_high"] + 1e-9).all()
    assert (retrieval["mAP_low"] < retrieval["mAP_high"]).any()
    assert set(retrieval["method"]) == {"hr", "lr", *FITTED, "srcnn", "vdsr", "matched"}
    quality = pd.read_csv(clean_run / "tables/isr_quality.csv")
    assert set(quality["method"]) == {"bicubic", "srcnn", "vdsr"}
    cost = pd.read_csv(clean_run / "tables/isr_cost.csv")
    assert list(cost["model"]) == ["srcnn_f4", "srcnn_f16", "vdsr"]
    assert set(cost["fitted_on"]) == {"train_split"}
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
    # ... with the same interval: the same per-query APs under the same resamples
    assert (first["mAP_low_x"] - first["mAP_low_y"]).abs().max() < 1e-12
    assert (first["mAP_high_x"] - first["mAP_high_y"]).abs().max() < 1e-12
    bits = pd.read_csv(clean_run / "tables/lowbitrate.csv")
    assert set(bits["method"]) == {"hr", "lr", *FITTED, "srcnn", "vdsr", "matched"}
    assert (bits["mAP_low"] <= bits["mAP"] + 1e-9).all()
    assert (bits["mAP"] <= bits["mAP_high"] + 1e-9).all()
    hr_bits = bits[bits.method == "hr"].groupby("quality")["bits"].mean()
    assert hr_bits[25] < hr_bits[75]  # a higher JPEG quality sends more bits
    # a small image costs fewer bits than the HR one at the same quality
    assert bits[(bits.method == "lr") & (bits.factor == 16)]["bits"].max() < hr_bits[25]
    # every stage's job measured by Snakemake's benchmark directive
    cost = pd.read_csv(clean_run / "tables/stage_cost.csv")
    assert {"01_prepare", "03_features", "05_train_fsrgan", "19_focal"} <= set(cost["stage"])
    assert len(cost) == len(list((clean_run / "notebooks").glob("*.ipynb")))
    assert (cost["seconds"] > 0).all() and (cost["max_rss_mb"] > 0).all()
    assert cost["commit"].nunique() == 1 and cost["cpu_model"].nunique() == 1
    meta = json.loads((clean_run / "features/meta.json").read_text())
    assert meta["precision"] == "fp32" and "fp32" in meta["why"]  # config/tiny.yaml sets it
    # ISR methods restore the queries only: their distance rows count those images
    queries = (pd.read_csv(clean_run / "manifest.csv")["split"] == "query").sum()
    assert (distance.loc[distance.method.isin(["srcnn", "vdsr"]), "n"] == queries).all()
    assert (quality["n"] == queries).all()
    # the ridge regularisation was chosen on held-out units, once per backbone, factor and
    # fit: ridge_db is cross-fitted (config/tiny.yaml: two folds of the query photos,
    # whose views are the database), every other method fitted once
    for method, fits in (("ridge", 1), ("ridge_db", 2)):
        chosen = pd.read_csv(clean_run / f"tables/{method}_validation.csv").query("chosen")
        assert len(chosen) == 2 * fits and (chosen["n_validation"] > 0).all()
    from fsrstudy.data import manifest as mf
    held_out_ids = mf.held_out_rows(mf.read(clean_run / "manifest.csv"))
    fitted = pd.concat([pd.read_csv(clean_run / f"tables/{name}.csv")
                        for name in ("fits", "distill_fits")]).set_index("method")
    assert set(fitted.index) == set(FITTED)
    on_database = fitted.index.str.endswith("_db")
    assert (fitted.loc[on_database, "models"] == 2).all()
    assert (fitted.loc[~on_database, "fit"] == "one fit").all()
    # every evaluation image (the queries and their photos' views) mapped by the fold
    # model that never saw its photo: measured for every method alike
    assert (fitted.loc[on_database, "rows_by_held_out_fold"] == len(held_out_ids)).all()
    assert (distance.loc[distance.method.isin(FITTED), "n"] == len(held_out_ids)).all()
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
    assert set(focal["variant"]) == {"r1", "r2", "r3", "adversarial_only", "distance_only",
                                     "critic5"}
    assert focal.groupby("variant")["seed"].nunique().min() == 3
    # its r = 2 variant with seeds 1 and 2 is the seed spread's FSR-GAN, kept and reused
    assert sorted(p.name for p in (clean_run / "models/seeds").glob("fsrgan_seed*")) == [
        "fsrgan_seed1_vgg16_conv5_gem.pt", "fsrgan_seed2_vgg16_conv5_gem.pt"]
    keys = ["seed", "factor", "dataset", "protocol"]
    reused = focal[focal.variant == "r2"].merge(spread[spread.method == "fsrgan"], on=keys)
    assert len(reused) == len(focal[focal.variant == "r2"])
    assert (reused["mAP_x"] == reused["mAP_y"]).all()
    assert (reused["mean_distance_x"] == reused["mean_distance_y"]).all()


# The tiny run's recorded results (scripts/record_tiny_tables.py): config/tiny.yaml runs
# in fp32 with torch's own convolutions on every CPU, so any machine gives them to float
# tolerance (fsrstudy.report.golden); tables of measured times are left out.
GOLDEN = ROOT / "tests/golden/tiny"


def test_tiny_results_equal_the_recorded_ones_on_any_cpu(clean_run):
    """Behaviour unchanged: a change that moves any number of the tiny run beyond float
    noise fails here, on every CPU (the data stages' files compared exactly). A change
    meant to move them records them again with scripts/record_tiny_tables.py."""
    from fsrstudy.report import golden

    assert (GOLDEN / golden.RECORD).is_file(), f"nothing recorded in {GOLDEN}"
    found = golden.differences(clean_run, GOLDEN)
    assert not found, "the tiny run differs from the recorded tables:\n" + "\n".join(found)


def test_report_and_single_figure_rebuild(clean_run):
    results = clean_run.parent
    report = results / "report.html"
    proc = snakemake("--report", str(report), results_dir=results, check=False)
    assert proc.returncode == 0, why_it_failed(proc)
    assert report.stat().st_size > 10000
    # it opens with the run's own findings, read from its tables
    html = report.read_text(errors="replace")
    assert "What this run found" in html and "LR features drift from HR" in html
    figure = clean_run / "figures" / "map_vs_factor.png"
    before = figure.stat().st_mtime
    proc = snakemake(str(figure), "--forcerun", "figure", results_dir=results, check=False)
    assert proc.returncode == 0, why_it_failed(proc)
    assert figure.stat().st_mtime > before
    assert "features" not in proc.stderr.split("Job stats:")[-1].split("Reasons")[0]


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
        assert proc.returncode == 0, why_it_failed(proc)
    figures = [p.stem for p in (clean_run / "figures").glob("*.png")]
    assert len(figures) >= 11
    problems = browser_check.check(report, clean_run / "notebooks/15_retrieval.html",
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
    assert proc.returncode == 0, why_it_failed(proc)
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
    assert proc.returncode == 0, why_it_failed(proc)
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






