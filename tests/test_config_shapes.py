"""Every shape of config that the README or config/ shows builds its whole default
target: a dry run of each (no job runs), with the stages each shape must and must not
have. The shapes that change which rules run also run for real on the tiny config
(test_workflow, test_database_only, test_resume)."""
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from tiny_run import ROOT, snakemake, why_it_failed

sys.path.insert(0, str(ROOT / "workflow"))
from fsrstudy import descriptors, run_files  # noqa: E402

PAPER_BACKBONES = descriptors.descriptor_names("torchvision_vgg16", ["fc7", "gem", "mac"])
DEFAULT_BACKBONES = descriptors.descriptor_names("offline_vgg16", ["gem", "mac"])


EVERY_OPTION_OFF = {"focal": {"enabled": False}, "seed_spread": {"enabled": False},
                    "distill": {"enabled": False}, "lowbitrate": {"enabled": False},
                    "fsrgan_fa": {"enabled": False}, "ridge": {"enabled": False},
                    "mean_shift": {"enabled": False}, "isr": {"methods": []}}


def snakemake_dry_run(tmp_path, *configfiles, config=(), targets=()) -> str:
    """What `snakemake -n` prints on config.yaml read under `configfiles`."""
    files = [str(f) for f in configfiles]
    cmd = [sys.executable, "-m", "snakemake", "-n", "--cores", "2", *targets,
           *(["--configfile", *files] if files else []),
           "--config", f"results_dir={tmp_path / 'results'}", *config]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, f"{' '.join(cmd)}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def dry_run(tmp_path, *configfiles, config=()) -> dict[str, int]:
    """The jobs, by rule, of `snakemake -n` on config.yaml read under `configfiles`."""
    stdout = snakemake_dry_run(tmp_path, *configfiles, config=config)
    table = re.search(r"^job\s+count\n-+\s+-+\n(.*?)^total", stdout, re.M | re.S)
    assert table, stdout[-3000:]
    return {rule: int(n) for rule, n in re.findall(r"^(\S+)\s+(\d+)$", table.group(1), re.M)}


def planned_jobs(stdout: str) -> list[dict]:
    """Each job a dry run prints: its rule, input and output files."""
    jobs = []
    for block in re.split(r"^(?:local)?rule ", stdout, flags=re.M)[1:]:
        job = {"rule": block.split(":", 1)[0]}
        for key in ("input", "output"):
            found = re.search(rf"^    {key}: (.*)$", block, re.M)
            job[key] = found.group(1).split(", ") if found else []
        jobs.append(job)
    return jobs


def write(path, values: dict):
    path.write_text(yaml.safe_dump(values))
    return path


def a_csv_set(tmp_path, train: bool):
    """A user's CSV (the images need not exist for a dry run: prepare reads them)."""
    rows = ["image,group,role", "q.jpg,a,query", "d1.jpg,a,db", "d2.jpg,b,db"]
    rows += ["t1.jpg,c,train", "t2.jpg,d,train"] if train else []
    csv = tmp_path / "images.csv"
    csv.write_text("\n".join(rows) + "\n")
    return {"run": "mine", "datasets": [{"kind": "csv", "name": "mine", "csv": str(csv)}]}


def models_of_another_run(folder, backbones, methods, factors, isr=("srcnn", "vdsr")):
    """Empty files where another run keeps its models: enough for a dry run."""
    paths = [run_files.fsr_model_path(folder, m, b) for m in methods for b in backbones]
    paths += [run_files.isr_model_path(folder, m, f) for m in isr for f in factors]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    return str(folder)


def test_the_default_and_the_configs_in_config_folder(tmp_path):
    default = dry_run(tmp_path)
    assert default["train_fsrgan"] == 4 and default["isr_train"] == 1
    assert default["focal"] == 1 and default["seed_spread"] == 1 and default["lowbitrate"] == 1
    assert "train_distill" not in default  # off by default
    full = dry_run(tmp_path, ROOT / "config/demo_full.yaml")
    assert full["figure"] == default["figure"]
    tiny = dry_run(tmp_path, ROOT / "config/tiny.yaml")
    assert tiny["train_distill"] == 2
    paper = dry_run(tmp_path, ROOT / "config/paper.yaml")
    assert paper["unpack"] == 3 and paper["download"] == 9


def test_the_paper_config_with_the_models_of_another_run(tmp_path):
    paper = yaml.safe_load((ROOT / "config/paper.yaml").read_text())
    models = models_of_another_run(tmp_path / "other", PAPER_BACKBONES,
                                   ["fsrgan", "fsrgan_db", "fsrgan_fa", "fsrgan_fa_db", "ridge",
                                    "ridge_db"], paper["degrade"]["factors"])
    jobs = dry_run(tmp_path, ROOT / "config/paper.yaml",
                   write(tmp_path / "pre.yaml", {"pretrained_models": models}))
    # nothing trained: another run's models are evaluated
    assert not {"train_fsrgan", "fit_ridge", "isr_train", "focal", "seed_spread"} & set(jobs)
    assert jobs["apply_fsrgan"] == 1 and jobs["isr_restore"] == 1


@pytest.mark.parametrize("isr", [["srcnn", "vdsr"], []], ids=["isr_on", "isr_off"])
def test_the_readme_own_images_recipe_without_train_rows(tmp_path, isr):
    """The README's own-images recipe: a csv set, fitted on its database (with extra
    views), ISR on (it then trains on database images no query comes from) or off."""
    mine = {**a_csv_set(tmp_path, train=False), "fsrgan": {"training_data": ["database"]},
            "augment": {"views_per_image": 8}, "isr": {"methods": isr}}
    jobs = dry_run(tmp_path, write(tmp_path / "my.yaml", mine))
    assert jobs["train_fsrgan"] == 2  # fsrgan_db, fsrgan_fa_db
    assert jobs["fit_ridge"] == 2  # ridge_db, mean_shift_db
    assert "focal" not in jobs  # the ablation trains on a train split
    assert jobs.get("isr_train", 0) == (1 if isr else 0)
    assert "figure" in jobs and "front_page" in jobs


def test_a_csv_set_with_train_rows_and_with_another_runs_models(tmp_path):
    jobs = dry_run(tmp_path, write(tmp_path / "my.yaml", a_csv_set(tmp_path, train=True)))
    assert jobs["train_fsrgan"] == 4 and jobs["focal"] == 1 and jobs["isr_train"] == 1
    models = models_of_another_run(tmp_path / "other", DEFAULT_BACKBONES,
                                   ["fsrgan", "fsrgan_fa", "ridge"], [4, 9, 16])
    mine = {**a_csv_set(tmp_path, train=False), "pretrained_models": models}
    jobs = dry_run(tmp_path, write(tmp_path / "pre.yaml", mine))
    assert "train_fsrgan" not in jobs and "isr_train" not in jobs
    assert jobs["isr_restore"] == 1


def test_every_optional_part_off(tmp_path):
    off = write(tmp_path / "off.yaml", EVERY_OPTION_OFF)
    jobs = dry_run(tmp_path, ROOT / "config/tiny.yaml", off)
    assert jobs["train_fsrgan"] == 2  # fsrgan and fsrgan_db
    assert not {"focal", "seed_spread", "train_distill", "lowbitrate", "fit_ridge",
                "isr_train", "isr_restore"} & set(jobs)


@pytest.mark.e2e
@pytest.mark.cost(100)
def test_every_optional_part_off_builds_its_report(tmp_path):
    """The smallest study: FSR-GAN alone, no ISR, no applications: every figure it
    asks for and the front page still build (they must not assume the optional tables)."""
    off = write(tmp_path / "off.yaml", EVERY_OPTION_OFF)
    proc = snakemake(results_dir=tmp_path, configfiles=[off], check=False)
    assert proc.returncode == 0, why_it_failed(proc)
    retrieval = pd.read_csv(tmp_path / "tiny/tables/retrieval.csv")
    assert set(retrieval["method"]) == {"hr", "lr", "fsrgan", "fsrgan_db", "matched"}
    figures = {p.stem for p in (tmp_path / "tiny/figures").glob("*.png")}
    assert {"training_curve", "map_vs_factor", "stage_cost"} <= figures
    assert not {"isr_quality", "map_vs_bits", "focal_exponent"} & figures
    assert (tmp_path / "tiny/report/front_page.rst").is_file()


@pytest.mark.parametrize("configs", [[], ["config/paper.yaml"], ["config/tiny.yaml", "off"]],
                         ids=["default", "paper", "tiny_every_option_off"])
def test_the_notebook_index_lists_the_notebooks_the_results_need(tmp_path, configs):
    """Rules register their stages (and whether the run runs them); the index and the
    cost table are built from that. Without the index and the cost table, the figures
    need exactly the notebooks the index lists: none missing, none run only for it."""
    files = [write(tmp_path / "off.yaml", EVERY_OPTION_OFF) if c == "off" else ROOT / c
             for c in configs]
    whole = planned_jobs(snakemake_dry_run(tmp_path, *files))
    (index,) = [job for job in whole if job["rule"] == "notebook_index"]
    figures = [f for job in whole if job["rule"] == "figure" for f in job["output"]
               if not f.endswith("/stage_cost.png")]
    needed = planned_jobs(snakemake_dry_run(tmp_path, *files, targets=figures))
    notebooks = [f for job in needed for f in job["output"] if f.endswith(".html")]
    assert sorted(index["input"]) == sorted(notebooks)
    assert len(notebooks) >= 8 and len(set(notebooks)) == len(notebooks)
    (cost,) = [job for job in whole if job["rule"] == "stage_cost"]
    stage_names = {Path(f).stem for f in cost["input"]}
    assert {Path(f).stem for f in notebooks} <= stage_names
