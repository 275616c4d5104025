"""How the heavy inference runs on this machine: device, precision and convolution engine.

Chosen from the hardware, not from one measurement on another machine:
- precision `auto`: bf16 autocast on a CUDA GPU and on a CPU with AMX (bf16 matrix
  units); fp32 on a CPU with no bf16 instructions (there bf16 is emulated: VGG16 at
  224 px 8x slower on an AVX2-only CPU). On an AVX-512 CPU with bf16 dot products but no
  AMX, the flags do not tell: VGG16 ran 1.7x slower in bf16 on one such CPU and 2.0x
  faster on another (an AVX-512 AMD EPYC, 41.6 against 83.1 ms per image). There the
  two are timed once per machine (`measured_bf16_speedup`, kept in a cache file, so
  every later run of the machine makes the same choice) and bf16 is taken only when it
  is clearly faster (BF16_MARGIN).
- convolution engine `auto` on the CPU in fp32: the 3x3 stride-1 convolutions (most of
  VGG16's and all of VDSR's work) run through NNPACK's Winograd kernels on a CPU whose
  widest vectors are AVX2 (measured there: 1.15-1.2x on the whole VGG16); torch's default
  oneDNN kernels on AVX-512 and AMX CPUs, which NNPACK (AVX2 kernels only) cannot use.
  Decided by the CPU's flags, never by a timing: the two engines round differently, and a
  timing taken at run time flips with the machine's load (one layer measured 1.0-1.6x on
  the same idle CPU), which made two runs of one config differ in the 5th digit.
  Inference only: training never uses it. `nnpack_speedup` times one layer for `make bench`.
- batch size `auto` of the descriptor networks: large on a GPU, small on a CPU, where
  the activations of a few images stay in cache (`batch_size`).
Every choice comes with the reason, written into the stage's metadata.
"""
from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from fsrstudy.atomic import save_text
from fsrstudy.hardware import cpu_flags, cpu_kind, cpu_model
from fsrstudy.models import backbones

PRECISIONS = ("auto", "bf16", "fp32")


# Images per forward pass of a descriptor network (VGG16) when the batch size is auto. A
# GPU needs large batches to be busy. A CPU runs small ones faster: VGG16 at 224 px on 2
# threads of the AVX-512 bf16 EPYC took 37-39 ms per image at batch 2 against 43-47 at 16
# in bf16, 73-83 against 89-96 in fp32, with the same bytes at batch 1, 2, 4 and 16; on
# the AVX2 EPYC batch 1 was as fast as 16.
CPU_BATCH = 2
GPU_BATCH = 128


def batch_size(requested: int | str, device) -> int:
    """Images per forward pass: `requested`, or for 'auto' the size for `device`."""
    if requested == "auto":
        return GPU_BATCH if torch.device(device).type == "cuda" else CPU_BATCH
    if isinstance(requested, bool) or not isinstance(requested, int) or requested < 1:
        raise ValueError(f"batch_size must be a positive integer or 'auto' (got {requested!r})")
    return requested


def batch_alignment(requested: int | str) -> int:
    """What shard boundaries are a multiple of: the batch size, or for 'auto' the largest
    one it picks, so that shard jobs on different kinds of node split the rows alike."""
    return max(CPU_BATCH, GPU_BATCH) if requested == "auto" else requested


def pick_device(requested: str = "auto") -> torch.device:
    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"device {requested!r} requested but CUDA is not available")
    return torch.device(requested)


def resolve_precision(requested: str, device: torch.device, kind: str | None = None,
                      bf16_speedup=None) -> tuple[str, str]:
    """(precision, why) for a requested 'auto' | 'bf16' | 'fp32' on `device`.
    `bf16_speedup`: () -> (fp32 time / bf16 time, where it comes from), asked only on an
    AVX-512 bf16 CPU without AMX; measured_bf16_speedup by default."""
    if requested not in PRECISIONS:
        raise ValueError(f"precision must be one of {PRECISIONS} (got {requested!r})")
    if requested != "auto":
        return requested, f"{requested} as configured"
    if device.type == "cuda":
        if torch.cuda.is_bf16_supported():
            return "bf16", f"auto: bf16 on {torch.cuda.get_device_name(device)}"
        return "fp32", "auto: this GPU has no bf16"
    kind = kind or cpu_kind()
    if kind == "amx":
        return "bf16", "auto: the CPU has AMX (amx_bf16 in /proc/cpuinfo): bf16 runs on it"
    if kind == "avx512_bf16":
        speedup, where = (bf16_speedup or measured_bf16_speedup)()
        if speedup >= BF16_MARGIN:
            return "bf16", (f"auto: bf16, measured {speedup:.2f}x faster than fp32 on this "
                            f"AVX-512 bf16 CPU without AMX ({where})")
        return "fp32", (f"auto: fp32; bf16 measured {speedup:.2f}x the speed of fp32 on this "
                        f"AVX-512 bf16 CPU without AMX, under the {BF16_MARGIN}x margin "
                        f"({where})")
    return "fp32", (f"auto: fp32 on a CPU without AMX ({kind}); bf16 would be emulated "
                    "and slower")


# -- bf16 or fp32 on an AVX-512 bf16 CPU: timed once per machine ------------------------
BF16_MARGIN = 1.25  # bf16 is chosen when at least this much faster: a clear win only


def time_vgg16_precisions(images: int = 4, repeats: int = 3) -> dict[str, float]:
    """Milliseconds per 224 px image of VGG16's convolutions (random weights,
    channels_last) in fp32 and in bf16 autocast on the CPU: the best of `repeats`, the
    two taken in turns so that a load from elsewhere slows both alike."""
    with torch.random.fork_rng(devices=[]):  # a stage's seeded draws must not see it
        model = backbones.vgg16_features().eval().to(memory_format=torch.channels_last)
        x = torch.randn(images, 3, 224, 224).contiguous(memory_format=torch.channels_last)
    best = {"fp32": float("inf"), "bf16": float("inf")}
    with torch.inference_mode():
        for turn in range(repeats + 1):  # the first turn warms up
            for precision in best:
                with autocast(torch.device("cpu"), precision):
                    start = time.perf_counter()
                    model(x)
                    seconds = time.perf_counter() - start
                if turn:
                    best[precision] = min(best[precision], 1000 * seconds / images)
    return {k: round(v, 2) for k, v in best.items()}


def _machine_key() -> str:
    flags = hashlib.sha256(" ".join(sorted(cpu_flags())).encode()).hexdigest()[:12]
    return (f"{cpu_model()} | flags {flags} | torch {torch.__version__} | "
            f"{torch.get_num_threads()} threads")


def speedup_cache() -> Path:
    """Where measured_bf16_speedup keeps its timings: $FSRSTUDY_CACHE or
    ~/.cache/fsrstudy, one file for every run on this machine."""
    folder = os.environ.get("FSRSTUDY_CACHE") or Path.home() / ".cache" / "fsrstudy"
    return Path(folder) / "bf16_speedup.json"


def measured_bf16_speedup(cache: Path | None = None, measure=time_vgg16_precisions):
    """(fp32 time / bf16 time of VGG16 on this machine, where it comes from): timed once
    per machine (CPU model, flags, torch version, threads) and kept in `cache`; parallel
    jobs take a lock, so one of them times it while the others wait and read."""
    cache = cache or speedup_cache()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        lock = open(cache.with_suffix(".lock"), "w")
    except OSError as error:  # nowhere to keep it: time it for this process alone
        entry, kept = measure(), (f"timed now and not kept ({error}; set FSRSTUDY_CACHE "
                                  "to a writable folder)")
    else:
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            entry = _timing_kept(cache, _machine_key(), measure)
        kept = f"timed once on this machine ({entry['measured']}), kept in {cache}"
    return entry["fp32"] / entry["bf16"], (
        f"VGG16 {entry['fp32']} ms per image in fp32, {entry['bf16']} in bf16, {kept}")


def _timing_kept(cache: Path, key: str, measure) -> dict:
    """The timing `cache` holds for `key`, timed and added first when it has none (a
    missing or broken cache file counts as empty)."""
    try:
        known = json.loads(cache.read_text())
    except (OSError, ValueError):
        known = {}
    known = known if isinstance(known, dict) else {}
    entry = known.get(key)
    if not (isinstance(entry, dict) and {"fp32", "bf16", "measured"} <= entry.keys()):
        entry = {**measure(), "measured": time.strftime("%Y-%m-%dT%H:%M:%S")}
        save_text(cache, json.dumps({**known, key: entry}, indent=1) + "\n")
    return entry


def autocast(device: torch.device, precision: str):
    """bf16 autocast or plain fp32 (resolve 'auto' first)."""
    if precision == "fp32":
        return contextlib.nullcontext()
    if precision == "bf16":
        return torch.autocast(device.type, dtype=torch.bfloat16)
    raise ValueError(f"precision must be 'bf16' or 'fp32' (got {precision!r})")


@contextlib.contextmanager
def denormals_flushed():
    """Compute with denormal floats read and written as zero (x86 FTZ/DAZ; a no-op where
    the CPU cannot). FSR-GAN's residual generator starts with a zero output layer, so
    Adam's second moments of its 512 x 8192 weights sink to ~1e-40, and x86 CPUs handle
    such numbers tens of times slower: Adam's sqrt and division on that one tensor took
    70 ms a step instead of ~2. Values below 1.2e-38 contribute nothing to a step."""
    torch.set_flush_denormal(True)
    try:
        yield
    finally:
        torch.set_flush_denormal(False)


# -- the convolution engine -------------------------------------------------------------
def nnpack_usable() -> bool:
    # _nnpack_available() also initialises NNPACK: it must run before the first call
    return hasattr(torch, "_nnpack_spatial_convolution") and torch._nnpack_available()


class NNPACKConv2d(nn.Module):
    """A 3x3 stride-1 convolution computed by NNPACK (Winograd), for inference."""

    def __init__(self, conv: nn.Conv2d):
        super().__init__()
        self.weight, self.bias = conv.weight, conv.bias
        self.padding = list(conv.padding)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.dim() != 4 or x.dtype != torch.float32 or x.device.type != "cpu":
            return F.conv2d(x, self.weight, self.bias, padding=self.padding)
        bias = self.bias if self.bias is not None else x.new_zeros(self.weight.shape[0])
        return torch._nnpack_spatial_convolution(x.contiguous(), self.weight.contiguous(),
                                                 bias, self.padding)


def _nnpack_fits(conv: nn.Module) -> bool:
    return (isinstance(conv, nn.Conv2d) and conv.kernel_size == (3, 3)
            and conv.stride == (1, 1) and conv.dilation == (1, 1) and conv.groups == 1
            and isinstance(conv.padding, tuple) and max(conv.padding) < 3)


def use_nnpack(model: nn.Module) -> nn.Module:
    """Swap every 3x3 stride-1 convolution of `model` (in place) for NNPACK's."""
    if not nnpack_usable():  # also initialises NNPACK, which a first call needs
        raise RuntimeError("this torch was built without NNPACK: use engine 'default'")
    for name, child in model.named_children():
        if _nnpack_fits(child):
            setattr(model, name, NNPACKConv2d(child))
        else:
            use_nnpack(child)
    return model


@functools.lru_cache(maxsize=None)
def nnpack_speedup(threads: int, repeats: int = 3) -> float:
    """Time of oneDNN / time of NNPACK on one VGG16-sized layer (64 -> 64 channels,
    3x3, 56 x 56, batch 8) on this CPU: > 1 means NNPACK is faster. 0 without NNPACK."""
    if not nnpack_usable():
        return 0.0
    x = torch.randn(8, 64, 56, 56)
    w, b = torch.randn(64, 64, 3, 3) * 0.05, torch.zeros(64)

    def best(fn):
        fn()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    with torch.inference_mode():
        default = best(lambda: F.conv2d(x.contiguous(memory_format=torch.channels_last),
                                        w.contiguous(memory_format=torch.channels_last), b,
                                        padding=1))
        nnpack = best(lambda: torch._nnpack_spatial_convolution(x, w, b, [1, 1]))
    return default / nnpack


@dataclass(frozen=True)
class Plan:
    """How inference runs: where, at which precision, with which convolution engine."""
    device: str
    precision: str
    engine: str  # 'nnpack' or 'default'
    cpu_kind: str
    why: str

    def as_dict(self) -> dict:
        return asdict(self)


def plan(device: str = "auto", precision: str = "auto", engine: str = "auto") -> Plan:
    """Resolve the configured device, precision and engine ('auto', 'nnpack', 'default')."""
    dev = pick_device(device)
    kind = cpu_kind() if dev.type == "cpu" else "gpu"
    chosen, why = resolve_precision(precision, dev, kind if dev.type == "cpu" else None)
    if engine not in ("auto", "nnpack", "default"):
        raise ValueError(f"engine must be auto, nnpack or default (got {engine!r})")
    cpu_fp32 = dev.type == "cpu" and chosen == "fp32"
    if engine == "nnpack" and not (cpu_fp32 and nnpack_usable()):
        raise ValueError("engine nnpack needs fp32 on a CPU and a torch built with NNPACK")
    if engine == "auto":
        engine, reason = auto_engine(kind, cpu_fp32)
        why += f"; {reason}"
    return Plan(str(dev), chosen, engine, kind, why)


def auto_engine(kind: str, cpu_fp32: bool) -> tuple[str, str]:
    """The engine `auto` picks, and why: from the CPU kind alone, so that one machine
    gives the same numbers on every run."""
    if not cpu_fp32:
        return "default", "engine default (NNPACK runs only fp32 on a CPU)"
    if kind != "avx2":
        return "default", (f"engine default: torch's oneDNN kernels use this {kind} CPU's "
                           "wide vectors, NNPACK has AVX2 kernels only")
    if not nnpack_usable():
        return "default", "engine default: this torch was built without NNPACK"
    return "nnpack", ("engine nnpack: 3x3 convolutions through NNPACK's Winograd kernels on "
                      "this AVX2 CPU (1.15-1.2x on the whole VGG16 where measured)")


def prepare(model: nn.Module, chosen: Plan) -> nn.Module:
    """`model` on the plan's device, in eval mode, with the plan's engine."""
    model = model.to(chosen.device).eval()
    if chosen.engine == "nnpack":
        return use_nnpack(model)
    return model.to(memory_format=torch.channels_last)
