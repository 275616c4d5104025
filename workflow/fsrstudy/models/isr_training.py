"""Training and applying the ISR baselines on the study's own images.

Training pairs are aligned patches of the luminance of the train split's HR inputs
(images/f1.npy) and of their low-resolution copies (images/f<k>.npy: downscaled then
bicubic-upscaled, exactly what the retrieval queries are), for every factor. SRCNN gets
one model per factor, as in its paper; VDSR one model for all factors.
"""
from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from fsrstudy import config, run_files
from fsrstudy.models import compute, isr
from fsrstudy.models.compute import autocast
from fsrstudy.models.fsrgan_training import seed_everything


@dataclass
class ISRConfig:
    """One ISR training schedule. No defaults here: SRCNN's and VDSR's differ, and they
    live in the schema (isr.srcnn, isr.vdsr); `for_method` reads them."""
    steps: int
    batch_size: int
    patch: int
    lr: float
    optimizer: str                  # adam (SRCNN) or sgd (VDSR, with clipping)
    momentum: float
    weight_decay: float
    clip_theta: float               # VDSR's adjustable clipping: grads in +-theta/lr
    lr_decay_every: int             # steps; 0 = constant
    seed: int = 0

    @classmethod
    def for_method(cls, method: str, **overrides) -> ISRConfig:
        """The schema's schedule of `method` ('srcnn' or 'vdsr'), with `overrides`."""
        return cls(**{**config.schema_defaults("isr", method), **overrides})


def luminance(stack: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Y channel in [0, 1] of the images at `rows`: (n, H, W) float32."""
    return (isr.rgb_to_ycbcr(stack[rows])[..., 0] / 255.0).astype(np.float32)


def sample_patches(lr_y: np.ndarray, hr_y: np.ndarray, n: int, patch: int,
                   rng: np.random.Generator):
    """n aligned random patches (n, 1, p, p) from images (N, H, W)."""
    count, height, width = hr_y.shape
    idx = rng.integers(0, count, n)
    ys = rng.integers(0, height - patch + 1, n)
    xs = rng.integers(0, width - patch + 1, n)
    lr = np.stack([lr_y[i, y:y + patch, x:x + patch] for i, y, x in zip(idx, ys, xs)])
    hr = np.stack([hr_y[i, y:y + patch, x:x + patch] for i, y, x in zip(idx, ys, xs)])
    return torch.from_numpy(lr[:, None]), torch.from_numpy(hr[:, None])


def train(name: str, pairs: list[tuple[np.ndarray, np.ndarray]], cfg: ISRConfig,
          device="cpu", precision: str = "fp32"):
    """Train a new `name` model ('srcnn' or 'vdsr') on patches drawn evenly from each
    (LR Y, HR Y) image set of `pairs`. The model is built after seeding, so its
    initial weights depend on the seed alone. `precision` 'bf16' runs forward passes
    under bf16 autocast (mixed precision).

    Returns (model, log DataFrame with step, loss)."""
    seed_everything(cfg.seed)
    rng = np.random.default_rng(cfg.seed)
    device = torch.device(device)
    model = isr.MODELS[name]().to(device).to(memory_format=torch.channels_last).train()
    if cfg.optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=cfg.lr, momentum=cfg.momentum,
                              weight_decay=cfg.weight_decay)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    per_set = max(1, cfg.batch_size // len(pairs))
    log = []
    for step in range(cfg.steps):
        if cfg.lr_decay_every and step and step % cfg.lr_decay_every == 0:
            for group in opt.param_groups:
                group["lr"] *= 0.1
        batches = [sample_patches(lr, hr, per_set, cfg.patch, rng) for lr, hr in pairs]
        x = torch.cat([b[0] for b in batches]).to(device)
        y = torch.cat([b[1] for b in batches]).to(device)
        with autocast(device, precision):
            out = model(x.contiguous(memory_format=torch.channels_last))
        loss = torch.nn.functional.mse_loss(out.float(), y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if cfg.clip_theta:
            limit = cfg.clip_theta / opt.param_groups[0]["lr"]
            torch.nn.utils.clip_grad_value_(model.parameters(), limit)
        opt.step()
        log.append({"step": step, "loss": loss.item()})
    return model.eval(), pd.DataFrame(log)


@torch.inference_mode()
def restore(model: torch.nn.Module, lr_rgb: np.ndarray, plan: compute.Plan | None = None,
            batch_size: int | str = "auto") -> np.ndarray:
    """Restore (N, H, W, 3) uint8 bicubic-upscaled images: Y by the model, CbCr kept.
    `plan` says where and how (default: fp32 on the CPU, torch's own kernels). Batch size
    auto: as for the descriptors (VDSR at 224 px on 2 threads of the AVX-512 EPYC, bf16:
    86-89 ms per image at batch 1-2 against 116-136 at 8, the same bytes)."""
    plan = plan or compute.plan("cpu", "fp32", "default")
    device = torch.device(plan.device)
    batch_size = compute.batch_size(batch_size, device)
    model = compute.prepare(model, plan)
    out = np.empty_like(lr_rgb)
    for start in range(0, len(lr_rgb), batch_size):
        ycbcr = isr.rgb_to_ycbcr(lr_rgb[start:start + batch_size])
        y = torch.from_numpy((ycbcr[..., 0] / 255.0).astype(np.float32))[:, None].to(device)
        if plan.engine != "nnpack":
            y = y.contiguous(memory_format=torch.channels_last)
        with autocast(device, plan.precision):
            restored = model(y)
        ycbcr[..., 0] = restored[:, 0].float().clamp(0, 1).cpu().numpy() * 255.0
        out[start:start + batch_size] = isr.ycbcr_to_rgb(ycbcr)
    return out


def save(path, model: torch.nn.Module, name: str, cfg: ISRConfig, extra: dict) -> None:
    from fsrstudy.atomic import atomic_path
    with atomic_path(path) as tmp:
        torch.save({"name": name, "state": model.state_dict(), "config": asdict(cfg), **extra},
                   tmp)


def data_sha256(hr_stack: np.ndarray, lr_stacks: list[np.ndarray], rows: np.ndarray) -> str:
    """Fingerprint of what a model trains on: the uint8 pixels of the training rows of
    the HR stack and of each LR stack, in order (exact on every CPU, unlike the float
    luminance computed from them)."""
    digest = hashlib.sha256(np.asarray(rows, dtype=np.int64).tobytes())
    for stack in [hr_stack, *lr_stacks]:
        digest.update(str(stack.shape[1:]).encode())
        for start in range(0, len(rows), 64):  # a memmap is read a slice at a time
            digest.update(np.ascontiguousarray(stack[rows[start:start + 64]]).tobytes())
    return digest.hexdigest()


def recipe(method: str, factors, cfg: ISRConfig, data: str) -> dict:
    """Everything that decides a trained model: method, factors, schedule, seed, data.
    (The precision it was trained at is recorded beside it, not part of the recipe.)"""
    return {"method": method, "factors": list(factors), "config": asdict(cfg),
            "data_sha256": data}


def reusable(path, wanted: dict) -> tuple[bool, str, dict]:
    """(whether the checkpoint at `path` was trained by exactly the recipe `wanted`, why,
    what it records besides its weights: loss log, cost, recipe)."""
    if not Path(path).is_file():
        return False, f"no model at {path}", {}
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    info = {k: v for k, v in ckpt.items() if k != "state"}
    differs = [key for key in wanted if info.get("recipe", {}).get(key) != wanted[key]]
    if differs:
        return False, f"{path} was trained with another {', '.join(differs)}", info
    return True, f"{path}: same method, factors, config, seed and data sha256", info


def load(path) -> torch.nn.Module:
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    model = isr.MODELS[ckpt["name"]]()
    model.load_state_dict(ckpt["state"])
    return model.eval()


model_name = run_files.isr_model_name
