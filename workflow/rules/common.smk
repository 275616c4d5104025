# Helpers shared by every rule: paths of the run, the notebook command, parameters.
import itertools
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
from fsrstudy import run_files as _run_files
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
        if not all(_run_files.fsr_model_path(PRETRAINED, m, b).is_file() for b in BACKBONES)
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
# what this run fits models on, and whether it trains the ISR baselines (prepare checks)
FITTED_ON = [] if PRETRAINED else config["fsrgan"]["training_data"]
TRAINS_ISR = bool(ISR_METHODS) and not PRETRAINED
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
REVISITOP1M = DISTRACTORS == "revisitop1m"
# where the fetched revisitop1m list and images are (its shard jobs read them)
REVISITOP1M_FILES = {
    "list_file": str(_fetch.layout(DATA, "revisitop1m")["lists"][0]),
    "distractor_images": str(_fetch.layout(DATA, "revisitop1m")["images"]),
}
# the extractor's options as the feature code takes them; `shards` says how many jobs
FEATURE_SHARDS = config["features"]["shards"]
SHARDS = range(FEATURE_SHARDS) if FEATURE_SHARDS > 1 else []
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
SPREAD_SECTIONS = ("seed_spread", "fsrgan", "ridge", "distill", "features", "cross_fit")
# every fitted method: [family, training data]
FITS = {**FSR_FITS, **DISTILL_FITS}
SPREAD_BACKBONE = config["seed_spread"]["backbone"] or BACKBONES[0]
# the FSR-GANs the seed spread trains (seeds other than the run's), kept as models
SPREAD_GAN_MODELS = {
    (m, s): str(_run_files.seed_model_path(f"{OUT}/models", m, s, SPREAD_BACKBONE))
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
# The values of the wildcards in stage names (05_train_{gan}: 05_train_fsrgan, ...)
STAGE_WILDCARDS = {"gan": FSRGAN_METHODS, "linear": RIDGE_METHODS, "student": DISTILL_METHODS}


# what prepare checks: where downloads are, what the models are fitted on, ISR or not
PREPARE_CHECKS = {"data_dir": DATA, "training_data": FITTED_ON, "isr": TRAINS_ISR}
LOWBITRATE_METHODS = {
    "fsr_methods": FSR_METHODS,
    "isr_methods": ISR_METHODS,
    "distill_methods": DISTILL_METHODS,
}
ISR_RUNS = [(m, f) for m in ISR_METHODS for f in FACTORS]


# SRCNN: one model per factor (its paper); VDSR: one model for every factor
def isr_model_files(models_dir):
    paths = (_run_files.isr_model_path(models_dir, m, f) for m in ISR_METHODS for f in FACTORS)
    return [str(path) for path in dict.fromkeys(paths)]


# ISR models trained before and shipped (isr.reuse): checked, reused when they match
REUSABLE_ISR_MODELS = [
    path
    for path in (isr_model_files(config["isr"]["reuse"]) if config["isr"]["reuse"] else [])
    if Path(path).is_file()
]


def fsr_model_files(models_dir, methods=FSR_METHODS):
    return [str(_run_files.fsr_model_path(models_dir, m, b)) for m in methods for b in BACKBONES]


def fsr_model_pattern(models_dir, wildcard):
    """Every backbone's model of a rule's method wildcard (e.g. "gan": {gan})."""
    return [str(_run_files.fsr_model_path(models_dir, f"{{{wildcard}}}", b)) for b in BACKBONES]


# Under --use-conda the rule's environment provides `python`; otherwise use the Python
# that runs Snakemake (the project's venv), whatever PATH says.
USE_CONDA = DeploymentMethod.CONDA in workflow.deployment_settings.deployment_method
PYTHON = "python" if USE_CONDA else sys.executable
# every rule's environment (with --use-conda), relative to the rules files
ENV = "../../envs/study.yaml"


# the report's first page, written from this run's tables (rule front_page)
FRONT_PAGE = f"{OUT}/report/front_page.rst"


# Every notebook rule's files around its notebook, from its stage name (NN_name): the
# executed notebook as HTML (an output, in the report), its .ipynb and stderr logs, and
# Snakemake's measurement of the job (wall and CPU time, peak memory).
def notebook_html(stage):
    return f"{OUT}/notebooks/{stage}.html"


# The stages, registered by their rules as Snakemake reads them: the notebook index and
# the cost table list what is registered here, so that a new stage is listed by its rule
# and nowhere else. A rule says whether this run runs it (`runs`; a switch of the config).
NOTEBOOK_STAGES = {}  # name, or pattern of names (05_train_{gan}) -> whether it runs
SHARD_JOBS = {}  # a shard job's name pattern -> the shards this run runs


def stage_html(stage, runs=True):
    NOTEBOOK_STAGES[stage] = bool(runs)
    return {"html": report(notebook_html(stage), category="Executed notebooks")}


def shard_benchmark(job, shards):
    """The benchmark of a job that writes no notebook but whose cost counts."""
    SHARD_JOBS[job] = list(shards)
    return stage_benchmark(job)


def filled(pattern, values):
    """Every name a pattern takes, its wildcards filled from `values` in every combination."""
    names = re.findall(r"{(\w+)}", pattern)
    combos = itertools.product(*(values[name] for name in names))
    return [pattern.format(**dict(zip(names, combo))) for combo in combos]


def stages_this_run_runs():
    """Every notebook stage of this run (its rule registered it and runs), by stage
    number; one rule's stages in the config's order of methods."""
    stages = [
        name for s, runs in NOTEBOOK_STAGES.items() if runs for name in filled(s, STAGE_WILDCARDS)
    ]
    return sorted(stages, key=lambda name: name.split("_")[0])


def shard_jobs_this_run_runs():
    return [name for job, shards in SHARD_JOBS.items() for name in filled(job, {"shard": shards})]


def stage_logs(stage):
    return {"notebook": f"{OUT}/notebooks/{stage}.ipynb", "stderr": f"{OUT}/logs/{stage}.log"}


def stage_benchmark(stage):
    return f"{OUT}/benchmarks/{stage}.tsv"


def job_size(mem_mb, runtime):
    """A job's memory (MB) and time limit (minutes), as a cluster scheduler needs them."""
    return {"mem_mb": mem_mb, "runtime": runtime}


# the run's folders a stage may be handed (as <name>_dir), each as `declared` gives it
FOLDERS = {"images": f"{OUT}/images", "features": f"{OUT}/features", "models": MODELS}


def notebook_values(*sections, **values):
    """A notebook rule's parameters, as one JSON argument: its named input and output
    files under the rule's own names (not the notebook and its html), the run's seed,
    backbones, factors and the job's threads, each config section of `sections` whole,
    the run's folders (images_dir, features_dir, models_dir: `declared`, so that the
    stage can use only the job's own files in them) and `values` (a callable is given
    the wildcards). The notebook's parameter cell has the same names. The JSON is one
    shell argument (Linux takes 128 KB): hand large file lists only as a folder's."""

    def values_of(wildcards, input, output, threads):
        named = [*input.items(), *output.items()]
        files = {k: v for k, v in named if k not in ("notebook", "html")}
        run = {"seed": config["seed"], "backbones": BACKBONES, "factors": FACTORS}
        return as_param(
            {
                **files,
                **run,
                "threads": threads,
                **{section: config[section] for section in sections},
                **{f"{d}_dir": declared(path, input, output) for d, path in FOLDERS.items()},
                **{k: v(wildcards) if callable(v) else v for k, v in values.items()},
            }
        )

    return values_of


def feature_files(methods, factors, features_dir=f"{OUT}/features"):
    return [
        str(_run_files.feature_path(features_dir, b, m, f))
        for b in BACKBONES
        for m in methods
        for f in factors
    ]


def fit_of(wildcards):
    """[family, training data] of the fitted method a rule's wildcard names."""
    method = next(v for k, v in wildcards.items() if k in ("gan", "linear", "student"))
    return list(FITS[method])


def shard_number(wildcards):
    return int(wildcards.shard)


# every shard job's parameters (rule distractor_shard)
REVISITOP1M_SHARD_JOB = {**REVISITOP1M_FILES, "shard": shard_number, "shards": DISTRACTOR_SHARDS}


# the wildcards of the downloads, of the rules that fit one method each, of shard jobs
wildcard_constraints:
    file="|".join(re.escape(name) for name in ALL_DOWNLOADS) or "NO_DOWNLOADS",
    kind="|".join(UNPACKED) or "NO_DATASETS",
    gan="|".join(FSRGAN_METHODS) or "no-gan-method",
    linear="|".join(RIDGE_METHODS) or "no-linear-method",
    student="|".join(DISTILL_METHODS) or "no-distill-method",
    shard=r"\d+",


def figure_table(wildcards):
    gan = FSRGAN_METHODS[0] if FSRGAN_METHODS else "fsrgan"
    return f"{OUT}/tables/{_figure_catalog.table_name(wildcards.name, gan)}"


def declared(folder, *named):
    """A folder as each job hands it to its stage, that is the folder with the job's
    own files in it (those of `named`, its input and output), which fsrstudy.run_files
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
