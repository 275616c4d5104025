# Feature super-resolution for low-resolution image retrieval: the whole study.
#   snakemake --cores all                              default run (embedded photos, offline)
#   snakemake --cores all --configfile config/paper.yaml the paper's datasets (downloads)
#   snakemake --cores all --configfile config/X.yaml    another configuration
# Every stage is a notebook (notebooks/NN_stage.py) run by papermill into
# results/<run>/notebooks/; the logic lives in workflow/fsrstudy.
import sys
from pathlib import Path

sys.path.insert(0, str(Path(workflow.basedir) / "workflow"))

from snakemake.exceptions import WorkflowError  # noqa: E402

from fsrstudy import config as study_config  # noqa: E402
from fsrstudy import run_lock  # noqa: E402


configfile: "config/config.yaml"


try:
    _validated = study_config.validate(config)
except study_config.ConfigError as error:
    raise WorkflowError(str(error))
config.clear()
config.update(_validated)


include: "workflow/rules/common.smk"
include: "workflow/rules/data.smk"
include: "workflow/rules/features.smk"
include: "workflow/rules/train.smk"
include: "workflow/rules/isr.smk"
include: "workflow/rules/seed_spread.smk"
include: "workflow/rules/analysis.smk"
include: "workflow/rules/distractors.smk"
include: "workflow/rules/lowbitrate.smk"
include: "workflow/rules/focal.smk"
include: "workflow/rules/report.smk"


# One run at a time in a results folder: a run that executes jobs holds results/<run>/
# (its .run.lock) from its start, and a second one stops at once, naming the first
# (PID, host, start, command). Dry runs, --unlock, --report and the per-job processes
# of a cluster take nothing (fsrstudy.run_lock).
run_lock.guard(workflow, OUT, WorkflowError)


# On a cluster (profiles/slurm), these run on the submitting host: downloads need the
# internet that compute nodes often lack; the rest take seconds
localrules:
    download,
    figure,
    run_config,
    notebook_index,
    stage_cost,
    front_page,


# report.html opens with a page written from this run's own tables (rule front_page)
report: FRONT_PAGE


rule all:
    default_target: True
    input:
        figures=expand(f"{OUT}/figures/{{name}}.png", name=FIGURE_NAMES),
        index=f"{OUT}/notebooks/index.html",
        config=f"{OUT}/config.yaml",
        front_page=FRONT_PAGE,
        # fetched behind their own switch; searched by the large-scale stage
        distractors=[
            unpacked for kind, unpacked in UNPACKED_MARKERS.items() if kind == "revisitop1m"
        ],
