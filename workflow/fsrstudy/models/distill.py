"""Asymmetric distillation: a query network for low-resolution images (methods
`distill`, `distill_db`; after Suma and Tolias, "Large-to-small image resolution
asymmetry in deep metric learning", WACV 2023; not in the FSR-GAN paper).

The database keeps the frozen network's HR descriptors. The student is a copy of that
network's layers after pool4 (`backbones.DescriptorHead`: VGG16's conv5 block and the
output's pooling, or pool5-fc7), trained without labels so that, reading the pool4 maps
of a low-resolution image, it gives the frozen network's descriptor of the HR image:
loss ||n(S(pool4(LR))) - F_HR||^2, n the L2 normalisation, every factor mixed. It starts
as the teacher's exact copy, so before any step it gives the plain LR descriptor.

The layers up to pool4 stay frozen and shared, so their maps are computed once per image
and factor (`pool4_maps`, fp16) and only the head is trained and run again: on a CPU the
cost is the head's (about 18% of a VGG16 pass forward, three times that to train).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
import torch
from tqdm import tqdm

from fsrstudy import config
from fsrstudy.atomic import atomic_path
from fsrstudy.models import backbones, compute, cross_fit, fsrgan_training

_DEFAULTS = config.schema_defaults("distill")  # the schema is the only home of defaults
FP16_MAX = float(np.finfo(np.float16).max)


@dataclass
class DistillConfig:
    epochs: int = _DEFAULTS["epochs"]
    batch_size: int = _DEFAULTS["batch_size"]
    lr: float = _DEFAULTS["lr"]
    seed: int = config.schema_defaults()["seed"]

    @classmethod
    def from_section(cls, section: dict, **overrides) -> "DistillConfig":
        """From the config's `distill` section, plus `overrides` (e.g. the seed)."""
        return config.settings_from_section(cls, section, **overrides)



@torch.inference_mode()
def pool4_maps(trunk: torch.nn.Module, stack: np.ndarray, out: np.ndarray, batch_size: int,
               plan: compute.Plan, desc: str = "pool4") -> None:
    """Write the pool4 maps of an (N, S, S, 3) uint8 stack into `out`, (N, C, h, w)
    float16 (e.g. a memmap). Raises if a value does not fit float16."""
    device = torch.device(plan.device)
    trunk = compute.prepare(trunk, plan)
    for start in tqdm(range(0, len(stack), batch_size), desc=desc, unit="batch",
                      mininterval=5):
        batch = torch.from_numpy(np.ascontiguousarray(stack[start:start + batch_size]))
        with compute.autocast(device, plan.precision):
            maps = trunk(batch.to(device)).float()
        peak = float(maps.abs().max())
        if not np.isfinite(peak) or peak > FP16_MAX:
            raise ValueError(f"pool4 maps of rows {start}..{start + len(batch) - 1} reach "
                             f"{peak}, beyond float16's {FP16_MAX}")
        out[start:start + len(batch)] = maps.cpu().numpy().astype(np.float16)


def _normalized(x: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.normalize(x.float(), dim=1)


def distance(student_out: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Per row: squared L2 distance between the normalised output and the target."""
    return (_normalized(student_out) - target).pow(2).sum(dim=1)


def train(head: torch.nn.Module, maps: dict[int, np.ndarray], targets: np.ndarray,
          rows: np.ndarray, cfg: DistillConfig, device="cpu"
          ) -> tuple[torch.nn.Module, pd.DataFrame]:
    """Train `head` (in place) on every (factor, row) pair: maps[factor][row] (C, h, w)
    -> targets[row], the L2-normalised HR descriptor. Returns the head and the log (per
    epoch and factor: mean distance over the epoch's steps)."""
    fsrgan_training.seed_everything(cfg.seed)
    device = torch.device(device)
    head = head.to(device).train(False)  # train(False): no dropout in fc6/fc7
    optimizer = torch.optim.Adam(head.parameters(), lr=cfg.lr)
    factors = sorted(maps)
    pairs = np.array([(f, r) for f in factors for r in rows], dtype=np.int64)
    if len(pairs) == 0:
        raise ValueError("no (factor, image) pairs to distil on")
    rng = np.random.default_rng(cfg.seed)
    log = []
    for epoch in range(cfg.epochs):
        sums = {f: [0.0, 0] for f in factors}
        shuffled = pairs[rng.permutation(len(pairs))]
        for start in range(0, len(shuffled), cfg.batch_size):
            chunk = shuffled[start:start + cfg.batch_size]
            # by factor, then row: each factor's memmap is read in order
            chunk = chunk[np.lexsort((chunk[:, 1], chunk[:, 0]))]
            x = np.concatenate([maps[f][chunk[chunk[:, 0] == f, 1]]
                                for f in np.unique(chunk[:, 0])])
            x = torch.from_numpy(x.astype(np.float32)).to(device)
            y = torch.from_numpy(np.asarray(targets[chunk[:, 1]], np.float32)).to(device)
            per_row = distance(head(x), y)
            optimizer.zero_grad(set_to_none=True)
            per_row.mean().backward()
            optimizer.step()
            values = per_row.detach().cpu().numpy()
            for f in factors:
                picked = values[chunk[:, 0] == f]
                sums[f][0] += float(picked.sum())
                sums[f][1] += len(picked)
        for f in factors:
            total, count = sums[f]
            log.append({"epoch": epoch, "factor": f, "distance": total / max(count, 1),
                        "pairs": count})
    return head, pd.DataFrame(log)


@torch.inference_mode()
def describe(head: torch.nn.Module, maps: np.ndarray, rows: np.ndarray, batch_size: int,
             device="cpu") -> np.ndarray:
    """L2-normalised descriptors (len(rows), D) of the pool4 maps at `rows`."""
    device = torch.device(device)
    head = head.to(device).eval()
    parts = []
    for start in range(0, len(rows), batch_size):
        x = torch.from_numpy(np.asarray(maps[rows[start:start + batch_size]],
                                        dtype=np.float32)).to(device)
        parts.append(_normalized(head(x)).cpu().numpy())
    if not parts:
        return np.zeros((0, 0), np.float32)
    return np.concatenate(parts).astype(np.float32)


@torch.inference_mode()
def describe_images(trunk: torch.nn.Module, heads: dict, stack: np.ndarray,
                    batch_size: int, plan: compute.Plan) -> dict[str, np.ndarray]:
    """Each head's L2-normalised descriptors of an (N, S, S, 3) uint8 stack, the pool4
    maps computed once per batch and rounded to float16 as the stored ones are."""
    device = torch.device(plan.device)
    trunk = compute.prepare(trunk, plan)
    parts: dict[str, list[np.ndarray]] = {name: [] for name in heads}
    for start in range(0, len(stack), batch_size):
        batch = torch.from_numpy(np.ascontiguousarray(stack[start:start + batch_size]))
        with compute.autocast(device, plan.precision):
            maps = trunk(batch.to(device)).float().half().float()
        for name, head in heads.items():
            parts[name].append(_normalized(head.to(device).eval()(maps)).cpu().numpy())
    return {name: np.concatenate(p).astype(np.float32) for name, p in parts.items()}


def checkpoint(head: backbones.DescriptorHead, cfg: DistillConfig, info: dict) -> dict:
    """The student's weights with what rebuilds it (source, output, gem_p) and the
    recipe (config, seed, training data) beside them."""
    return {"kind": "distill", "state": head.state_dict(), "config": asdict(cfg),
            "output": head.name, "gem_p": head.gem_p, **info}


def save(path, head: backbones.DescriptorHead, cfg: DistillConfig, info: dict) -> None:
    with atomic_path(path) as tmp:
        torch.save(checkpoint(head, cfg, info), tmp)


def load(path, device="cpu", backbone: str | None = None) -> cross_fit.Folds:
    """The student(s) of a method (one per fold where cross-fitted), saved by `save` or
    as a bundle of `checkpoint`s, rebuilt on the architecture of their source and
    output; checked to be of `backbone` when given."""
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    if ckpt.get("kind") not in ("distill", "folds"):
        raise fsrgan_training.IncompatibleCheckpoint(f"{path} is not a distilled student")
    if backbone is not None and ckpt["backbone"] != backbone:
        raise fsrgan_training.IncompatibleCheckpoint(
            f"{path} was distilled for {ckpt['backbone']}, not {backbone}")

    def build(student: dict) -> backbones.DescriptorHead:
        if student.get("kind") != "distill":
            raise fsrgan_training.IncompatibleCheckpoint(f"{path} is not a distilled student")
        skeleton = backbones.build(student["source"], [student["output"]],
                                   student["gem_p"], pretrained=False)
        head = skeleton.head(student["output"])
        head.load_state_dict(student["state"])
        return head.to(device).eval()

    return cross_fit.read(ckpt, build)
