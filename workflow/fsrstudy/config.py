"""Loading and validating the study's configuration against its JSON schema.

The schema (workflow/schemas/config.schema.yaml) is the single source of defaults:
`validate` fills them in, so every stage sees a complete, checked configuration, and
a bad value fails before any job runs with a message naming the key and the value.
"""
from __future__ import annotations

import copy
from pathlib import Path

import jsonschema
import yaml

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "config.schema.yaml"


class ConfigError(ValueError):
    """A configuration value that the schema rejects."""


def load_schema(path: Path = SCHEMA_PATH) -> dict:
    with open(path) as f:
        return yaml.safe_load(f)


def _fill_defaults(instance: dict, schema: dict) -> None:
    for key, sub in schema.get("properties", {}).items():
        if key not in instance and "default" in sub:
            instance[key] = copy.deepcopy(sub["default"])
        if sub.get("type") == "object" and key not in instance and "properties" in sub:
            instance[key] = {}
        if isinstance(instance.get(key), dict) and sub.get("type") == "object":
            _fill_defaults(instance[key], sub)


def _key_path(error: jsonschema.ValidationError) -> str:
    parts = []
    for part in error.absolute_path:
        parts.append(f"[{part}]" if isinstance(part, int) else (f".{part}" if parts else part))
    return "".join(parts) or "(top level)"


def validate(config: dict, schema: dict | None = None) -> dict:
    """Return a copy of `config` with defaults filled in; raise ConfigError if invalid."""
    schema = schema or load_schema()
    config = copy.deepcopy(config)
    _fill_defaults(config, schema)
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"config key '{_key_path(e)}' has bad value {e.instance!r}: {e.message}"
                 for e in errors]
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines))
    return config


def load(path: str | Path) -> dict:
    with open(path) as f:
        return validate(yaml.safe_load(f) or {})
