# Stage 14: every fitted method fitted again with each seed (seed_spread.seeds) on one
# backbone; the retrieval stage shows the spread beside its mAP.


rule seed_spread:
    input:
        **FIT_INPUT,
        notebook="notebooks/14_seed_spread.py",
        ground_truth=rules.prepare.output.ground_truth,
        models=fsr_model_files(f"{OUT}/models", FSR_METHODS + DISTILL_METHODS),
        maps=rules.pool4_maps.output.maps if DISTILL_METHODS else [],
    output:
        **stage_html("14_seed_spread", runs=SEED_SPREAD),
        table=report(f"{OUT}/tables/seed_spread.csv", category="Tables"),
        seed_models=list(SPREAD_GAN_MODELS.values()),
    log:
        **stage_logs("14_seed_spread"),
    benchmark:
        stage_benchmark("14_seed_spread")
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(4000, 1440),
    params:
        values=notebook_values(*SPREAD_SECTIONS, fits=FITS),
    shell:
        NOTEBOOK_CMD
