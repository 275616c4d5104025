# Stages 10-12: image super-resolution baselines (SRCNN, VDSR): train, restore, features.


rule isr_train:
    input:
        notebook="notebooks/10_isr_train.py",
        manifest=rules.prepare.output.manifest,
        stacks=rules.degrade.output.stacks,
        # models trained before and shipped (isr.reuse): checked, reused when they match
        reusable=REUSABLE_ISR_MODELS,
    output:
        **stage_html("10_isr_train", runs=TRAINS_ISR),
        models=isr_model_files(f"{OUT}/models"),
        loss=f"{OUT}/tables/isr_loss.csv",
        cost=report(f"{OUT}/tables/isr_cost.csv", category="Tables"),
    log:
        **stage_logs("10_isr_train"),
    benchmark:
        stage_benchmark("10_isr_train")
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(4000, 1440),
    params:
        values=notebook_values("isr", methods=ISR_METHODS),
    shell:
        NOTEBOOK_CMD


rule isr_restore:
    input:
        notebook="notebooks/11_isr_restore.py",
        manifest=rules.prepare.output.manifest,
        stacks=rules.degrade.output.stacks,
        models=isr_model_files(MODELS),
    output:
        **stage_html("11_isr_restore", runs=ISR_METHODS),
        restored=[str(_run_files.restored_path(f"{OUT}/images", m, f)) for m, f in ISR_RUNS],
        quality=report(f"{OUT}/tables/isr_quality.csv", category="Tables"),
    log:
        **stage_logs("11_isr_restore"),
    benchmark:
        stage_benchmark("11_isr_restore")
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(4000, 240),
    params:
        values=notebook_values("isr", methods=ISR_METHODS),
    shell:
        NOTEBOOK_CMD


rule isr_features:
    input:
        notebook="notebooks/12_isr_features.py",
        manifest=rules.prepare.output.manifest,
        restored=rules.isr_restore.output.restored,
    output:
        **stage_html("12_isr_features", runs=ISR_METHODS),
        restored_features=feature_files(ISR_METHODS, FACTORS),
    log:
        **stage_logs("12_isr_features"),
    benchmark:
        stage_benchmark("12_isr_features")
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(4000, 240),
    params:
        values=notebook_values("features", methods=ISR_METHODS),
    shell:
        NOTEBOOK_CMD
