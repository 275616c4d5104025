"""Open the report and an executed notebook in a real browser (headless Chromium).

Fails (exit 1, one line per problem) when a page renders blank, when the report does
not show its front page or lacks a figure, or when the notebook shows no figure.
Screenshots of both are written to OUT_DIR.

    python scripts/browser_check.py REPORT_HTML NOTEBOOK_HTML OUT_DIR [FIGURE ...]

Chromium: Debian's `chromium` package (`make browser` installs it when run as root).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
         "--disable-dev-shm-usage", "--virtual-time-budget=8000"]


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    raise FileNotFoundError("no Chromium on PATH: apt-get install chromium (make browser)")


def screenshot(html: Path, png: Path, width: int = 1400, height: int = 1000) -> Path:
    subprocess.run([chromium(), *FLAGS, f"--window-size={width},{height}",
                    f"--screenshot={png}", Path(html).resolve().as_uri()],
                   check=True, capture_output=True, timeout=180)
    return png


def rendered_dom(html: Path) -> str:
    """The page's DOM after its scripts ran (the report is a JavaScript application)."""
    return subprocess.run([chromium(), *FLAGS, "--dump-dom", Path(html).resolve().as_uri()],
                          check=True, capture_output=True, text=True, timeout=180).stdout


def ink_fraction(png: Path) -> float:
    """Share of pixels that are not (near) the background colour: 0 for a blank page."""
    pixels = np.asarray(Image.open(png).convert("RGB"), dtype=np.int16)
    background = np.median(pixels.reshape(-1, 3), axis=0)
    return float((np.abs(pixels - background).max(axis=2) > 24).mean())


def coloured_pixels(png: Path) -> int:
    """Clearly coloured (not grey) pixels: the plots of a page, as its text and tables
    are black and grey (one small line plot has thousands)."""
    pixels = np.asarray(Image.open(png).convert("RGB"), dtype=np.int16)
    return int((pixels.max(axis=2) - pixels.min(axis=2) > 60).sum())


def check(report: Path, notebook: Path, out_dir: Path, figures=()) -> list[str]:
    out_dir.mkdir(parents=True, exist_ok=True)
    problems = []
    report_png = screenshot(report, out_dir / "report.png")
    if ink_fraction(report_png) < 0.01:
        problems.append(f"{report} renders blank ({report_png})")
    dom = rendered_dom(report)
    if "What this run found" not in dom:
        problems.append(f"{report} does not show its front page")
    problems += [f"{report} lacks figure {name}" for name in figures if f"{name}.png" not in dom]
    # tall enough to reach the notebook's figures below its code and tables
    notebook_png = screenshot(notebook, out_dir / "notebook.png", 1400, 6000)
    if ink_fraction(notebook_png) < 0.01:
        problems.append(f"{notebook} renders blank ({notebook_png})")
    if coloured_pixels(notebook_png) < 2000 or "data:image/png" not in rendered_dom(notebook):
        problems.append(f"{notebook} shows no figure ({notebook_png})")
    return problems


def main(argv=None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) < 3:
        print(__doc__)
        return 2
    problems = check(Path(args[0]), Path(args[1]), Path(args[2]), args[3:])
    for problem in problems:
        print(problem)
    print(f"screenshots: {Path(args[2]) / 'report.png'}, {Path(args[2]) / 'notebook.png'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
