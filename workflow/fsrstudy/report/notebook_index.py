"""An HTML index of a run's executed notebooks (python -m fsrstudy.report.notebook_index)."""
from __future__ import annotations

import html
import os
import sys
from pathlib import Path

from fsrstudy.atomic import save_text


def render(run: str, index_path, notebooks) -> str:
    base = Path(index_path).parent
    items = []
    for path in notebooks:
        path = Path(path)
        rel = os.path.relpath(path, base)
        ipynb = os.path.relpath(path.with_suffix(".ipynb"), base)
        items.append(f'<li><a href="{html.escape(rel)}">{html.escape(path.stem)}</a> '
                     f'(executed notebook: <code>{html.escape(ipynb)}</code>)</li>')
    return (f"<!doctype html><html><head><meta charset='utf-8'>"
            f"<title>{html.escape(run)}: executed notebooks</title></head><body>"
            f"<h1>Run <code>{html.escape(run)}</code>: executed notebooks</h1>"
            f"<p>One per stage, in order. Open the .ipynb files with "
            f"<code>jupyter lab {html.escape(str(base))}</code>.</p>"
            f"<ol>{''.join(items)}</ol></body></html>\n")


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    run, index_path, *notebooks = argv
    save_text(index_path, render(run, index_path, notebooks))


if __name__ == "__main__":
    main()
