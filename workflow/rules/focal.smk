# Stage 19: the focal-exponent ablation: FSR-GAN's loss varied, over seeds.


rule focal:
    input:
        **FIT_INPUT,
        notebook="notebooks/19_focal.py",
        ground_truth=rules.prepare.output.ground_truth,
        trained=[str(_run_files.fsr_model_path(f"{OUT}/models", "fsrgan", FOCAL_BACKBONE))]
        + FOCAL_REUSES,
    output:
        **stage_html("19_focal", runs=FOCAL),
        table=report(f"{OUT}/tables/focal.csv", category="Tables"),
    log:
        **stage_logs("19_focal"),
    benchmark:
        stage_benchmark("19_focal")
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(4000, 1440),
    params:
        values=notebook_values("focal", "fsrgan", backbone=FOCAL_BACKBONE),
    shell:
        NOTEBOOK_CMD
