"""Run one stage notebook: jupytext .py -> papermill (explicit parameters) -> HTML.

    python -m fsrstudy.notebook_runner notebooks/02_degrade.py OUT.ipynb OUT.html \
        --params '{"input_size": 224}'

The executed notebook is written even when a cell fails (the traceback stays in it);
the HTML is written, atomically, only on success.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from .atomic import atomic_path


def run(notebook_py, out_ipynb, out_html, params: dict, cwd=None) -> None:
    import jupytext
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    notebook = jupytext.read(notebook_py)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    Path(out_ipynb).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / Path(notebook_py).with_suffix(".ipynb").name
        nbformat.write(notebook, source)
        papermill.execute_notebook(str(source), str(out_ipynb), parameters=params,
                                   kernel_name="python3", log_output=True,
                                   progress_bar=False, cwd=cwd or os.getcwd())
    executed = nbformat.read(out_ipynb, as_version=4)
    html, _ = HTMLExporter().from_notebook_node(executed)
    with atomic_path(out_html) as tmp:
        Path(tmp).write_text(html)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebook")
    parser.add_argument("out_ipynb")
    parser.add_argument("out_html")
    parser.add_argument("--params", default="{}", help="JSON object of parameters")
    args = parser.parse_args(argv)
    run(args.notebook, args.out_ipynb, args.out_html, json.loads(args.params))


if __name__ == "__main__":
    main(sys.argv[1:])
