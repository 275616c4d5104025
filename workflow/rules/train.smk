# Stages 5-9: fit the feature-SR models (FSR-GAN, ridge and mean_shift; on the train split,
# and as <method>_db on the database's own images), then super-resolve every LR feature;
# likewise the distilled query networks (distill, distill_db) and their descriptors.

# what a fit reads: the manifest (which rows it fits on), HR and LR descriptors
FIT_INPUT = dict(
    manifest=rules.prepare.output.manifest,
    hr=rules.features.output.hr,
    lr=rules.features.output.lr,
)


rule train_fsrgan:
    input:
        **FIT_INPUT,
        notebook="notebooks/05_train_fsrgan.py",
    output:
        **stage_html("05_train_{gan}", runs=not PRETRAINED),
        models=fsr_model_pattern(f"{OUT}/models", "gan"),
        loss=f"{OUT}/tables/{{gan}}_loss.csv",
    log:
        **stage_logs("05_train_{gan}"),
    benchmark:
        stage_benchmark("05_train_{gan}")
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(4000, 480),
    params:
        values=notebook_values("fsrgan", "cross_fit", fit=fit_of),
    shell:
        NOTEBOOK_CMD


rule fit_ridge:
    input:
        **FIT_INPUT,
        notebook="notebooks/06_fit_ridge.py",
    output:
        **stage_html("06_fit_{linear}", runs=not PRETRAINED),
        models=fsr_model_pattern(f"{OUT}/models", "linear"),
        validation=f"{OUT}/tables/{{linear}}_validation.csv",
    log:
        **stage_logs("06_fit_{linear}"),
    benchmark:
        stage_benchmark("06_fit_{linear}")
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(4000, 120),
    params:
        values=notebook_values("ridge", "cross_fit", fit=fit_of),
    shell:
        NOTEBOOK_CMD


rule train_distill:
    input:
        notebook="notebooks/07_train_distill.py",
        manifest=rules.prepare.output.manifest,
        hr=rules.features.output.hr,
        maps=rules.pool4_maps.output.maps,
    output:
        **stage_html("07_train_{student}", runs=not PRETRAINED),
        models=fsr_model_pattern(f"{OUT}/models", "student"),
        loss=f"{OUT}/tables/{{student}}_loss.csv",
    log:
        **stage_logs("07_train_{student}"),
    benchmark:
        stage_benchmark("07_train_{student}")
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(8000, 720),
    params:
        values=notebook_values("distill", "features", "cross_fit", fit=fit_of),
    shell:
        NOTEBOOK_CMD


rule apply_fsrgan:
    input:
        notebook="notebooks/08_apply.py",
        manifest=rules.prepare.output.manifest,
        models=fsr_model_files(MODELS),
        lr=rules.features.output.lr,
    output:
        **stage_html("08_apply"),
        sr=feature_files(FSR_METHODS, FACTORS),
        fits=f"{OUT}/tables/fits.csv",
    log:
        **stage_logs("08_apply"),
    benchmark:
        stage_benchmark("08_apply")
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(2000, 60),
    params:
        values=notebook_values("fsrgan", methods=FSR_METHODS),
    shell:
        NOTEBOOK_CMD


rule apply_distill:
    input:
        notebook="notebooks/09_apply_distill.py",
        manifest=rules.prepare.output.manifest,
        models=fsr_model_files(MODELS, DISTILL_METHODS),
        maps=rules.pool4_maps.output.maps,
        hr=rules.features.output.hr,  # the descriptors' size
    output:
        **stage_html("09_apply_distill", runs=DISTILL_METHODS),
        distilled=feature_files(DISTILL_METHODS, FACTORS),
        fits=f"{OUT}/tables/distill_fits.csv",
    log:
        **stage_logs("09_apply_distill"),
    benchmark:
        stage_benchmark("09_apply_distill")
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(4000, 120),
    params:
        values=notebook_values("distill", "features", methods=DISTILL_METHODS),
    shell:
        NOTEBOOK_CMD
