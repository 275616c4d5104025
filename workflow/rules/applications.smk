# Stages 11-14, the paper's applications: large-scale retrieval with distractors (their
# features first when they come from revisitop1m: scattered into shard jobs, gathered into
# one memmap per backbone), low bit-rate mobile search, and the
# focal-exponent ablation. Each lands in one table under tables/.


rule distractor_shard:
    input:
        unpacked=UNPACKED_MARKERS.get("revisitop1m", []),
    output:
        features=[str(_storage.distractor_feature_path(DISTRACTOR_SHARD_DIR, b)) for b in BACKBONES],
        bad=f"{DISTRACTOR_SHARD_DIR}/bad_images.csv",
        meta=str(_storage.meta_path(DISTRACTOR_SHARD_DIR)),
    log:
        f"{OUT}/logs/11_distractor_shard_{{shard}}.log",
    benchmark:
        stage_benchmark("11_distractor_shard_{shard}")
    wildcard_constraints:
        shard=r"\d+",
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=8000,
        runtime=720,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "list_file": str(_fetch.layout(DATA, "revisitop1m")["lists"][0]),
                "images_dir": str(_fetch.layout(DATA, "revisitop1m")["images"]),
                "shard": int(wc.shard),
                "shards": DISTRACTOR_SHARDS,
                "shard_dir": declared(os.path.dirname(output.meta), input, output),
                "bad_csv": output.bad,
                "input_size": config["degrade"]["input_size"],
                "extractor": EXTRACTOR,
                "threads": threads,
            }
        ),
    shell:
        f"{LOGGED_MODULE} fsrstudy.stages.distractors " "--params {params.values}"


rule distractor_features:
    input:
        notebook="notebooks/11_distractor_features.py",
        meta=expand(rules.distractor_shard.output.meta, shard=range(DISTRACTOR_SHARDS)),
        features=expand(rules.distractor_shard.output.features, shard=range(DISTRACTOR_SHARDS)),
        bad=expand(rules.distractor_shard.output.bad, shard=range(DISTRACTOR_SHARDS)),
    output:
        features=[str(_storage.distractor_feature_path(f"{OUT}/features", b)) for b in BACKBONES],
        bad=f"{OUT}/distractors_bad_images.csv",
        html=report(notebook_html("11_distractor_features"), category="Executed notebooks"),
    log:
        notebook=notebook_log("11_distractor_features"),
        stderr=f"{OUT}/logs/11_distractor_features.log",
    benchmark:
        stage_benchmark("11_distractor_features")
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=2000,
        runtime=240,
    params:
        values=lambda wc, input, output: as_param(
            {
                "shard_metas": list(input.meta),
                "shard_bad_csvs": list(input.bad),
                "backbones": BACKBONES,
                "features_dir": declared(f"{OUT}/features", input, output),
                "bad_csv": output.bad,
            }
        ),
    shell:
        NOTEBOOK_CMD


rule large_scale:
    input:
        **EVAL_INPUT,
        notebook="notebooks/12_large_scale.py",
        distractors=(
            rules.distractor_features.output.features if DISTRACTORS == "revisitop1m" else []
        ),
    output:
        table=report(f"{OUT}/tables/large_scale.csv", category="Tables"),
        html=report(notebook_html("12_large_scale"), category="Executed notebooks"),
    log:
        notebook=notebook_log("12_large_scale"),
        stderr=f"{OUT}/logs/12_large_scale.log",
    benchmark:
        stage_benchmark("12_large_scale")
    conda:
        ENV
    threads: 1
    resources:
        mem_mb=4000,
        runtime=480,
    params:
        values=lambda wc, input, output: as_param(
            {
                "manifest_csv": input.manifest,
                "ground_truth_json": input.ground_truth,
                "features_dir": declared(f"{OUT}/features", input, output),
                "out_csv": output.table,
                "backbones": BACKBONES,
                "factors": FACTORS,
                "methods": RETRIEVAL_METHODS,
                "source": DISTRACTORS,
                "sizes": config["retrieval"]["distractor_sizes"],
                "protocols": config["retrieval"]["protocols"],
                "seed": config["seed"],
            }
        ),
    shell:
        NOTEBOOK_CMD


rule lowbitrate:
    input:
        **EVAL_INPUT,
        notebook="notebooks/13_lowbitrate.py",
        stacks=rules.degrade.output.stacks,
        fsr_models=fsr_model_files(MODELS),
        isr_models=isr_model_files(MODELS),
        students=fsr_model_files(MODELS, DISTILL_METHODS),
    output:
        table=report(f"{OUT}/tables/lowbitrate.csv", category="Tables"),
        html=report(notebook_html("13_lowbitrate"), category="Executed notebooks"),
    log:
        notebook=notebook_log("13_lowbitrate"),
        stderr=f"{OUT}/logs/13_lowbitrate.log",
    benchmark:
        stage_benchmark("13_lowbitrate")
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=4000,
        runtime=720,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "manifest_csv": input.manifest,
                "ground_truth_json": input.ground_truth,
                "images_dir": declared(f"{OUT}/images", input, output),
                "features_dir": declared(f"{OUT}/features", input, output),
                "models_dir": declared(MODELS, input, output),
                "out_csv": output.table,
                "factors": FACTORS,
                "hr_qualities": config["lowbitrate"]["hr_qualities"],
                "lr_qualities": config["lowbitrate"]["lr_qualities"],
                "fsr_methods": FSR_METHODS,
                "isr_methods": ISR_METHODS,
                "distill_methods": DISTILL_METHODS,
                "extractor": EXTRACTOR,
                "isr": config["isr"],
                "threads": threads,
                "seed": config["seed"],
            }
        ),
    shell:
        NOTEBOOK_CMD


rule focal:
    input:
        notebook="notebooks/14_focal.py",
        manifest=rules.prepare.output.manifest,
        ground_truth=rules.prepare.output.ground_truth,
        hr=rules.features.output.hr,
        lr=rules.features.output.lr,
        trained=[str(_storage.fsr_model_path(f"{OUT}/models", "fsrgan", FOCAL_BACKBONE))]
        + FOCAL_REUSES,
    output:
        table=report(f"{OUT}/tables/focal.csv", category="Tables"),
        html=report(notebook_html("14_focal"), category="Executed notebooks"),
    log:
        notebook=notebook_log("14_focal"),
        stderr=f"{OUT}/logs/14_focal.log",
    benchmark:
        stage_benchmark("14_focal")
    conda:
        ENV
    threads: config["threads"]
    resources:
        mem_mb=4000,
        runtime=1440,
    params:
        values=lambda wc, input, output, threads: as_param(
            {
                "manifest_csv": input.manifest,
                "ground_truth_json": input.ground_truth,
                "features_dir": declared(f"{OUT}/features", input, output),
                "out_csv": output.table,
                "backbone": FOCAL_BACKBONE,
                "factors": FACTORS,
                "fsrgan": config["fsrgan"],
                "variants": config["focal"]["variants"],
                "seeds": config["focal"]["seeds"],
                "trained": list(input.trained),
                "threads": threads,
            }
        ),
    shell:
        NOTEBOOK_CMD
