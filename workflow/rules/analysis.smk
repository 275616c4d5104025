# Stages 9-10: the distance analysis and retrieval, each into one table.

EVAL_INPUT = dict(
    manifest=rules.prepare.output.manifest,
    ground_truth=rules.prepare.output.ground_truth,
    hr=rules.features.output.hr,
    lr=rules.features.output.lr,
    sr=rules.apply_fsrgan.output.sr,
    distilled=rules.apply_distill.output.features if DISTILL_METHODS else [],
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
        values=lambda wc, input, output: as_param(
            {
                "manifest_csv": input.manifest,
                "features_dir": declared(f"{OUT}/features", input, output),
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


rule seed_spread:
    input:
        notebook="notebooks/09_seed_spread.py",
        manifest=rules.prepare.output.manifest,
        ground_truth=rules.prepare.output.ground_truth,
        hr=rules.features.output.hr,
        lr=rules.features.output.lr,
        models=fsr_model_files(f"{OUT}/models", FSR_METHODS + DISTILL_METHODS),
        maps=rules.pool4_maps.output.maps if DISTILL_METHODS else [],
    output:
        table=report(f"{OUT}/tables/seed_spread.csv", category="Tables"),
        models=list(SPREAD_GAN_MODELS.values()),
        html=report(notebook_html("09_seed_spread"), category="Executed notebooks"),
    log:
        notebook=notebook_log("09_seed_spread"),
        stderr=f"{OUT}/logs/09_seed_spread.log",
    benchmark:
        stage_benchmark("09_seed_spread")
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=4000,
        runtime=1440,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "manifest_csv": input.manifest,
                "ground_truth_json": input.ground_truth,
                "features_dir": declared(f"{OUT}/features", input, output),
                "models_dir": declared(f"{OUT}/models", input, output),
                "out_csv": output.table,
                "backbone": SPREAD_BACKBONE,
                "factors": FACTORS,
                "methods": {**FSR_FITS, **DISTILL_FITS},
                "seeds": config["seed_spread"]["seeds"],
                "seed": config["seed"],
                "cross_fit_folds": config["cross_fit"]["folds"],
                "fsrgan": config["fsrgan"],
                "ridge": config["ridge"],
                "distill": config["distill"],
                "extractor": EXTRACTOR,
                "threads": threads,
            }
        ),
    shell:
        NOTEBOOK_CMD


rule retrieval:
    input:
        **EVAL_INPUT,
        notebook="notebooks/10_retrieval.py",
        spread=rules.seed_spread.output.table if SEED_SPREAD else [],
    output:
        retrieval=report(f"{OUT}/tables/retrieval.csv", category="Tables"),
        per_query=f"{OUT}/tables/retrieval_per_query.csv",
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
        values=lambda wc, input, output: as_param(
            {
                "manifest_csv": input.manifest,
                "features_dir": declared(f"{OUT}/features", input, output),
                "retrieval_csv": output.retrieval,
                "per_query_csv": output.per_query,
                "ground_truth_json": input.ground_truth,
                "backbones": BACKBONES,
                "factors": FACTORS,
                "methods": RETRIEVAL_METHODS,
                "protocols": config["retrieval"]["protocols"],
                "seed": config["seed"],
                "seed_spread_csv": input.spread or None,
            }
        ),
    shell:
        NOTEBOOK_CMD
