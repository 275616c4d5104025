"""FSR-GAN (Tan et al., CVPR 2018): generator and WGAN critic on deep features.

Both networks see a feature as a 64 x 64 x 1 "image" (4096 values). For a feature size
other than 4096 (e.g. 512-d conv5 descriptors), a learned linear layer lifts it to 4096
first, and the generator's last layer outputs that size. Leaky ReLU everywhere.

Residual (an option, not in the paper): the generator predicts F_SR - F_LR, its output
layer initialised to zero so that training starts from F_SR = F_LR. On a small training
set the paper's generator, which must rebuild the whole feature, does not generalise to
unseen scenes; the residual form only has to learn the correction.

Factor-aware (an option, not in the paper, which mixes every factor into one generator
that is never told the factor): the generator is given the query's down-scaling factor,
as a learned 64 x 64 plane per factor added to its input plane (zero at the start, so
training starts from the unconditioned generator). The server knows the factor: it
received the small image.

Dropout: the paper says "dropout 70%". It was written in TensorFlow, whose dropout
took the KEEP probability, and dropping 70% of the only input to the output layer of a
regressor is drastic, so the default is keep_prob = 0.7 (drop 0.3). It is a parameter.
"""
from __future__ import annotations

import torch
from torch import nn

SIDE = 64
PLANE = SIDE * SIDE  # 4096

# (in, out, kernel, stride) as in the paper's tables
GENERATOR_CONVS = [(1, 4, 8, 1), (4, 8, 5, 2), (8, 16, 5, 1), (16, 32, 5, 2),
                   (32, 64, 5, 1), (64, 128, 5, 2)]
CRITIC_CONVS = [(1, 8, 5, 2), (8, 16, 5, 2), (16, 32, 3, 2), (32, 64, 3, 1)]


def _conv(c_in: int, c_out: int, kernel: int, stride: int) -> nn.Conv2d:
    # "same" padding: stride 1 keeps the size (even kernels pad one more on one side,
    # as TensorFlow does); stride 2 halves it.
    padding = "same" if stride == 1 else (kernel - 1) // 2
    return nn.Conv2d(c_in, c_out, kernel, stride, padding)


def _lift(dim: int) -> nn.Module:
    return nn.Identity() if dim == PLANE else nn.Linear(dim, PLANE)


class Generator(nn.Module):
    def __init__(self, dim: int = PLANE, keep_prob: float = 0.7, slope: float = 0.2,
                 residual: bool = False, factors=None):
        super().__init__()
        if not 0 < keep_prob <= 1:
            raise ValueError(f"keep_prob must be in (0, 1] (got {keep_prob})")
        self.dim = dim
        self.residual = residual
        self.lift = _lift(dim)
        # factor-aware: one learned input plane per factor, in this order
        self.factors = [int(f) for f in factors] if factors else []
        if self.factors:
            self.factor_planes = nn.Parameter(torch.zeros(len(self.factors), PLANE))
        layers = []
        for c_in, c_out, kernel, stride in GENERATOR_CONVS:
            layers += [_conv(c_in, c_out, kernel, stride), nn.LeakyReLU(slope)]
        self.convs = nn.Sequential(*layers)
        self.dropout = nn.Dropout(1 - keep_prob)
        self.out = nn.Linear(8 * 8 * 128, dim)
        if residual:
            nn.init.zeros_(self.out.weight)
            nn.init.zeros_(self.out.bias)

    def factor_index(self, factor) -> torch.Tensor:
        """Per-row positions in self.factors of an int or an array of factors."""
        factor = torch.as_tensor(factor).reshape(-1)
        index = {f: i for i, f in enumerate(self.factors)}
        unknown = sorted({int(f) for f in factor.tolist()} - set(index))
        if unknown:
            raise KeyError(f"this generator was trained for factors {self.factors}, "
                           f"not {unknown}")
        return torch.tensor([index[int(f)] for f in factor.tolist()])

    def forward(self, f_lr: torch.Tensor, factor_index: torch.Tensor | None = None):
        """`factor_index` (factor-aware generators only): each row's position in
        self.factors, as factor_index() gives it."""
        x = self.lift(f_lr)
        if self.factors:
            if factor_index is None:
                raise ValueError("a factor-aware generator needs each row's factor")
            x = x + self.factor_planes[factor_index.to(x.device).expand(len(x))]
        x = self.convs(x.view(-1, 1, SIDE, SIDE)).flatten(1)
        out = self.out(self.dropout(x))
        return f_lr + out if self.residual else out


class Critic(nn.Module):
    """WGAN critic: an unbounded score, higher for features it deems high-resolution."""

    def __init__(self, dim: int = PLANE, slope: float = 0.2):
        super().__init__()
        self.lift = _lift(dim)
        layers = []
        for c_in, c_out, kernel, stride in CRITIC_CONVS:
            layers += [_conv(c_in, c_out, kernel, stride), nn.LeakyReLU(slope)]
        self.convs = nn.Sequential(*layers)
        self.out = nn.Linear(8 * 8 * 64, 1)

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        x = self.lift(f).view(-1, 1, SIDE, SIDE)
        return self.out(self.convs(x).flatten(1)).squeeze(1)


def focal_distance(f_sr: torch.Tensor, f_hr: torch.Tensor, r: float) -> torch.Tensor:
    """(1/m) sum_i ||F_SR_i - F_HR_i||_2^r: the paper's focal distance term."""
    return torch.linalg.vector_norm(f_sr - f_hr, dim=1).pow(r).mean()


def generator_loss(critic_sr: torch.Tensor, f_sr: torch.Tensor, f_hr: torch.Tensor,
                   r: float, adversarial_weight: float = 1.0, distance_weight: float = 1.0):
    """L(G) = -E[D(F_SR)] + focal distance, each term weighted (the paper: 1 and 1;
    0 switches a term off for the ablation). Returns (total, adversarial, distance)."""
    adversarial = -critic_sr.mean()
    distance = focal_distance(f_sr, f_hr, r)
    total = adversarial_weight * adversarial + distance_weight * distance
    return total, adversarial, distance


def critic_loss(critic_sr: torch.Tensor, critic_hr: torch.Tensor) -> torch.Tensor:
    """L(D) = E[D(F_SR)] - E[D(F_HR)] (WGAN)."""
    return critic_sr.mean() - critic_hr.mean()
