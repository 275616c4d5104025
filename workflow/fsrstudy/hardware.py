"""What kind of CPU this is, read without importing torch (light jobs use it too)."""
from __future__ import annotations

import platform
from pathlib import Path


def _cpuinfo_field(prefixes: tuple[str, ...], cpuinfo) -> str | None:
    """The value of the first /proc/cpuinfo line starting with one of `prefixes`; None
    where there is none, or no such file (not Linux)."""
    try:
        text = Path(cpuinfo).read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith(prefixes):
            return line.split(":", 1)[1].strip()
    return None


def cpu_flags(cpuinfo: str | Path = "/proc/cpuinfo") -> set[str]:
    """The CPU's feature flags (Linux); empty where /proc/cpuinfo does not exist."""
    return set((_cpuinfo_field(("flags", "Features"), cpuinfo) or "").split())


def cpu_kind(flags: set[str] | None = None) -> str:
    """'amx' (bf16 matrix units), 'avx512_bf16' (AVX-512 with bf16 dot products, no AMX),
    'avx512', 'avx2', or the machine's architecture: what decides the precision and the
    speed of a CPU run."""
    flags = cpu_flags() if flags is None else flags
    if "amx_bf16" in flags:
        return "amx"
    if "avx512f" in flags:
        return "avx512_bf16" if "avx512_bf16" in flags else "avx512"
    return "avx2" if "avx2" in flags else (platform.machine() or "other")


def cpu_model(cpuinfo: str | Path = "/proc/cpuinfo") -> str:
    """The CPU's model name ('unknown' where /proc/cpuinfo does not say)."""
    return _cpuinfo_field(("model name",), cpuinfo) or "unknown"
