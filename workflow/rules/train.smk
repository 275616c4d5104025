# Stages 4-5: train FSR-GAN on the train split, then super-resolve every LR feature.


rule train_fsrgan:
    input:
        notebook="notebooks/04_train.py",
        manifest=rules.prepare.output.manifest,
        hr=rules.features.output.hr,
        lr=rules.features.output.lr,
    output:
        models=fsrgan_model_files(f"{OUT}/models"),
        loss=f"{OUT}/tables/fsrgan_loss.csv",
        html=report(notebook_html("04_train"), category="Executed notebooks"),
    log:
        notebook=notebook_log("04_train"),
        stderr=f"{OUT}/logs/04_train.log",
    params:
        python=PYTHON,
        values=lambda wc, input, output, threads: as_param({
            "manifest_csv": input.manifest, "features_dir": f"{OUT}/features",
            "models_dir": f"{OUT}/models", "loss_csv": output.loss,
            "backbones": BACKBONES, "factors": FACTORS, "fsrgan": config["fsrgan"],
            "seed": config["seed"], "threads": threads}),
    threads: config["threads"]
    resources:
        mem_mb=4000,
    conda:
        ENV
    shell:
        NOTEBOOK_CMD


rule apply_fsrgan:
    input:
        notebook="notebooks/05_apply.py",
        models=fsrgan_model_files(MODELS),
        lr=rules.features.output.lr,
    output:
        sr=feature_files(["fsrgan"], FACTORS),
        html=report(notebook_html("05_apply"), category="Executed notebooks"),
    log:
        notebook=notebook_log("05_apply"),
        stderr=f"{OUT}/logs/05_apply.log",
    params:
        python=PYTHON,
        values=as_param({
            "features_dir": f"{OUT}/features", "models_dir": MODELS,
            "backbones": BACKBONES, "factors": FACTORS,
            "device": config["fsrgan"]["device"]}),
    threads: 1
    resources:
        mem_mb=2000,
    conda:
        ENV
    shell:
        NOTEBOOK_CMD
