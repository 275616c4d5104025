"""Atomic file writing: every output appears complete or not at all.

A stage interrupted mid-write leaves only a hidden temporary file, never a truncated
output that a later run (or Snakemake) could mistake for a finished one.
"""
from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd

_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside `path`; rename it onto `path` only on success."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        # mkstemp makes the file private (0600); give it the usual permissions
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def save_npy(path, array: np.ndarray) -> None:
    with atomic_path(path) as tmp:
        try:
            with open(tmp, "wb") as f:
                np.save(f, array)
        except OSError as error:
            # numpy reports a full disk as "N requested and M written": say what it is
            if error.errno is None and "written" in str(error):
                raise OSError(errno.ENOSPC, f"{os.strerror(errno.ENOSPC)} while writing "
                              f"{path} ({error})") from error
            raise


def save_csv(path, frame: pd.DataFrame) -> None:
    with atomic_path(path) as tmp:
        frame.to_csv(tmp, index=False)


def save_text(path, text: str) -> None:
    with atomic_path(path) as tmp:
        Path(tmp).write_text(text)


def save_json(path, obj) -> None:
    save_text(path, json.dumps(obj, indent=2, sort_keys=True, default=str) + "\n")


def atomic_copy(source, path) -> None:
    import shutil
    with atomic_path(path) as tmp:
        shutil.copyfile(source, tmp)
