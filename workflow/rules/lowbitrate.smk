# Stage 18: low bit-rate mobile search: mAP against the bits a client sends.


rule lowbitrate:
    input:
        **EVAL_INPUT,
        notebook="notebooks/18_lowbitrate.py",
        stacks=rules.degrade.output.stacks,
        fsr_models=fsr_model_files(MODELS, FSR_METHODS + DISTILL_METHODS),
        isr_models=isr_model_files(MODELS),
    output:
        **stage_html("18_lowbitrate", runs=LOWBITRATE),
        table=report(f"{OUT}/tables/lowbitrate.csv", category="Tables"),
    log:
        **stage_logs("18_lowbitrate"),
    benchmark:
        stage_benchmark("18_lowbitrate")
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(4000, 720),
    params:
        values=notebook_values("lowbitrate", "features", "isr", **LOWBITRATE_METHODS),
    shell:
        NOTEBOOK_CMD
