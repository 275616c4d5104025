# Stages 13 and 15: how far each method's features are from HR (distances), and
# retrieval with every method's queries, each into one table.

EVAL_INPUT = dict(
    manifest=rules.prepare.output.manifest,
    ground_truth=rules.prepare.output.ground_truth,
    hr=rules.features.output.hr,
    lr=rules.features.output.lr,
    sr=rules.apply_fsrgan.output.sr,
    distilled=rules.apply_distill.output.distilled if DISTILL_METHODS else [],
    restored_features=rules.isr_features.output.restored_features if ISR_METHODS else [],
)


rule distances:
    input:
        **EVAL_INPUT,
        notebook="notebooks/13_distances.py",
    output:
        **stage_html("13_distances"),
        distance=report(f"{OUT}/tables/distance.csv", category="Tables"),
        per_image=f"{OUT}/tables/distance_per_image.csv",
    log:
        **stage_logs("13_distances"),
    benchmark:
        stage_benchmark("13_distances")
    conda:
        ENV
    threads: 1
    resources:
        **job_size(2000, 60),
    params:
        values=notebook_values(methods=EVAL_METHODS),
    shell:
        NOTEBOOK_CMD


rule retrieval:
    input:
        **EVAL_INPUT,
        notebook="notebooks/15_retrieval.py",
        spread=rules.seed_spread.output.table if SEED_SPREAD else [],
    output:
        **stage_html("15_retrieval"),
        table=report(f"{OUT}/tables/retrieval.csv", category="Tables"),
        per_query=f"{OUT}/tables/retrieval_per_query.csv",
    log:
        **stage_logs("15_retrieval"),
    benchmark:
        stage_benchmark("15_retrieval")
    conda:
        ENV
    threads: 1
    resources:
        **job_size(2000, 60),
    params:
        values=notebook_values("retrieval", methods=RETRIEVAL_METHODS),
    shell:
        NOTEBOOK_CMD
