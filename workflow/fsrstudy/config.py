"""Loading and validating the study's configuration against its JSON schema.

The schema (workflow/schemas/config.schema.yaml) is the single source of defaults:
`validate` fills them in, so every stage sees a complete, checked configuration, and
a bad value fails before any job runs with a message naming the key and the value.
"""
from __future__ import annotations

import copy
import dataclasses
import sys
from pathlib import Path

import jsonschema
import yaml

from fsrstudy import descriptors
from fsrstudy.data import dataset_kinds, fetch
from fsrstudy.schema import SCHEMA_PATH, load_schema, schema_defaults  # noqa: F401


class ConfigError(ValueError):
    """A configuration value that the schema rejects."""


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


def _reason(error) -> str:
    """jsonschema's message; for a value that fits none of several forms, which forms
    (its "not valid under any of the given schemas" names none)."""
    if error.validator in ("oneOf", "anyOf") and "description" in error.schema:
        return f"{error.message}; expected {' '.join(error.schema['description'].split())}"
    return error.message


def validate(config: dict, schema: dict | None = None) -> dict:
    """Return a copy of `config` with defaults filled in; raise ConfigError if invalid."""
    schema = schema or load_schema()
    config = copy.deepcopy(config)
    _fill_defaults(config, schema)
    config["downloads"] = expand_download_templates(config.get("downloads") or {})
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(config), key=lambda e: list(e.absolute_path))
    if errors:
        lines = [f"config key '{_key_path(e)}' has bad value {e.instance!r}: {_reason(e)}"
                 for e in errors]
        raise ConfigError("invalid configuration:\n  " + "\n  ".join(lines))
    try:
        config["datasets"] = dataset_kinds.normalise(config["datasets"])
        descriptors.descriptor_names(config["features"]["source"], config["features"]["poolings"])
    except (dataset_kinds.DatasetConfigError, ValueError) as error:
        raise ConfigError(f"invalid configuration:\n  {error}") from None
    if (config["retrieval"]["distractors"] == "revisitop1m"
            and not config["distractors"]["revisitop1m"]):
        raise ConfigError("invalid configuration:\n  retrieval.distractors is revisitop1m "
                          "but distractors.revisitop1m (fetching them) is false")
    needed = [n for names in dataset_kinds.needed_downloads(config["datasets"]).values()
              for n in names] + distractor_downloads(config)
    missing = fetch.missing_downloads(config["downloads"], needed)
    if missing:
        raise ConfigError("invalid configuration:\n  no URL for " + ", ".join(missing)
                          + ": add them under 'downloads:' (config/paper.yaml has the "
                          "known mirrors)")
    return config


TEMPLATE = "{i}"


def expand_download_templates(downloads: dict, count: int = fetch.REVISITOP1M_ARCHIVES) -> dict:
    """A key holding '{i}' (revisitop1m.{i}.tar.gz) stands for i = 1..count, in its name
    and URLs; its sha256 must then be null (each archive has its own)."""
    out = {}
    for name, spec in downloads.items():
        if TEMPLATE not in name:
            out[name] = spec
            continue
        if isinstance(spec, dict) and spec.get("sha256"):
            raise ConfigError(f"downloads.{name}: a template cannot pin one sha256; list "
                              "the archives one by one to pin theirs")
        for i in range(1, count + 1):
            urls = spec.get("urls", []) if isinstance(spec, dict) else spec
            out.setdefault(name.replace(TEMPLATE, str(i)),
                           {"urls": [u.replace(TEMPLATE, str(i)) for u in urls],
                            "sha256": None})
    return out


def distractor_shards(config: dict) -> int:
    """How many jobs extract the revisitop1m distractors' features."""
    shards = config["distractors"]["shards"]
    return shards or -(-config["distractors"]["revisitop1m_archives"] // 10)


def distractor_source(config: dict) -> str:
    """Large-scale retrieval's distractors: train_only, revisitop1m or none."""
    source = config["retrieval"]["distractors"]
    if source == "auto":
        return "revisitop1m" if config["distractors"]["revisitop1m"] else "train_only"
    return source


def distractor_downloads(config: dict) -> list[str]:
    options = config["distractors"]
    if not options["revisitop1m"]:
        return []
    return fetch.downloads_of("revisitop1m", options["revisitop1m_archives"])


def load(path: str | Path) -> dict:
    with open(path) as f:
        return validate(yaml.safe_load(f) or {})


def write(config: dict, path) -> None:
    """The validated configuration of a run, beside its tables (which split, which
    weights, which seed made them)."""
    from fsrstudy.atomic import save_text
    save_text(path, yaml.safe_dump(config, sort_keys=False))


if __name__ == "__main__":  # python -m fsrstudy.config CONFIG_JSON OUT_YAML
    import json
    import sys
    write(json.loads(sys.argv[1]), sys.argv[2])


def extractor_options(features: dict) -> dict:
    """The config's `features` section as the extraction code takes it (source,
    poolings, gem_p, batch_size, device, precision, engine): `shards`, how many jobs,
    is the workflow's."""
    return {k: v for k, v in features.items() if k != "shards"}


def settings_from_section(settings_class, section: dict, **overrides):
    """A dataclass of settings from a config section: the section's keys that are its
    fields (the rest, e.g. `device` or `training_data`, are the workflow's), then
    `overrides`."""
    names = {f.name for f in dataclasses.fields(settings_class)}
    return settings_class(**{**{k: v for k, v in section.items() if k in names}, **overrides})
