# Stages 4-5: fit the feature-SR models (FSR-GAN and ridge; on the train split, and as
# fsrgan_db / ridge_db on the database's own images), then super-resolve every LR feature;
# likewise the distilled query networks (distill, distill_db) and their descriptors.


rule train_fsrgan:
    input:
        notebook="notebooks/04_train.py",
        manifest=rules.prepare.output.manifest,
        hr=rules.features.output.hr,
        lr=rules.features.output.lr,
    output:
        models=fsr_model_pattern(f"{OUT}/models"),
        loss=f"{OUT}/tables/{{method}}_loss.csv",
        html=report(notebook_html("04_train_{method}"), category="Executed notebooks"),
    log:
        notebook=notebook_log("04_train_{method}"),
        stderr=f"{OUT}/logs/04_train_{{method}}.log",
    benchmark:
        stage_benchmark("04_train_{method}")
    wildcard_constraints:
        method="|".join(FSRGAN_METHODS),
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=4000,
        runtime=480,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "manifest_csv": input.manifest,
                "features_dir": declared(f"{OUT}/features", input, output),
                "models_dir": declared(f"{OUT}/models", input, output),
                "loss_csv": output.loss,
                "backbones": BACKBONES,
                "factors": FACTORS,
                "fsrgan": config["fsrgan"],
                "training_data": FSR_FITS[wc.method][1],
                "family": FSR_FITS[wc.method][0],
                "seed": config["seed"],
                "cross_fit_folds": config["cross_fit"]["folds"],
                "threads": threads,
            }
        ),
    shell:
        NOTEBOOK_CMD


rule fit_ridge:
    input:
        notebook="notebooks/04_fit_ridge.py",
        manifest=rules.prepare.output.manifest,
        hr=rules.features.output.hr,
        lr=rules.features.output.lr,
    output:
        models=fsr_model_pattern(f"{OUT}/models"),
        validation=f"{OUT}/tables/{{method}}_validation.csv",
        html=report(notebook_html("04_fit_{method}"), category="Executed notebooks"),
    log:
        notebook=notebook_log("04_fit_{method}"),
        stderr=f"{OUT}/logs/04_fit_{{method}}.log",
    benchmark:
        stage_benchmark("04_fit_{method}")
    wildcard_constraints:
        method="|".join(RIDGE_METHODS) or "no-ridge-method",
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=4000,
        runtime=120,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "manifest_csv": input.manifest,
                "features_dir": declared(f"{OUT}/features", input, output),
                "models_dir": declared(f"{OUT}/models", input, output),
                "validation_csv": output.validation,
                "backbones": BACKBONES,
                "factors": FACTORS,
                "ridge": config["ridge"],
                "family": FSR_FITS[wc.method][0],
                "training_data": FSR_FITS[wc.method][1],
                "seed": config["seed"],
                "cross_fit_folds": config["cross_fit"]["folds"],
                "threads": threads,
            }
        ),
    shell:
        NOTEBOOK_CMD


rule apply_fsrgan:
    input:
        notebook="notebooks/05_apply.py",
        manifest=rules.prepare.output.manifest,
        models=fsr_model_files(MODELS),
        lr=rules.features.output.lr,
    output:
        sr=feature_files(FSR_METHODS, FACTORS),
        fits=f"{OUT}/tables/fits.csv",
        html=report(notebook_html("05_apply"), category="Executed notebooks"),
    log:
        notebook=notebook_log("05_apply"),
        stderr=f"{OUT}/logs/05_apply.log",
    benchmark:
        stage_benchmark("05_apply")
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=2000,
        runtime=60,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "manifest_csv": input.manifest,
                "features_dir": declared(f"{OUT}/features", input, output),
                "models_dir": declared(MODELS, input, output),
                "backbones": BACKBONES,
                "factors": FACTORS,
                "methods": FSR_METHODS,
                "fits_csv": output.fits,
                "device": config["fsrgan"]["device"],
                "threads": threads,
            }
        ),
    shell:
        NOTEBOOK_CMD


rule train_distill:
    input:
        notebook="notebooks/04_distill.py",
        manifest=rules.prepare.output.manifest,
        hr=rules.features.output.hr,
        maps=rules.pool4_maps.output.maps,
    output:
        models=fsr_model_pattern(f"{OUT}/models"),
        loss=f"{OUT}/tables/{{method}}_loss.csv",
        html=report(notebook_html("04_train_{method}"), category="Executed notebooks"),
    log:
        notebook=notebook_log("04_train_{method}"),
        stderr=f"{OUT}/logs/04_train_{{method}}.log",
    benchmark:
        stage_benchmark("04_train_{method}")
    wildcard_constraints:
        method="|".join(DISTILL_METHODS) or "no-distill-method",
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=8000,
        runtime=720,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "manifest_csv": input.manifest,
                "features_dir": declared(f"{OUT}/features", input, output),
                "models_dir": declared(f"{OUT}/models", input, output),
                "loss_csv": output.loss,
                "backbones": BACKBONES,
                "factors": FACTORS,
                "source": config["features"]["source"],
                "gem_p": config["features"]["gem_p"],
                "distill": config["distill"],
                "training_data": DISTILL_FITS[wc.method][1],
                "seed": config["seed"],
                "cross_fit_folds": config["cross_fit"]["folds"],
                "threads": threads,
            }
        ),
    shell:
        NOTEBOOK_CMD


rule apply_distill:
    input:
        notebook="notebooks/05_apply_distill.py",
        manifest=rules.prepare.output.manifest,
        models=fsr_model_files(MODELS, DISTILL_METHODS),
        maps=rules.pool4_maps.output.maps,
        hr=rules.features.output.hr,  # the descriptors' size
    output:
        features=feature_files(DISTILL_METHODS, FACTORS),
        fits=f"{OUT}/tables/distill_fits.csv",
        html=report(notebook_html("05_apply_distill"), category="Executed notebooks"),
    log:
        notebook=notebook_log("05_apply_distill"),
        stderr=f"{OUT}/logs/05_apply_distill.log",
    benchmark:
        stage_benchmark("05_apply_distill")
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=4000,
        runtime=120,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "manifest_csv": input.manifest,
                "features_dir": declared(f"{OUT}/features", input, output),
                "models_dir": declared(MODELS, input, output),
                "backbones": BACKBONES,
                "factors": FACTORS,
                "methods": DISTILL_METHODS,
                "fits_csv": output.fits,
                "batch_size": config["features"]["batch_size"],
                "device": config["distill"]["device"],
                "threads": threads,
            }
        ),
    shell:
        NOTEBOOK_CMD
