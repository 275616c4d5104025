# Stages 3-4: VGG16 descriptors of HR and every low-resolution copy (one job, or
# features.shards jobs over row slices, side by side on a cluster, gathered by the
# stage); the pool4 maps the distilled students read.


rule feature_shard:
    input:
        stacks=rules.degrade.output.stacks,
        image_ids=rules.degrade.output.ids,
    output:
        arrays=feature_files(["hr"], [1], FEATURE_SHARD_DIR)
        + feature_files(["lr"], FACTORS, FEATURE_SHARD_DIR),
        ids=str(_run_files.ids_path(FEATURE_SHARD_DIR)),
        meta=str(_run_files.meta_path(FEATURE_SHARD_DIR)),
    log:
        f"{OUT}/logs/03_feature_shard_{{shard}}.log",
    benchmark:
        shard_benchmark("03_feature_shard_{shard}", SHARDS)
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(6000, 480),
    params:
        values=notebook_values("features", shard=shard_number, shards=FEATURE_SHARDS),
    shell:
        f"{LOGGED_MODULE} fsrstudy.stages.features " "--params {params.values}"


rule features:
    input:
        notebook="notebooks/03_features.py",
        stacks=rules.degrade.output.stacks,
        image_ids=rules.degrade.output.ids,
        shards=expand(rules.feature_shard.output.meta, shard=SHARDS),
    output:
        **stage_html("03_features"),
        hr=feature_files(["hr"], [1]),
        lr=feature_files(["lr"], FACTORS),
        meta=str(_run_files.meta_path(f"{OUT}/features")),
        ids=str(_run_files.ids_path(f"{OUT}/features")),
    log:
        **stage_logs("03_features"),
    benchmark:
        stage_benchmark("03_features")
    conda:
        ENV
    threads: config["threads"] if not SHARDS else 1  # gathering shards is copying
    resources:
        **job_size(6000, 480),
    params:
        values=notebook_values("features"),
    shell:
        NOTEBOOK_CMD


rule pool4_maps:
    input:
        notebook="notebooks/04_pool4_maps.py",
        stacks=rules.degrade.output.stacks,
    output:
        **stage_html("04_pool4_maps", runs=DISTILL_METHODS),
        maps=[str(_run_files.pool4_path(f"{OUT}/features", f)) for f in FACTORS],
        meta=str(_run_files.pool4_meta_path(f"{OUT}/features")),
    log:
        **stage_logs("04_pool4_maps"),
    benchmark:
        stage_benchmark("04_pool4_maps")
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(4000, 480),
    params:
        values=notebook_values("features"),
    shell:
        NOTEBOOK_CMD
