"""Which code made a file: the project's git commit, read without importing torch."""
from __future__ import annotations

import subprocess
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[2]  # workflow/fsrstudy -> the checkout
UNKNOWN = "unknown (not a git checkout)"


def code_commit(root: str | Path = PROJECT) -> str:
    """`git describe --always --dirty` of the checkout at `root`: the commit, with
    `-dirty` where files differ from it; UNKNOWN where it is no git checkout (an
    unpacked archive) or git is missing."""
    try:
        done = subprocess.run(["git", "describe", "--always", "--dirty"], cwd=root,
                              capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return UNKNOWN
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else UNKNOWN
