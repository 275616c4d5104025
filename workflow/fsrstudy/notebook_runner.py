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
import random
import sys
import tempfile
import time
from pathlib import Path

from fsrstudy.atomic import atomic_path

KERNEL_START_ATTEMPTS = 3


def kernel_failed_to_start(error: Exception) -> bool:
    """Over TCP (kernel_config), two kernels started at once can race for the same free
    port (jupyter_client picks ports before the kernel binds them): the kernel then dies
    before running any cell, and starting it again is safe."""
    return isinstance(error, RuntimeError) and "Kernel died before replying" in str(error)


# a Unix socket's path holds at most 107 bytes; the kernel adds "-<n>" to ours
MAX_SOCKET_PREFIX = 100


def kernel_config(socket_dir):
    """The kernel talks to this process over Unix sockets in `socket_dir` (a folder of
    this job's own), not TCP ports: two jobs starting kernels at once can no longer pick
    the same port (TCP ports are picked before the kernel binds them). TCP where that
    folder's path is too long for a socket (a deep $TMPDIR)."""
    from traitlets.config import Config
    prefix = os.path.join(os.path.abspath(socket_dir), "kernel")
    if len(prefix.encode()) > MAX_SOCKET_PREFIX:
        return Config()
    return Config({"KernelManager": {"transport": "ipc", "ip": prefix}})


def execute(source, out_ipynb, params: dict, cwd, socket_dir) -> None:
    import papermill
    for attempt in range(1, KERNEL_START_ATTEMPTS + 1):
        try:
            papermill.execute_notebook(str(source), str(out_ipynb), parameters=params,
                                       kernel_name="python3", log_output=True,
                                       progress_bar=False, cwd=cwd,
                                       config=kernel_config(socket_dir))
            return
        except RuntimeError as error:
            if attempt == KERNEL_START_ATTEMPTS or not kernel_failed_to_start(error):
                raise
            print(f"kernel did not start ({error}); attempt {attempt + 1} of "
                  f"{KERNEL_START_ATTEMPTS}", file=sys.stderr)
            time.sleep(random.uniform(0.5, 2.0) * attempt)


def run(notebook_py, out_ipynb, out_html, params: dict, cwd=None) -> None:
    import jupytext
    import nbformat
    from nbconvert import HTMLExporter

    notebook = jupytext.read(notebook_py)
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    Path(out_ipynb).parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / Path(notebook_py).with_suffix(".ipynb").name
        nbformat.write(notebook, source)
        execute(source, out_ipynb, params, cwd or os.getcwd(), tmp)
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
