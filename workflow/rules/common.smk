# Helpers shared by every rule: paths of the run, the notebook command, parameters.
import json
import os
import re
import shlex
import sys

from snakemake.exceptions import WorkflowError
from snakemake.settings.types import DeploymentMethod

from fsrstudy import descriptors as _descriptors
from fsrstudy import config as _config
from fsrstudy.data import dataset_kinds as _kinds
from fsrstudy import fsr_names as _fsr_names
from fsrstudy.data import fetch as _fetch
from fsrstudy import storage as _storage
from fsrstudy.report import figure_catalog as _figure_catalog
from fsrstudy.report.figure_catalog import FIGURES

RUN = config["run"]
OUT = f"{config['results_dir']}/{RUN}"
DATA = config["data_dir"]
# downloaded kinds -> the files their unpack step reads; the inputs of `prepare`
UNPACKED = _kinds.needed_downloads(config["datasets"])
if config["distractors"]["revisitop1m"]:
    UNPACKED["revisitop1m"] = _config.distractor_downloads(config)
ALL_DOWNLOADS = sorted({name for names in UNPACKED.values() for name in names})
UNPACKED_MARKERS = {kind: str(_fetch.unpacked_marker(DATA, kind)) for kind in UNPACKED}
DATASET_INPUTS = (
    [m for kind, m in UNPACKED_MARKERS.items() if kind != "revisitop1m"]
    + [
        path
        for entry in config["datasets"]
        for key in ("photos_csv", "csv", "rotation_list")
        if (path := entry.get(key))
    ]
    + [path for entry in config["datasets"] for path in entry.get("ground_truth") or []]
)
# Models of another run, evaluated here without training (config: pretrained_models);
# training rules always write this run's models/, so another run's are never overwritten
PRETRAINED = config["pretrained_models"]
MODELS = PRETRAINED or f"{OUT}/models"
FACTORS = config["degrade"]["factors"]
ALL_FACTORS = [1] + FACTORS
BACKBONES = _descriptors.descriptor_names(
    config["features"]["source"], config["features"]["poolings"]
)
ISR_METHODS = config["isr"]["methods"]
# feature-SR methods: each family x training-data option, e.g. fsrgan (train split),
# fsrgan_db (database), fsrgan_fa (factor-aware), ridge, ridge_db
FSR_FAMILIES = (
    ["fsrgan"]
    + (["fsrgan_fa"] if config["fsrgan_fa"]["enabled"] else [])
    + (["ridge"] if config["ridge"]["enabled"] else [])
    + (["mean_shift"] if config["mean_shift"]["enabled"] else [])
)
FSR_FITS = _fsr_names.methods(FSR_FAMILIES, config["fsrgan"]["training_data"])


def with_pretrained_models(fits):
    """The methods of `fits` that another run (config: pretrained_models) has a model of
    for every backbone; it says which configured ones it lacks (an older run, or a
    method switched off)."""
    missing = [
        m
        for m in fits
        if not all(_storage.fsr_model_path(PRETRAINED, m, b).is_file() for b in BACKBONES)
    ]
    if missing:
        print(
            f"pretrained_models {PRETRAINED} has no model of {', '.join(missing)} for "
            f"backbones {BACKBONES}: those methods are left out of this run",
            file=sys.stderr,
        )
    return {m: fit for m, fit in fits.items() if m not in missing}


if PRETRAINED:
    FSR_FITS = with_pretrained_models(FSR_FITS)
    if not FSR_FITS:
        raise WorkflowError(
            f"pretrained_models {PRETRAINED} holds no feature-SR model "
            f"(<method>_<backbone>.pt) for backbones {BACKBONES}"
        )
FSR_METHODS = list(FSR_FITS)
# distilled query networks (distill, distill_db): fitted on the same data, but they read
# the pool4 maps of the LR image instead of its features
DISTILL_FITS = _fsr_names.methods(
    ["distill"] if config["distill"]["enabled"] else [], config["fsrgan"]["training_data"]
)
if PRETRAINED:
    DISTILL_FITS = with_pretrained_models(DISTILL_FITS)
DISTILL_METHODS = list(DISTILL_FITS)
FSRGAN_METHODS = [m for m, (family, _) in FSR_FITS.items() if family in _fsr_names.GAN_FAMILIES]
# closed-form maps (ridge, mean_shift), fitted by rule fit_ridge
RIDGE_METHODS = [m for m, (family, _) in FSR_FITS.items() if family in _fsr_names.LINEAR_FAMILIES]
EVAL_METHODS = ["lr"] + FSR_METHODS + DISTILL_METHODS + ISR_METHODS
# `matched`: LR queries against the database re-extracted at their factor (retrieval only)
RETRIEVAL_METHODS = EVAL_METHODS + ["matched"]
DISTRACTORS = _config.distractor_source(config)
LARGE_SCALE = DISTRACTORS != "none"
# the extractor's options as the feature code takes them; `shards` says how many jobs
FEATURE_SHARDS = config["features"]["shards"]
EXTRACTOR = {k: v for k, v in config["features"].items() if k != "shards"}
FEATURE_SHARD_DIR = f"{OUT}/features/shards/{{shard}}"
# revisitop1m's features come from this many shard jobs (distractors.shards)
DISTRACTOR_SHARDS = _config.distractor_shards(config)
DISTRACTOR_SHARD_DIR = f"{OUT}/features/distractor_shards/{{shard}}"
LOWBITRATE = config["lowbitrate"]["enabled"]
# the ablation trains models on the train split: not with another run's models, nor
# when the run fits nothing on the train split
FOCAL = (
    config["focal"]["enabled"]
    and not PRETRAINED
    and "train_split" in config["fsrgan"]["training_data"]
)
FOCAL_BACKBONE = config["focal"]["backbone"] or BACKBONES[0]
# every fitted method again with each seed: not with another run's models
SEED_SPREAD = config["seed_spread"]["enabled"] and not PRETRAINED
SPREAD_BACKBONE = config["seed_spread"]["backbone"] or BACKBONES[0]
# the FSR-GANs the seed spread trains (seeds other than the run's), kept as models
SPREAD_GAN_MODELS = {
    (m, s): str(_storage.seed_model_path(f"{OUT}/models", m, s, SPREAD_BACKBONE))
    for m in (FSRGAN_METHODS if SEED_SPREAD else [])
    for s in config["seed_spread"]["seeds"]
    if s != config["seed"]
}
# ... of which the focal ablation's r = 2 variant would train again: the same config,
# seed, backbone and train split (the ablation checks each checkpoint before reusing it)
FOCAL_REUSES = [
    path
    for (m, s), path in SPREAD_GAN_MODELS.items()
    if m == "fsrgan" and s in config["focal"]["seeds"] and SPREAD_BACKBONE == FOCAL_BACKBONE
]
for _section, _backbone in [("focal", FOCAL_BACKBONE), ("seed_spread", SPREAD_BACKBONE)]:
    if _backbone not in BACKBONES:
        raise WorkflowError(
            f"{_section}.backbone {_backbone!r} is not one of this run's backbones {BACKBONES}"
        )
ISR_FIGURES = {"isr_quality", "isr_training_curve"}
TRAINING_FIGURES = {"training_curve", "isr_training_curve"}  # drawn by the training run
OPTIONAL_FIGURES = {
    "map_vs_distractors": LARGE_SCALE,
    "map_vs_bits": LOWBITRATE,
    "focal_exponent": FOCAL,
}
FIGURE_NAMES = sorted(
    n
    for n in FIGURES
    if (ISR_METHODS or n not in ISR_FIGURES)
    and not (PRETRAINED and n in TRAINING_FIGURES)
    and (FSRGAN_METHODS or n != "training_curve")
    and OPTIONAL_FIGURES.get(n, True)
)
STAGES = ["01_prepare", "02_degrade", "03_features"]
STAGES += [] if PRETRAINED else [f"04_train_{m}" for m in FSRGAN_METHODS]
STAGES += [] if PRETRAINED else [f"04_fit_{m}" for m in RIDGE_METHODS]
STAGES += ["03_pool4_maps"] if DISTILL_METHODS else []
STAGES += [] if PRETRAINED else [f"04_train_{m}" for m in DISTILL_METHODS]
STAGES += ["05_apply"]
STAGES += ["05_apply_distill"] if DISTILL_METHODS else []
STAGES += ([] if PRETRAINED else ["06_isr_train"]) if ISR_METHODS else []
STAGES += ["07_isr_restore", "08_isr_features"] if ISR_METHODS else []
STAGES += ["09_analysis"] + (["09_seed_spread"] if SEED_SPREAD else []) + ["10_retrieval"]
STAGES += ["11_distractor_features"] if DISTRACTORS == "revisitop1m" else []
# jobs of a stage that write no notebook, but whose cost counts (tables/stage_cost.csv)
SHARD_JOBS = [f"03_feature_shard_{k}" for k in range(FEATURE_SHARDS)] if FEATURE_SHARDS > 1 else []
SHARD_JOBS += (
    [f"11_distractor_shard_{k}" for k in range(DISTRACTOR_SHARDS)]
    if DISTRACTORS == "revisitop1m"
    else []
)
STAGES += ["12_large_scale"] if LARGE_SCALE else []
STAGES += ["13_lowbitrate"] if LOWBITRATE else []
STAGES += ["14_focal"] if FOCAL else []


# SRCNN: one model per factor (its paper); VDSR: one model for every factor
def isr_model_files(models_dir):
    paths = (_storage.isr_model_path(models_dir, m, f) for m in ISR_METHODS for f in FACTORS)
    return [str(path) for path in dict.fromkeys(paths)]


def fsr_model_files(models_dir, methods=FSR_METHODS):
    return [str(_storage.fsr_model_path(models_dir, m, b)) for m in methods for b in BACKBONES]


def fsr_model_pattern(models_dir):
    """Every backbone's model of a rule's {method} wildcard."""
    return [str(_storage.fsr_model_path(models_dir, "{method}", b)) for b in BACKBONES]


# Under --use-conda the rule's environment provides `python`; otherwise use the Python
# that runs Snakemake (the project's venv), whatever PATH says.
USE_CONDA = DeploymentMethod.CONDA in workflow.deployment_settings.deployment_method
PYTHON = "python" if USE_CONDA else sys.executable
ENV = "../../envs/study.yaml"


# the report's first page, written from this run's tables (rule front_page)
FRONT_PAGE = f"{OUT}/report/front_page.rst"


def notebook_html(stage):
    return f"{OUT}/notebooks/{stage}.html"


def stage_benchmark(stage):
    """Snakemake's own measurement of a stage's job (wall and CPU time, peak memory)."""
    return f"{OUT}/benchmarks/{stage}.tsv"


def notebook_log(stage):
    return f"{OUT}/notebooks/{stage}.ipynb"


def feature_files(methods, factors, features_dir=f"{OUT}/features"):
    return [
        str(_storage.feature_path(features_dir, b, m, f))
        for b in BACKBONES
        for m in methods
        for f in factors
    ]


def figure_table(wildcards):
    gan = FSRGAN_METHODS[0] if FSRGAN_METHODS else "fsrgan"
    return f"{OUT}/tables/{_figure_catalog.table_name(wildcards.name, gan)}"


def declared(folder, *named):
    """A folder as each job hands it to its stage, that is the folder with the job's
    own files in it (those of `named`, its input and output), which fsrstudy.storage
    reads as a Declared folder, in which the stage can name no other file."""
    root = os.path.join(os.path.abspath(folder), "")
    files = {f for group in named for f in group if os.path.abspath(f).startswith(root)}
    return {"folder": str(folder), "files": sorted(files)}


def as_param(values):
    """Stage parameters as one shell-quoted JSON argument for the notebook runner."""
    return shlex.quote(json.dumps(values))


# How each job runs the package. PYTHONPATH makes it importable in any environment
# (venv or conda); PYTHON is the rule's Python, quoted for the shell and for Snakemake's
# formatting (its braces doubled).
RUN_MODULE = (
    "PYTHONPATH=workflow${{PYTHONPATH:+:$PYTHONPATH}} "
    + shlex.quote(PYTHON).replace("{", "{{").replace("}", "}}")
    + " -m"
)
# How a job runs a module of the package with all its output in its log (in place of
# `> {log} 2>&1`): when the job fails, fsrstudy.logged says why on the console in one
# line (the exception, a notebook's failing cell's, else the log's last line) with the
# log's path, also when the log cannot be written (a full disk).
LOGGED_MODULE = f"{RUN_MODULE} fsrstudy.logged {{log}}"
NOTEBOOK_CMD = (
    f"{RUN_MODULE} fsrstudy.logged {{log.stderr}} fsrstudy.notebook_runner "
    "{input.notebook} {log.notebook} {output.html} --params {params.values}"
)
