# The run's config beside its tables, figures (each drawn from one table alone) and the
# index of executed notebooks.


rule figure:
    input:
        table=figure_table,
    output:
        png=report(f"{OUT}/figures/{{name}}.png", caption="../report/figure.rst",
                   category="Figures"),
    benchmark:
        f"{OUT}/benchmarks/figure_{{name}}.tsv",
    log:
        f"{OUT}/logs/figure_{{name}}.log",
    params:
        python=PYTHON,
        caption=lambda wc: FIGURES[wc.name].caption,
    wildcard_constraints:
        name="|".join(FIGURE_NAMES),
    threads: 1
    resources:
        mem_mb=1000,
    conda:
        ENV
    shell:
        "PYTHONPATH=workflow${{PYTHONPATH:+:$PYTHONPATH}} {params.python} -m fsrstudy.figures "
        "{wildcards.name} {input.table} {output.png} > {log} 2>&1"


rule run_config:
    output:
        f"{OUT}/config.yaml",
    benchmark:
        f"{OUT}/benchmarks/run_config.tsv",
    log:
        f"{OUT}/logs/run_config.log",
    params:
        python=PYTHON,
        values=as_param(config),
    threads: 1
    resources:
        mem_mb=500,
    conda:
        ENV
    shell:
        "PYTHONPATH=workflow${{PYTHONPATH:+:$PYTHONPATH}} {params.python} -m fsrstudy.config "
        "{params.values} {output} > {log} 2>&1"


rule notebook_index:
    input:
        html=[notebook_html(stage) for stage in STAGES],
    output:
        index=report(f"{OUT}/notebooks/index.html", category="Executed notebooks",
                     caption="../report/notebooks.rst"),
    benchmark:
        f"{OUT}/benchmarks/notebook_index.tsv",
    log:
        f"{OUT}/logs/notebook_index.log",
    params:
        python=PYTHON,
        run=RUN,
    threads: 1
    resources:
        mem_mb=500,
    conda:
        ENV
    shell:
        "PYTHONPATH=workflow${{PYTHONPATH:+:$PYTHONPATH}} {params.python} -m fsrstudy.notebook_index "
        "{params.run} {output.index} {input.html} > {log} 2>&1"


rule stage_cost:
    input:
        [stage_benchmark(stage) for stage in STAGES],
    output:
        table=report(f"{OUT}/tables/stage_cost.csv", category="Tables"),
    log:
        f"{OUT}/logs/stage_cost.log",
    params:
        python=PYTHON,
    threads: 1
    resources:
        mem_mb=500,
    conda:
        ENV
    shell:
        "PYTHONPATH=workflow${{PYTHONPATH:+:$PYTHONPATH}} {params.python} -m fsrstudy.costs "
        "{output.table} {input} > {log} 2>&1"


rule front_page:
    input:
        distance=rules.analysis.output.distance,
        retrieval=rules.retrieval.output.retrieval,
        quality=rules.isr_restore.output.quality if ISR_METHODS else [],
        cost=rules.stage_cost.output.table,
    output:
        FRONT_PAGE,
    log:
        f"{OUT}/logs/front_page.log",
    params:
        python=PYTHON,
        seed=config["seed"],
    threads: 1
    resources:
        mem_mb=500,
    conda:
        ENV
    shell:
        "PYTHONPATH=workflow${{PYTHONPATH:+:$PYTHONPATH}} {params.python} -m fsrstudy.front_page "
        "{OUT} {output} {params.seed} > {log} 2>&1"
