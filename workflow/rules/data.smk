# Stages 1-2: the data set as a manifest, then HR inputs and low-resolution copies.


rule prepare:
    input:
        notebook="notebooks/01_prepare.py",
        photos=config["dataset"]["photos_csv"],
    output:
        manifest=f"{OUT}/manifest.csv",
        bad=f"{OUT}/bad_images.csv",
        html=report(notebook_html("01_prepare"), category="Executed notebooks"),
    log:
        notebook=notebook_log("01_prepare"),
        stderr=f"{OUT}/logs/01_prepare.log",
    params:
        python=PYTHON,
        values=lambda wc, input, output: as_param({
            "photos_csv": input.photos, "manifest_csv": output.manifest,
            "bad_csv": output.bad, "seed": config["seed"],
            **{k: config["dataset"][k] for k in (
                "views_per_photo", "train_views_per_photo", "test_fraction",
                "max_photos", "bad_images")}}),
    threads: 1
    resources:
        mem_mb=1000,
    conda:
        ENV
    shell:
        NOTEBOOK_CMD


rule degrade:
    input:
        notebook="notebooks/02_degrade.py",
        manifest=rules.prepare.output.manifest,
    output:
        stacks=expand(f"{OUT}/images/f{{factor}}.npy", factor=ALL_FACTORS),
        ids=f"{OUT}/images/ids.txt",
        html=report(notebook_html("02_degrade"), category="Executed notebooks"),
    log:
        notebook=notebook_log("02_degrade"),
        stderr=f"{OUT}/logs/02_degrade.log",
    params:
        python=PYTHON,
        values=lambda wc, input: as_param({
            "manifest_csv": input.manifest, "images_dir": f"{OUT}/images",
            "input_size": config["degrade"]["input_size"], "factors": FACTORS}),
    threads: 1
    resources:
        mem_mb=2000,
    conda:
        ENV
    shell:
        NOTEBOOK_CMD
