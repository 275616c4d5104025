# Stages 16-17: large-scale retrieval with distractors, their features first when they
# come from revisitop1m (scattered into shard jobs, gathered into one memmap per backbone).


rule distractor_shard:
    input:
        unpacked=UNPACKED_MARKERS.get("revisitop1m", []),
    output:
        arrays=[str(_run_files.distractor_feature_path(DISTRACTOR_SHARD_DIR, b)) for b in BACKBONES],
        bad=f"{DISTRACTOR_SHARD_DIR}/bad_images.csv",
        meta=str(_run_files.meta_path(DISTRACTOR_SHARD_DIR)),
    log:
        f"{OUT}/logs/16_distractor_shard_{{shard}}.log",
    benchmark:
        shard_benchmark(
            "16_distractor_shard_{shard}", range(DISTRACTOR_SHARDS) if REVISITOP1M else []
        )
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(8000, 720),
    params:
        values=notebook_values("features", "degrade", **REVISITOP1M_SHARD_JOB),
    shell:
        f"{LOGGED_MODULE} fsrstudy.stages.distractors " "--params {params.values}"


rule distractor_features:
    input:
        notebook="notebooks/16_distractor_features.py",
        metas=expand(rules.distractor_shard.output.meta, shard=range(DISTRACTOR_SHARDS)),
        arrays=expand(rules.distractor_shard.output.arrays, shard=range(DISTRACTOR_SHARDS)),
        bads=expand(rules.distractor_shard.output.bad, shard=range(DISTRACTOR_SHARDS)),
    output:
        **stage_html("16_distractor_features", runs=REVISITOP1M),
        distractors=[
            str(_run_files.distractor_feature_path(f"{OUT}/features", b)) for b in BACKBONES
        ],
        bad=f"{OUT}/distractors_bad_images.csv",
    log:
        **stage_logs("16_distractor_features"),
    benchmark:
        stage_benchmark("16_distractor_features")
    conda:
        ENV
    threads: 1
    resources:
        **job_size(2000, 240),
    params:
        values=notebook_values(),
    shell:
        NOTEBOOK_CMD


rule large_scale:
    input:
        **EVAL_INPUT,
        notebook="notebooks/17_large_scale.py",
        distractors=rules.distractor_features.output.distractors if REVISITOP1M else [],
    output:
        **stage_html("17_large_scale", runs=LARGE_SCALE),
        table=report(f"{OUT}/tables/large_scale.csv", category="Tables"),
    log:
        **stage_logs("17_large_scale"),
    benchmark:
        stage_benchmark("17_large_scale")
    conda:
        ENV
    threads: 1
    resources:
        **job_size(4000, 480),
    params:
        values=notebook_values("retrieval", methods=RETRIEVAL_METHODS, source=DISTRACTORS),
    shell:
        NOTEBOOK_CMD
