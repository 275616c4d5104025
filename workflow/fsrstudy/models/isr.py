"""Image super-resolution baselines: SRCNN (Dong et al. 2014) and VDSR (Kim et al. 2016).

Both work on the luminance (Y of YCbCr, ITU-R BT.601 as MATLAB's rgb2ycbcr) of the
bicubic-upscaled low-resolution image and return a restored Y; the colour channels stay
bicubic, as in both papers.
- SRCNN 9-1-5: conv 9x9 (64) - ReLU - conv 1x1 (32) - ReLU - conv 5x5 (1). The paper used
  'valid' convolutions and a smaller target; here zero 'same' padding keeps the size.
- VDSR: 20 conv 3x3 layers, 64 channels, ReLU between, predicting the residual
  (HR - bicubic); one model for every scale; SGD with adjustable gradient clipping
  (each gradient clipped to [-theta/lr, theta/lr]).
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

# MATLAB rgb2ycbcr for inputs in [0, 1], outputs in [0, 255]
_RGB_TO_YCBCR = np.array([[65.481, 128.553, 24.966],
                          [-37.797, -74.203, 112.0],
                          [112.0, -93.786, -18.214]])
_YCBCR_OFFSET = np.array([16.0, 128.0, 128.0])


def rgb_to_ycbcr(rgb_uint8: np.ndarray) -> np.ndarray:
    """(..., 3) uint8 RGB -> (..., 3) float64 YCbCr, Y in [16, 235]."""
    return rgb_uint8.astype(np.float64) / 255.0 @ _RGB_TO_YCBCR.T + _YCBCR_OFFSET


def ycbcr_to_rgb(ycbcr: np.ndarray) -> np.ndarray:
    """Inverse of rgb_to_ycbcr, rounded and clipped to uint8."""
    rgb = (ycbcr - _YCBCR_OFFSET) @ np.linalg.inv(_RGB_TO_YCBCR).T * 255.0
    return np.clip(np.rint(rgb), 0, 255).astype(np.uint8)


class SRCNN(nn.Module):
    def __init__(self, n1: int = 64, n2: int = 32, f1: int = 9, f2: int = 1, f3: int = 5):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, n1, f1, padding=f1 // 2), nn.ReLU(inplace=True),
            nn.Conv2d(n1, n2, f2, padding=f2 // 2), nn.ReLU(inplace=True),
            nn.Conv2d(n2, 1, f3, padding=f3 // 2))

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        return self.body(y)


class VDSR(nn.Module):
    def __init__(self, depth: int = 20, channels: int = 64):
        super().__init__()
        layers = [nn.Conv2d(1, channels, 3, padding=1, bias=False), nn.ReLU(inplace=True)]
        for _ in range(depth - 2):
            layers += [nn.Conv2d(channels, channels, 3, padding=1, bias=False),
                       nn.ReLU(inplace=True)]
        layers.append(nn.Conv2d(channels, 1, 3, padding=1, bias=False))
        self.body = nn.Sequential(*layers)
        for m in self.body:
            if isinstance(m, nn.Conv2d):  # He initialisation, as in the VDSR paper
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")

    def forward(self, y: torch.Tensor) -> torch.Tensor:
        return y + self.body(y)


MODELS = {"srcnn": SRCNN, "vdsr": VDSR}


def receptive_field(model: nn.Module) -> int:
    """Side of the input region one output pixel depends on (stride-1 convolutions)."""
    convs = [m for m in model.modules() if isinstance(m, nn.Conv2d)]
    return 1 + sum(c.kernel_size[0] - 1 for c in convs)


def conv_count(model: nn.Module) -> int:
    return sum(isinstance(m, nn.Conv2d) for m in model.modules())


def psnr(reference: np.ndarray, test: np.ndarray, shave: int = 0,
         data_range: float = 255.0) -> float:
    """PSNR in dB of two images (same scale), borders of `shave` pixels ignored."""
    ref, out = _shave(reference, shave), _shave(test, shave)
    mse = float(np.mean((ref.astype(np.float64) - out.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(data_range ** 2 / mse)


def _gaussian_1d(size: int = 11, sigma: float = 1.5) -> np.ndarray:
    ax = np.arange(size) - (size - 1) / 2
    g = np.exp(-(ax ** 2) / (2 * sigma ** 2))
    return g / g.sum()


def ssim(reference: np.ndarray, test: np.ndarray, shave: int = 0,
         data_range: float = 255.0) -> float:
    """Mean SSIM (Wang et al. 2004: 11x11 Gaussian, sigma 1.5, K1 .01, K2 .03, 'valid')."""
    from scipy.ndimage import correlate1d

    x = _shave(reference, shave).astype(np.float64)
    y = _shave(test, shave).astype(np.float64)
    g = _gaussian_1d()
    r = len(g) // 2
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2

    def filt(a):  # separable 11x11 Gaussian; the crop keeps only 'valid' positions
        return correlate1d(correlate1d(a, g, axis=0), g, axis=1)[r:-r, r:-r]

    mu_x, mu_y = filt(x), filt(y)
    sxx = filt(x * x) - mu_x ** 2
    syy = filt(y * y) - mu_y ** 2
    sxy = filt(x * y) - mu_x * mu_y
    index = ((2 * mu_x * mu_y + c1) * (2 * sxy + c2)) / (
        (mu_x ** 2 + mu_y ** 2 + c1) * (sxx + syy + c2))
    return float(index.mean())


def _shave(image: np.ndarray, border: int) -> np.ndarray:
    return image[border:-border, border:-border] if border else image
