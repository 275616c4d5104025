# Stages 6-8: image super-resolution baselines (SRCNN, VDSR): train, restore, features.


rule isr_train:
    input:
        notebook="notebooks/06_isr_train.py",
        manifest=rules.prepare.output.manifest,
        stacks=rules.degrade.output.stacks,
        # models trained before and shipped (isr.reuse): checked, reused when they match
        reusable=(
            [path for path in isr_model_files(config["isr"]["reuse"]) if Path(path).is_file()]
            if config["isr"]["reuse"]
            else []
        ),
    output:
        models=isr_model_files(f"{OUT}/models"),
        loss=f"{OUT}/tables/isr_loss.csv",
        cost=report(f"{OUT}/tables/isr_cost.csv", category="Tables"),
        html=report(notebook_html("06_isr_train"), category="Executed notebooks"),
    log:
        notebook=notebook_log("06_isr_train"),
        stderr=f"{OUT}/logs/06_isr_train.log",
    benchmark:
        stage_benchmark("06_isr_train")
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
                "images_dir": declared(f"{OUT}/images", input, output),
                "models_dir": declared(f"{OUT}/models", input, output),
                "loss_csv": output.loss,
                "cost_csv": output.cost,
                "factors": FACTORS,
                "methods": {m: config["isr"][m] for m in ISR_METHODS},
                "seed": config["seed"],
                "device": config["isr"]["device"],
                "precision": config["isr"]["precision"],
                "reuse_dir": config["isr"]["reuse"],
                "retrain": config["isr"]["retrain"],
                "threads": threads,
            }
        ),
    shell:
        NOTEBOOK_CMD


rule isr_restore:
    input:
        notebook="notebooks/07_isr_restore.py",
        manifest=rules.prepare.output.manifest,
        stacks=rules.degrade.output.stacks,
        models=isr_model_files(MODELS),
    output:
        restored=[
            str(_storage.restored_path(f"{OUT}/images", m, f))
            for m in ISR_METHODS
            for f in FACTORS
        ],
        quality=report(f"{OUT}/tables/isr_quality.csv", category="Tables"),
        html=report(notebook_html("07_isr_restore"), category="Executed notebooks"),
    log:
        notebook=notebook_log("07_isr_restore"),
        stderr=f"{OUT}/logs/07_isr_restore.log",
    benchmark:
        stage_benchmark("07_isr_restore")
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=4000,
        runtime=240,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "manifest_csv": input.manifest,
                "images_dir": declared(f"{OUT}/images", input, output),
                "models_dir": declared(MODELS, input, output),
                "quality_csv": output.quality,
                "factors": FACTORS,
                "methods": ISR_METHODS,
                "device": config["isr"]["device"],
                "precision": config["isr"]["precision"],
                "engine": config["isr"]["engine"],
                "threads": threads,
            }
        ),
    shell:
        NOTEBOOK_CMD


rule isr_features:
    input:
        notebook="notebooks/08_isr_features.py",
        manifest=rules.prepare.output.manifest,
        restored=rules.isr_restore.output.restored,
    output:
        features=feature_files(ISR_METHODS, FACTORS),
        html=report(notebook_html("08_isr_features"), category="Executed notebooks"),
    log:
        notebook=notebook_log("08_isr_features"),
        stderr=f"{OUT}/logs/08_isr_features.log",
    benchmark:
        stage_benchmark("08_isr_features")
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=4000,
        runtime=240,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "manifest_csv": input.manifest,
                "images_dir": declared(f"{OUT}/images", input, output),
                "features_dir": declared(f"{OUT}/features", input, output),
                "factors": FACTORS,
                "methods": ISR_METHODS,
                "threads": threads,
                "extractor": EXTRACTOR,
            }
        ),
    shell:
        NOTEBOOK_CMD
