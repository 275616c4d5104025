# Stage 3: VGG16 descriptors of HR and every low-resolution copy.


rule features:
    input:
        notebook="notebooks/03_features.py",
        stacks=rules.degrade.output.stacks,
        ids=rules.degrade.output.ids,
    output:
        hr=feature_files(["hr"], [1]),
        lr=feature_files(["lr"], FACTORS),
        meta=f"{OUT}/features/meta.json",
        ids=f"{OUT}/features/ids.txt",
        html=report(notebook_html("03_features"), category="Executed notebooks"),
    log:
        notebook=notebook_log("03_features"),
        stderr=f"{OUT}/logs/03_features.log",
    benchmark:
        stage_benchmark("03_features")
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=6000,
        runtime=480,
    params:
        python=PYTHON,
        values=lambda wc, threads: as_param(
            {
                "images_dir": f"{OUT}/images",
                "features_dir": f"{OUT}/features",
                "factors": FACTORS,
                "threads": threads,
                "extractor": config["features"],
            }
        ),
    shell:
        NOTEBOOK_CMD
