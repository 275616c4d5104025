# Stages 9-10: the distance analysis and retrieval, each into one table.

EVAL_INPUT = dict(
    manifest=rules.prepare.output.manifest,
    ground_truth=rules.prepare.output.ground_truth,
    hr=rules.features.output.hr,
    lr=rules.features.output.lr,
    sr=rules.apply_fsrgan.output.sr,
    isr=rules.isr_features.output.features if ISR_METHODS else [],
)


rule analysis:
    input:
        **EVAL_INPUT,
        notebook="notebooks/09_analysis.py",
    output:
        distance=report(f"{OUT}/tables/distance.csv", category="Tables"),
        per_image=f"{OUT}/tables/distance_per_image.csv",
        html=report(notebook_html("09_analysis"), category="Executed notebooks"),
    log:
        notebook=notebook_log("09_analysis"),
        stderr=f"{OUT}/logs/09_analysis.log",
    benchmark:
        stage_benchmark("09_analysis")
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        python=PYTHON,
        values=lambda wc, input, output: as_param(
            {
                "manifest_csv": input.manifest,
                "features_dir": f"{OUT}/features",
                "distance_csv": output.distance,
                "per_image_csv": output.per_image,
                "backbones": BACKBONES,
                "factors": FACTORS,
                "methods": EVAL_METHODS,
                "seed": config["seed"],
            }
        ),
    shell:
        NOTEBOOK_CMD


rule retrieval:
    input:
        **EVAL_INPUT,
        notebook="notebooks/10_retrieval.py",
    output:
        retrieval=report(f"{OUT}/tables/retrieval.csv", category="Tables"),
        html=report(notebook_html("10_retrieval"), category="Executed notebooks"),
    log:
        notebook=notebook_log("10_retrieval"),
        stderr=f"{OUT}/logs/10_retrieval.log",
    benchmark:
        stage_benchmark("10_retrieval")
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        python=PYTHON,
        values=lambda wc, input, output: as_param(
            {
                "manifest_csv": input.manifest,
                "features_dir": f"{OUT}/features",
                "retrieval_csv": output.retrieval,
                "ground_truth_json": input.ground_truth,
                "backbones": BACKBONES,
                "factors": FACTORS,
                "methods": RETRIEVAL_METHODS,
                "protocols": config["retrieval"]["protocols"],
            }
        ),
    shell:
        NOTEBOOK_CMD
