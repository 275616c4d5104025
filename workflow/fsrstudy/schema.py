"""The config's JSON schema (workflow/schemas/config.schema.yaml): the one home of every
default, the per-kind defaults of the datasets included (`x-kind-defaults`, which JSON
schema itself cannot express). A bottom layer, so that `config` and the dataset kinds
it checks read the same file."""
from __future__ import annotations

from pathlib import Path

import yaml

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "config.schema.yaml"


def load_schema(path: Path = SCHEMA_PATH) -> dict:
    with open(path) as f:
        return yaml.safe_load(f)


def schema_defaults(*section: str) -> dict:
    """The defaults the schema gives the keys of one section, e.g. ("isr", "vdsr"): the
    training code's dataclasses take theirs from here, so no default lives twice."""
    node = load_schema()
    for key in section:
        node = node["properties"][key]
    return {k: sub["default"] for k, sub in node["properties"].items() if "default" in sub}


def kind_defaults() -> dict[str, dict]:
    """{kind: {option: default}} of a `datasets:` entry; key 'all': every kind's."""
    return load_schema()["properties"]["datasets"]["items"]["x-kind-defaults"]
