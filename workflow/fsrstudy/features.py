"""Batched feature extraction on the GPU when there is one, the CPU otherwise."""
from __future__ import annotations

import contextlib

import numpy as np
import torch
from tqdm import tqdm

from .backbones import l2_normalize


def pick_device(requested: str = "auto") -> torch.device:
    if requested == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if requested.startswith("cuda") and not torch.cuda.is_available():
        raise RuntimeError(f"device {requested!r} requested but CUDA is not available")
    return torch.device(requested)


def autocast(device: torch.device, precision: str):
    """bf16 autocast (fast on GPUs and on CPUs with AMX/AVX512-BF16) or plain fp32."""
    if precision == "fp32":
        return contextlib.nullcontext()
    if precision == "bf16":
        return torch.autocast(device.type, dtype=torch.bfloat16)
    raise ValueError(f"precision must be 'bf16' or 'fp32' (got {precision!r})")


@torch.inference_mode()
def extract(model: torch.nn.Module, stack: np.ndarray, batch_size: int = 16,
            device: torch.device | str = "cpu", precision: str = "fp32",
            desc: str = "features", normalize: bool = True) -> dict[str, np.ndarray]:
    """Descriptors of an (N, H, W, 3) uint8 RGB stack (may be memory-mapped).

    Returns name -> (N, D) float32, L2-normalised when `normalize`.
    """
    device = torch.device(device)
    model = model.to(device).to(memory_format=torch.channels_last).eval()
    chunks: dict[str, list[np.ndarray]] = {}
    for start in tqdm(range(0, len(stack), batch_size), desc=desc, unit="batch",
                      mininterval=5):
        batch = torch.from_numpy(np.ascontiguousarray(stack[start:start + batch_size]))
        with autocast(device, precision):
            out = model(batch.to(device, non_blocking=True))
        for name, value in out.items():
            chunks.setdefault(name, []).append(value.float().cpu().numpy())
    result = {}
    for name, parts in chunks.items():
        array = np.concatenate(parts).astype(np.float32)
        result[name] = l2_normalize(array) if normalize else array
    return result
