"""A user's csv set with no training images: the models are fitted on its database."""
import subprocess
import sys

import pandas as pd
import pytest
from tiny_run import ROOT, why_it_failed

pytestmark = pytest.mark.e2e


@pytest.mark.cost(240)
def test_a_set_without_training_images_fits_on_its_database_alone(tmp_path):
    """A user's folder with queries and database images only (the README's own-images
    recipe): `training_data: [database]` fits fsrgan_db, ridge_db and distill_db on the
    database (with extra seeded views of each image), the ISR baselines train on the
    database images no query comes from, nothing asks for a train split, and the whole
    default target builds: every figure, the front page."""
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
                  augment={"views_per_image": 2},
                  fsrgan={**config["fsrgan"], "training_data": ["database"]})
    (tmp_path / "dbonly.yaml").write_text(yaml.safe_dump(config))
    target = tmp_path / "dbonly/tables/retrieval.csv"
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile",
           str(tmp_path / "dbonly.yaml"), "--config", f"results_dir={tmp_path}"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, why_it_failed(proc)
    retrieval = pd.read_csv(target)
    assert set(retrieval.method) == {"hr", "lr", "fsrgan_db", "fsrgan_fa_db", "ridge_db",
                                     "mean_shift_db", "distill_db", "srcnn", "vdsr",
                                     "matched"}
    # ISR trained on the database images of photos no query comes from (all four here)
    cost = pd.read_csv(tmp_path / "dbonly/tables/isr_cost.csv")
    assert set(cost["fitted_on"]) == {"database"}
    figures = {p.stem for p in (tmp_path / "dbonly/figures").glob("*.png")}
    assert {"training_curve", "isr_quality", "map_vs_factor", "map_vs_bits"} <= figures
    assert "focal_exponent" not in figures  # the ablation needs a train split
    assert (tmp_path / "dbonly/report/front_page.rst").is_file()
    manifest = pd.read_csv(tmp_path / "dbonly/manifest.csv")
    # the 4 database images are fitted (the queries are not database rows here), and
    # 2 extra views of each
    assert (manifest["split"] == "fit_database").sum() == 2 * 4

    # the same set asked to fit on a train split it does not have: stopped in prepare
    config["fsrgan"]["training_data"] = ["train_split", "database"]
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump({**config, "run": "bad"}))
    cmd.insert(5, str(tmp_path / "bad/tables/retrieval.csv"))  # after --cores 2
    cmd[cmd.index(str(tmp_path / "dbonly.yaml"))] = str(tmp_path / "bad.yaml")
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0
    log = (tmp_path / "bad/logs/01_prepare.log").read_text()
    assert "'train_split' selects no image in dataset(s) mine" in log
    assert not (tmp_path / "bad/features").exists()
