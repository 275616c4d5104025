"""Batched feature extraction, run as a compute plan says (device, precision, engine)."""
from __future__ import annotations

import numpy as np
import torch
from tqdm import tqdm

from fsrstudy.models import compute
from fsrstudy.models.normalise import l2_normalize


@torch.inference_mode()
def extract(model: torch.nn.Module, stack: np.ndarray, batch_size: int,
            plan: compute.Plan, desc: str = "features",
            normalize: bool = True) -> dict[str, np.ndarray]:
    """Descriptors of an (N, H, W, 3) uint8 RGB stack (may be memory-mapped).

    Returns name -> (N, D) float32, L2-normalised when `normalize`.
    """
    device = torch.device(plan.device)
    model = compute.prepare(model, plan)
    chunks: dict[str, list[np.ndarray]] = {}
    for start in tqdm(range(0, len(stack), batch_size), desc=desc, unit="batch",
                      mininterval=5):
        batch = torch.from_numpy(np.ascontiguousarray(stack[start:start + batch_size]))
        if device.type == "cuda":
            batch = batch.pin_memory()  # the copy below then overlaps the GPU's work
        with compute.autocast(device, plan.precision):
            out = model(batch.to(device, non_blocking=True))
        for name, value in out.items():
            chunks.setdefault(name, []).append(value.float().cpu().numpy())
    result = {}
    for name, parts in chunks.items():
        array = np.concatenate(parts).astype(np.float32)
        result[name] = l2_normalize(array) if normalize else array
    return result
