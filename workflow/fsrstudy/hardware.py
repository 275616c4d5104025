"""What kind of CPU this is, read without importing torch (light jobs use it too)."""
from __future__ import annotations

import platform
from pathlib import Path


def cpu_flags(cpuinfo: str | Path = "/proc/cpuinfo") -> set[str]:
    """The CPU's feature flags (Linux); empty where /proc/cpuinfo does not exist."""
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        return set()
    for line in text.splitlines():
        if line.startswith(("flags", "Features")):
            return set(line.split(":", 1)[1].split())
    return set()


def cpu_kind(flags: set[str] | None = None) -> str:
    """'amx' (bf16 matrix units), 'avx512', 'avx2', or the machine's architecture: what
    decides the precision and the speed of a CPU run."""
    flags = cpu_flags() if flags is None else flags
    if "amx_bf16" in flags:
        return "amx"
    if "avx512f" in flags:
        return "avx512"
    return "avx2" if "avx2" in flags else (platform.machine() or "other")
