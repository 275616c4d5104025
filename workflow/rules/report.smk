# The run's config beside its tables, figures (each drawn from one table alone) and the
# index of executed notebooks.


rule figure:
    input:
        table=figure_table,
    output:
        png=report(
            f"{OUT}/figures/{{name}}.png", caption="../report/figure.rst", category="Figures"
        ),
    log:
        f"{OUT}/logs/figure_{{name}}.log",
    benchmark:
        f"{OUT}/benchmarks/figure_{{name}}.tsv"
    wildcard_constraints:
        name="|".join(FIGURE_NAMES),
    conda:
        ENV
    threads: 1
    resources:
        **job_size(1000, 30),
    params:
        caption=lambda wc: FIGURES[wc.name].caption,
    shell:
        f"{LOGGED_MODULE} fsrstudy.report.figures " "{wildcards.name} {input.table} {output.png}"


rule run_config:
    output:
        f"{OUT}/config.yaml",
    log:
        f"{OUT}/logs/run_config.log",
    benchmark:
        f"{OUT}/benchmarks/run_config.tsv"
    conda:
        ENV
    threads: 1
    resources:
        **job_size(500, 10),
    params:
        values=as_param(config),
    shell:
        f"{LOGGED_MODULE} fsrstudy.config " "{params.values} {output}"


rule notebook_index:
    input:
        html=[notebook_html(stage) for stage in stages_this_run_runs()],
    output:
        index=report(
            f"{OUT}/notebooks/index.html",
            category="Executed notebooks",
            caption="../report/notebooks.rst",
        ),
    log:
        f"{OUT}/logs/notebook_index.log",
    benchmark:
        f"{OUT}/benchmarks/notebook_index.tsv"
    conda:
        ENV
    threads: 1
    resources:
        **job_size(500, 10),
    params:
        run=RUN,
    shell:
        f"{LOGGED_MODULE} fsrstudy.report.notebook_index "
        "{params.run} {output.index} {input.html}"


rule stage_cost:
    input:
        [stage_benchmark(job) for job in stages_this_run_runs() + shard_jobs_this_run_runs()],
    output:
        table=report(f"{OUT}/tables/stage_cost.csv", category="Tables"),
    log:
        f"{OUT}/logs/stage_cost.log",
    conda:
        ENV
    threads: 1
    resources:
        **job_size(500, 10),
    shell:
        f"{LOGGED_MODULE} fsrstudy.report.costs " "{output.table} {input}"


rule front_page:
    input:
        distance=rules.distances.output.distance,
        retrieval=rules.retrieval.output.table,
        quality=rules.isr_restore.output.quality if ISR_METHODS else [],
        cost=rules.stage_cost.output.table,
    output:
        FRONT_PAGE,
    log:
        f"{OUT}/logs/front_page.log",
    conda:
        ENV
    threads: 1
    resources:
        **job_size(500, 10),
    params:
        tables=lambda wc, input: os.path.dirname(input.distance),
        run=RUN,
        seed=config["seed"],
    shell:
        f"{LOGGED_MODULE} fsrstudy.report.front_page "
        "{params.tables} {output} {params.run} {params.seed}"
