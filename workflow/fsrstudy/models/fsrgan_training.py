"""Training FSR-GAN on (LR feature, HR feature) pairs of the train split.

Every factor is mixed into one training set, as in the paper: one generator serves all
down-scaling ratios. Each batch: `critic_steps` WGAN critic updates (weights clipped to
[-clip, clip], as in WGAN), then one generator update with the focal loss.

Precision (`precision`, auto as for the features): the forward passes run in bf16
autocast where the hardware runs bf16 fast; the weights, Adam's moments, the losses and
the generator's residual sum stay fp32 (standard mixed precision). Inference (`apply`)
is fp32.
"""
from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from fsrstudy import config
from fsrstudy.models import compute, fsrgan

_DEFAULTS = config.schema_defaults("fsrgan")  # the schema is the only home of defaults


@dataclass
class FSRGANConfig:
    epochs: int = _DEFAULTS["epochs"]
    batch_size: int = _DEFAULTS["batch_size"]
    lr: float = _DEFAULTS["lr"]
    focal_r: float = _DEFAULTS["focal_r"]
    adversarial_weight: float = _DEFAULTS["adversarial_weight"]
    distance_weight: float = _DEFAULTS["distance_weight"]
    keep_prob: float = _DEFAULTS["keep_prob"]
    leaky_slope: float = _DEFAULTS["leaky_slope"]
    residual: bool = _DEFAULTS["residual"]
    critic_steps: int = _DEFAULTS["critic_steps"]
    critic_clip: float = _DEFAULTS["critic_clip"]
    # the forward passes' precision (compute.resolve_precision): on an AMX or a fast
    # AVX-512 bf16 CPU, bf16 autocast trains 1.56x the samples/s (1 thread, AVX-512 EPYC)
    precision: str = _DEFAULTS["precision"]
    # not in the paper: the generator is told each row's factor (method fsrgan_fa)
    factor_aware: bool = False
    seed: int = config.schema_defaults()["seed"]

    @classmethod
    def from_section(cls, section: dict, **overrides) -> "FSRGANConfig":
        """From the config's `fsrgan` section, plus `overrides` (e.g. the seed)."""
        return config.settings_from_section(cls, section, **overrides)



def seed_everything(seed: int) -> None:
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # torch.use_deterministic_algorithms also sets a flag of torch's compiler, importing
    # it first: 1.6 s in every training process, and nothing here compiles. The flag
    # that the kernels read is set directly where this torch has it.
    set_kernel_flag = getattr(torch._C, "_set_deterministic_algorithms", None)
    if set_kernel_flag is None:
        torch.use_deterministic_algorithms(True, warn_only=True)
    else:
        set_kernel_flag(True, warn_only=True)


def make_pairs(lr_by_factor: dict[int, np.ndarray], hr: np.ndarray, rows: np.ndarray):
    """Stack (LR, HR, factor) over every factor for the images at `rows`."""
    lr = np.concatenate([lr_by_factor[f][rows] for f in sorted(lr_by_factor)])
    target = np.concatenate([hr[rows] for _ in lr_by_factor])
    factor = np.concatenate([np.full(len(rows), f) for f in sorted(lr_by_factor)])
    return lr.astype(np.float32), target.astype(np.float32), factor


def train(lr_feats: np.ndarray, hr_feats: np.ndarray, cfg: FSRGANConfig,
          device: torch.device | str = "cpu", log_every: int = 1, factors=None):
    """Train G and D; return (generator, critic, loss log as a DataFrame).

    `factors`: each row's down-scaling factor (make_pairs gives them); needed, and
    told to the generator, when cfg.factor_aware.

    Each step runs G once: its output, detached, is what the critic learns from, and
    the same output (after the critic's update) carries the generator's loss. Without
    an adversarial term (adversarial_weight 0) the critic cannot change G and is not
    trained (its loss is logged as NaN)."""
    if cfg.factor_aware and factors is None:
        raise ValueError("a factor-aware FSR-GAN needs each training row's factor")
    with compute.denormals_flushed():
        return _train(lr_feats, hr_feats, cfg, device, log_every, factors)


def _train(lr_feats, hr_feats, cfg: FSRGANConfig, device, log_every: int, factors):
    device = torch.device(device)
    precision, _ = compute.resolve_precision(cfg.precision, device)
    seed_everything(cfg.seed)
    dim = lr_feats.shape[1]
    gen = fsrgan.Generator(dim, cfg.keep_prob, cfg.leaky_slope, cfg.residual,
                           sorted(set(np.asarray(factors).tolist()))
                           if cfg.factor_aware else None).to(device)
    factor_all = gen.factor_index(factors).to(device) if cfg.factor_aware else None
    critic = fsrgan.Critic(dim, cfg.leaky_slope).to(device)
    # channels_last: the few-channel convolutions train 1.3x faster on a CPU this way
    gen.to(memory_format=torch.channels_last)
    critic.to(memory_format=torch.channels_last)
    # fused: one pass per tensor, no temporaries (4x faster steps on the 512x8192 layer)
    opt_g = torch.optim.Adam(gen.parameters(), lr=cfg.lr, fused=True)
    opt_d = torch.optim.Adam(critic.parameters(), lr=cfg.lr, fused=True)
    x_all = torch.from_numpy(lr_feats).to(device)
    y_all = torch.from_numpy(hr_feats).to(device)
    shuffler = torch.Generator().manual_seed(cfg.seed)
    adversarial = cfg.adversarial_weight > 0

    def forward(model, *inputs):  # autocast's bf16 outputs back to fp32 for the losses
        with compute.autocast(device, precision):
            return model(*inputs).float()

    log, step = [], 0
    for epoch in range(cfg.epochs):
        order = torch.randperm(len(x_all), generator=shuffler).to(device)
        for start in range(0, len(order), cfg.batch_size):
            idx = order[start:start + cfg.batch_size]
            x, y = x_all[idx], y_all[idx]
            gen.train()
            sr = forward(gen, x, factor_all[idx]) if factor_all is not None else \
                forward(gen, x)
            loss_d = torch.tensor(float("nan"))
            for _ in range(cfg.critic_steps if adversarial else 0):
                loss_d = fsrgan.critic_loss(forward(critic, sr.detach()), forward(critic, y))
                opt_d.zero_grad(set_to_none=True)
                loss_d.backward()
                opt_d.step()
                with torch.no_grad():
                    for p in critic.parameters():
                        p.clamp_(-cfg.critic_clip, cfg.critic_clip)
            critic_sr = forward(critic, sr) if adversarial else sr.new_zeros(len(sr))
            loss_g, adv, dist = fsrgan.generator_loss(critic_sr, sr, y, cfg.focal_r,
                                                      cfg.adversarial_weight,
                                                      cfg.distance_weight)
            opt_g.zero_grad(set_to_none=True)
            loss_g.backward()
            opt_g.step()
            if step % log_every == 0:
                log.append({"epoch": epoch, "step": step, "loss_critic": loss_d.item(),
                            "loss_generator": loss_g.item(), "adversarial": adv.item(),
                            "distance": dist.item()})
            step += 1
    # back to the usual layout: a trained model and its reloaded checkpoint then compute
    # with the same kernels, to the bit
    gen.to(memory_format=torch.contiguous_format)
    critic.to(memory_format=torch.contiguous_format)
    return gen.eval(), critic.eval(), pd.DataFrame(log)


@torch.no_grad()
def apply(gen: fsrgan.Generator, feats: np.ndarray, device: torch.device | str = "cpu",
          batch_size: int = 1024, factor: int | None = None) -> np.ndarray:
    """Super-resolve features with a trained generator (eval mode: no dropout); a
    factor-aware generator is told `factor`, the factor of every row."""
    gen = gen.to(device).eval()
    index = gen.factor_index(factor) if gen.factors else None
    out = [gen(torch.from_numpy(feats[i:i + batch_size]).to(device), index).cpu().numpy()
           for i in range(0, len(feats), batch_size)]
    return np.concatenate(out).astype(np.float32)


def checkpoint(gen, critic, cfg: FSRGANConfig, extra: dict) -> dict:
    """What a trained FSR-GAN's checkpoint holds: both networks, the recipe, `extra`."""
    return {"generator": gen.state_dict(), "critic": critic.state_dict(),
            "config": asdict(cfg), "dim": gen.dim, "generator_factors": gen.factors,
            **extra}


def save_checkpoint(path, gen, critic, cfg: FSRGANConfig, extra: dict) -> None:
    from fsrstudy.atomic import atomic_path
    with atomic_path(path) as tmp:
        torch.save(checkpoint(gen, critic, cfg, extra), tmp)


class IncompatibleCheckpoint(ValueError):
    """A checkpoint (e.g. from another run) that does not fit the features at hand."""


def same_training(path, cfg: FSRGANConfig, backbone: str, factors, training_data: str,
                  n_pairs: int) -> bool:
    """Whether the checkpoint at `path` was trained exactly as asked (same config, seed,
    backbone, factors, training data and number of pairs): then it can stand in for a
    new training, which would give the same model."""
    if not Path(path).is_file():
        return False
    ckpt = torch.load(path, map_location="cpu", weights_only=True)
    return (ckpt.get("config") == asdict(cfg) and ckpt.get("backbone") == backbone
            and ckpt.get("factors") == list(factors)
            and ckpt.get("training_data") == training_data
            and ckpt.get("n_pairs") == n_pairs)


def load_generator(path, device="cpu", backbone: str | None = None,
                   dim: int | None = None) -> fsrgan.Generator:
    """The generator of a checkpoint; with `backbone`/`dim`, checked to fit them (a model
    trained in another run must come from the same descriptor)."""
    if not Path(path).is_file():
        raise FileNotFoundError(f"no FSR-GAN checkpoint at {path}")
    ckpt = torch.load(path, map_location=device, weights_only=True)
    if backbone is not None and ckpt.get("backbone") != backbone:
        raise IncompatibleCheckpoint(f"{path} was trained on {ckpt.get('backbone')} "
                                     f"features, not {backbone}")
    if dim is not None and ckpt["dim"] != dim:
        raise IncompatibleCheckpoint(f"{path} maps {ckpt['dim']}-d features; these are "
                                     f"{dim}-d")
    return generator_from(ckpt)


def generator_from(ckpt: dict) -> fsrgan.Generator:
    """The generator of a checkpoint's contents, in eval mode."""
    cfg = ckpt["config"]
    gen = fsrgan.Generator(ckpt["dim"], cfg["keep_prob"], cfg["leaky_slope"],
                           cfg.get("residual", False), ckpt.get("generator_factors"))
    gen.load_state_dict(ckpt["generator"])
    return gen.eval()
