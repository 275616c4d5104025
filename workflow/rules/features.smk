# Stage 3: VGG16 descriptors of HR and every low-resolution copy: one job, or
# features.shards jobs over row slices (side by side on a cluster) gathered by the stage.


rule feature_shard:
    input:
        stacks=rules.degrade.output.stacks,
        ids=rules.degrade.output.ids,
    output:
        features=feature_files(["hr"], [1], FEATURE_SHARD_DIR)
        + feature_files(["lr"], FACTORS, FEATURE_SHARD_DIR),
        ids=str(_storage.ids_path(FEATURE_SHARD_DIR)),
        meta=str(_storage.meta_path(FEATURE_SHARD_DIR)),
    log:
        f"{OUT}/logs/03_feature_shard_{{shard}}.log",
    benchmark:
        stage_benchmark("03_feature_shard_{shard}")
    wildcard_constraints:
        shard=r"\d+",
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=6000,
        runtime=480,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "images_dir": declared(f"{OUT}/images", input, output),
                "shard_dir": declared(os.path.dirname(output.meta), input, output),
                "factors": FACTORS,
                "extractor": EXTRACTOR,
                "shard": int(wc.shard),
                "shards": FEATURE_SHARDS,
                "threads": threads,
            }
        ),
    shell:
        f"{LOGGED_MODULE} fsrstudy.stages.features " "--params {params.values}"


rule features:
    input:
        notebook="notebooks/03_features.py",
        stacks=rules.degrade.output.stacks,
        ids=rules.degrade.output.ids,
        shards=(
            expand(rules.feature_shard.output.meta, shard=range(FEATURE_SHARDS))
            if FEATURE_SHARDS > 1
            else []
        ),
        shard_features=(
            expand(rules.feature_shard.output.features, shard=range(FEATURE_SHARDS))
            if FEATURE_SHARDS > 1
            else []
        ),
    output:
        hr=feature_files(["hr"], [1]),
        lr=feature_files(["lr"], FACTORS),
        meta=str(_storage.meta_path(f"{OUT}/features")),
        ids=str(_storage.ids_path(f"{OUT}/features")),
        html=report(notebook_html("03_features"), category="Executed notebooks"),
    log:
        notebook=notebook_log("03_features"),
        stderr=f"{OUT}/logs/03_features.log",
    benchmark:
        stage_benchmark("03_features")
    conda:
        ENV
    # gathering shards is copying: one thread
    threads: config["threads"] if FEATURE_SHARDS == 1 else 1
    resources:
        mem_mb=6000,
        runtime=480,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "images_dir": declared(f"{OUT}/images", input, output),
                "features_dir": declared(f"{OUT}/features", input, output),
                "factors": FACTORS,
                "threads": threads,
                "extractor": EXTRACTOR,
                "shard_dirs": [os.path.dirname(m) for m in input.shards],
            }
        ),
    shell:
        NOTEBOOK_CMD


# The pool4 maps of every low-resolution image (float16), read by the distilled students
# (distill.enabled): computed once, beside the descriptors.
rule pool4_maps:
    input:
        notebook="notebooks/03_pool4_maps.py",
        stacks=rules.degrade.output.stacks,
    output:
        maps=[str(_storage.pool4_path(f"{OUT}/features", f)) for f in FACTORS],
        meta=str(_storage.pool4_meta_path(f"{OUT}/features")),
        html=report(notebook_html("03_pool4_maps"), category="Executed notebooks"),
    log:
        notebook=notebook_log("03_pool4_maps"),
        stderr=f"{OUT}/logs/03_pool4_maps.log",
    benchmark:
        stage_benchmark("03_pool4_maps")
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=4000,
        runtime=480,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "images_dir": declared(f"{OUT}/images", input, output),
                "features_dir": declared(f"{OUT}/features", input, output),
                "factors": FACTORS,
                "extractor": EXTRACTOR,
                "threads": threads,
            }
        ),
    shell:
        NOTEBOOK_CMD
