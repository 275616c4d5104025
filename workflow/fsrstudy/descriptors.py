"""Names of the descriptors a feature source gives: the backbone names of every table.

Torch-free, so that the workflow can name its files without loading the ML stack.
"""
from __future__ import annotations

SOURCES = ("offline_vgg16", "torchvision_vgg16")
POOLINGS = ("mac", "gem")
TORCHVISION_OUTPUTS = ("fc7",) + POOLINGS


def descriptor_names(source: str, poolings=POOLINGS) -> list[str]:
    """Backbone names as they appear in the tables: vgg16_fc7, vgg16_conv5_gem, ..."""
    if source not in SOURCES:
        raise ValueError(f"unknown feature source {source!r}; choose one of {SOURCES}")
    allowed = TORCHVISION_OUTPUTS if source == "torchvision_vgg16" else POOLINGS
    unknown = [p for p in poolings if p not in allowed]
    if unknown:
        raise ValueError(f"{source} gives {list(allowed)}, not {unknown} (fc7 needs the "
                         "fully connected weights: torchvision_vgg16)")
    return ["vgg16_fc7" if p == "fc7" else f"vgg16_conv5_{p}" for p in poolings]


def output_of(source: str, backbone: str) -> str:
    """The extractor output (gem, mac, fc7) that gives a backbone name of `source`."""
    outputs = TORCHVISION_OUTPUTS if source == "torchvision_vgg16" else POOLINGS
    names = dict(zip(descriptor_names(source, outputs), outputs))
    if backbone not in names:
        raise ValueError(f"{source} gives no backbone {backbone!r}; it gives {list(names)}")
    return names[backbone]
