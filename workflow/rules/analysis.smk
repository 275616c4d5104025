# Stages 6-7: the distance analysis and retrieval, each into one table.

EVAL_INPUT = dict(
    manifest=rules.prepare.output.manifest,
    hr=rules.features.output.hr,
    lr=rules.features.output.lr,
    sr=rules.apply_fsrgan.output.sr,
)


rule analysis:
    input:
        notebook="notebooks/06_analysis.py",
        **EVAL_INPUT,
    output:
        distance=f"{OUT}/tables/distance.csv",
        per_image=f"{OUT}/tables/distance_per_image.csv",
        html=report(notebook_html("06_analysis"), category="Executed notebooks"),
    log:
        notebook=notebook_log("06_analysis"),
        stderr=f"{OUT}/logs/06_analysis.log",
    params:
        python=PYTHON,
        values=lambda wc, input, output: as_param({
            "manifest_csv": input.manifest, "features_dir": f"{OUT}/features",
            "distance_csv": output.distance, "per_image_csv": output.per_image,
            "backbones": BACKBONES, "factors": FACTORS, "seed": config["seed"]}),
    threads: 1
    resources:
        mem_mb=2000,
    conda:
        ENV
    shell:
        NOTEBOOK_CMD


rule retrieval:
    input:
        notebook="notebooks/07_retrieval.py",
        **EVAL_INPUT,
    output:
        retrieval=f"{OUT}/tables/retrieval.csv",
        html=report(notebook_html("07_retrieval"), category="Executed notebooks"),
    log:
        notebook=notebook_log("07_retrieval"),
        stderr=f"{OUT}/logs/07_retrieval.log",
    params:
        python=PYTHON,
        values=lambda wc, input, output: as_param({
            "manifest_csv": input.manifest, "features_dir": f"{OUT}/features",
            "retrieval_csv": output.retrieval, "dataset": config["dataset"]["name"],
            "backbones": BACKBONES, "factors": FACTORS,
            "protocols": config["retrieval"]["protocols"]}),
    threads: 1
    resources:
        mem_mb=2000,
    conda:
        ENV
    shell:
        NOTEBOOK_CMD
