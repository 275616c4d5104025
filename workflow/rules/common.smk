# Helpers shared by every rule: paths of the run, the notebook command, parameters.
import json
import shlex
import sys

from snakemake.settings.types import DeploymentMethod

from fsrstudy import backbones as _backbones
from fsrstudy.figures import FIGURES

RUN = config["run"]
OUT = f"{config['results_dir']}/{RUN}"
FACTORS = config["degrade"]["factors"]
ALL_FACTORS = [1] + FACTORS
BACKBONES = _backbones.descriptor_names(config["features"]["source"],
                                        config["features"]["poolings"])
ISR_METHODS = config["isr"]["methods"]
EVAL_METHODS = ["lr", "fsrgan"] + ISR_METHODS
ISR_FIGURES = {"isr_quality", "isr_training_curve"}
FIGURE_NAMES = sorted(n for n in FIGURES if ISR_METHODS or n not in ISR_FIGURES)
STAGES = ["01_prepare", "02_degrade", "03_features", "04_train", "05_apply"]
STAGES += ["06_isr_train", "07_isr_restore", "08_isr_features"] if ISR_METHODS else []
STAGES += ["09_analysis", "10_retrieval"]
# SRCNN: one model per factor (its paper); VDSR: one model for every factor
ISR_MODEL_FILES = [f"{OUT}/models/{m}_f{f}.pt" for m in ISR_METHODS if m == "srcnn"
                   for f in FACTORS] + [f"{OUT}/models/{m}.pt" for m in ISR_METHODS
                                        if m != "srcnn"]

# Under --use-conda the rule's environment provides `python`; otherwise use the Python
# that runs Snakemake (the project's venv), whatever PATH says.
USE_CONDA = DeploymentMethod.CONDA in workflow.deployment_settings.deployment_method
PYTHON = "python" if USE_CONDA else sys.executable
ENV = "../../envs/study.yaml"


def notebook_html(stage):
    return f"{OUT}/notebooks/{stage}.html"


def notebook_log(stage):
    return f"{OUT}/notebooks/{stage}.ipynb"


def feature_files(methods, factors):
    return expand(f"{OUT}/features/{{backbone}}/{{method}}_f{{factor}}.npy",
                  backbone=BACKBONES, method=methods, factor=factors)


def figure_table(wildcards):
    return f"{OUT}/tables/{FIGURES[wildcards.name].table}"


def as_param(values):
    """Stage parameters as one shell-quoted JSON argument for the notebook runner."""
    return shlex.quote(json.dumps(values))


# PYTHONPATH makes the package importable in any environment (venv or conda).
NOTEBOOK_CMD = (
    "PYTHONPATH=workflow${{PYTHONPATH:+:$PYTHONPATH}} {params.python} -m fsrstudy.notebook_runner "
    "{input.notebook} {log.notebook} {output.html} --params {params.values} "
    "> {log.stderr} 2>&1"
)
