"""Downloading data set files safely: mirrors, resume, retries, checksums, atomic rename.

A file is fetched into `<target>.part` (kept between attempts so an interrupted
download resumes with an HTTP Range request), verified against its sha256, and only
then renamed to `<target>`. A file whose checksum is unknown (None) is accepted with a
loud warning that prints the measured sum, so it can be pinned in the config.
"""
from __future__ import annotations

import os
import shutil
import time
import urllib.error
import urllib.request
import warnings
from pathlib import Path

from tqdm import tqdm

from fsrstudy.run_files import sha256_of

CHUNK = 1 << 20


class DownloadError(RuntimeError):
    pass


class ChecksumMismatch(DownloadError):
    pass


def check_free_space(directory, needed_bytes: int | None, margin: float = 1.1) -> None:
    if not needed_bytes:
        return
    free = shutil.disk_usage(directory).free
    if free < needed_bytes * margin:
        raise DownloadError(f"not enough free disk in {directory}: {free / 1e9:.2f} GB free, "
                            f"{needed_bytes * margin / 1e9:.2f} GB needed")


def _fetch_once(url: str, part: Path, timeout: float, progress: bool) -> None:
    """Append the rest of `url` to `part` (Range request when part is non-empty)."""
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        if error.code == 416 and have:  # nothing left to fetch: the part is complete
            return
        raise
    with response:
        if have and response.status != 206:  # server ignored Range: start over
            have = 0
        total = response.headers.get("Content-Length")
        total = int(total) + have if total is not None else None
        if total:
            check_free_space(part.parent, total - have)
        mode = "ab" if have else "wb"
        with open(part, mode) as out, tqdm(total=total, initial=have, unit="B",
                                           unit_scale=True, desc=part.name[:-5],
                                           disable=not progress, mininterval=2) as bar:
            while True:
                block = response.read(CHUNK)
                if not block:
                    break
                out.write(block)
                bar.update(len(block))
        if total is not None and part.stat().st_size < total:
            raise DownloadError(f"{url}: connection closed at {part.stat().st_size} of "
                                f"{total} bytes")


def download(urls: list[str] | str, target, sha256: str | None, *, retries: int = 3,
             backoff: float = 1.0, timeout: float = 60.0, progress: bool = True) -> Path:
    """Fetch `target` from the first mirror that works; return its path.

    Each mirror gets `retries` attempts (exponential back-off), each resuming the
    partial file. A checksum mismatch deletes the partial file and tries the next
    mirror; if none verifies, ChecksumMismatch. Nothing is left at `target` unless it
    verified.
    """
    urls = [urls] if isinstance(urls, str) else list(urls)
    target = Path(target)
    if target.exists():
        if sha256 is None or sha256_of(target) == sha256:
            return target
        raise ChecksumMismatch(f"{target} exists but its sha256 is {sha256_of(target)}, "
                               f"expected {sha256}: delete it to download again")
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(target.name + ".part")
    errors = []
    for url in urls:
        for attempt in range(retries):
            try:
                _fetch_once(url, part, timeout, progress)
                break
            except (urllib.error.URLError, OSError, DownloadError) as error:
                errors.append(f"{url} (attempt {attempt + 1}): {error}")
                time.sleep(backoff * 2 ** attempt)
        else:
            continue  # this mirror failed every attempt: next mirror, from scratch
        measured = sha256_of(part)
        if sha256 is None:
            warnings.warn(f"NO CHECKSUM configured for {target.name}: accepted unverified; "
                          f"measured sha256 {measured} (pin it in the config)", stacklevel=2)
        elif measured != sha256:
            part.unlink()
            errors.append(f"{url}: sha256 {measured}, expected {sha256}")
            continue
        os.replace(part, target)
        return target
    detail = "\n  ".join(errors)
    if any("expected" in e for e in errors):
        raise ChecksumMismatch(f"no mirror gave a file that verifies for {target.name}:\n  "
                               f"{detail}")
    raise DownloadError(f"every mirror failed for {target.name}:\n  {detail}")
