# Stages 0-2: downloads (paper datasets only), the datasets as one manifest with its
# ground truth, then HR inputs and low-resolution copies.


rule download:
    output:
        f"{DATA}/downloads/{{file}}",
    log:
        f"{DATA}/logs/download_{{file}}.log",
    benchmark:
        f"{DATA}/benchmarks/download_{{file}}.tsv"
    retries: 1
    conda:
        ENV
    threads: 1
    resources:
        **job_size(500, 720),
        downloads=1,
    params:
        spec=lambda wc: as_param(config["downloads"][wc.file]),
    shell:
        # tee: progress and a missing-checksum warning reach the console, not only the log
        f"{RUN_MODULE} fsrstudy.data.fetch "
        "download {wildcards.file} {output} --spec {params.spec} 2>&1 | tee {log}"


rule unpack:
    input:
        lambda wc: [f"{DATA}/downloads/{name}" for name in UNPACKED[wc.kind]],
    output:
        f"{DATA}/{{kind}}/unpacked.json",
    log:
        f"{DATA}/logs/unpack_{{kind}}.log",
    benchmark:
        f"{DATA}/benchmarks/unpack_{{kind}}.tsv"
    conda:
        ENV
    threads: 1
    resources:
        **job_size(1000, 240),
    params:
        data_dir=lambda wc, output: Path(output[0]).parents[1],
        archives=config["distractors"]["revisitop1m_archives"],
        checksums=lambda wc: as_param(
            {name: config["downloads"][name].get("sha256") for name in UNPACKED[wc.kind]}
        ),
    shell:
        f"{LOGGED_MODULE} fsrstudy.data.fetch "
        "unpack {wildcards.kind} {params.data_dir} --archives {params.archives} "
        "--checksums {params.checksums}"


rule prepare:
    input:
        notebook="notebooks/01_prepare.py",
        data=DATASET_INPUTS,
    output:
        **stage_html("01_prepare"),
        manifest=f"{OUT}/manifest.csv",
        bad_images=f"{OUT}/bad_images.csv",
        ground_truth=f"{OUT}/ground_truth.json",
        coverage=f"{OUT}/tables/dataset_coverage.csv",
        coverage_per_query=f"{OUT}/tables/dataset_coverage_per_query.csv",
    log:
        **stage_logs("01_prepare"),
    benchmark:
        stage_benchmark("01_prepare")
    conda:
        ENV
    threads: 1
    resources:
        **job_size(4000, 120),
    params:
        # what the models are fitted on: checked, and given extra views, here
        values=notebook_values("datasets", "augment", "cross_fit", **PREPARE_CHECKS),
    shell:
        NOTEBOOK_CMD


rule degrade:
    input:
        notebook="notebooks/02_degrade.py",
        manifest=rules.prepare.output.manifest,
    output:
        **stage_html("02_degrade"),
        stacks=[str(_run_files.stack_path(f"{OUT}/images", f)) for f in ALL_FACTORS],
        ids=str(_run_files.ids_path(f"{OUT}/images")),
    log:
        **stage_logs("02_degrade"),
    benchmark:
        stage_benchmark("02_degrade")
    conda:
        ENV
    threads: config["threads"]
    resources:
        **job_size(2000, 240),
    params:
        values=notebook_values("degrade"),
    shell:
        NOTEBOOK_CMD
