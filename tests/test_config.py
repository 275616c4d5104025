"""Every shipped config validates; a bad value fails naming the key and the value."""
from pathlib import Path

import pytest
import yaml
from fsrstudy import config

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["config.yaml", "tiny.yaml"])
def test_shipped_configs_validate(name):
    cfg = config.load(ROOT / "config" / name)
    assert cfg["fsrgan"]["lr"] > 0 and cfg["degrade"]["factors"]


def test_defaults_are_filled_in():
    cfg = config.validate({})
    assert cfg["run"] == "demo"
    assert cfg["degrade"] == {"input_size": 224, "factors": [4, 9, 16, 64]}
    assert cfg["fsrgan"]["focal_r"] == 2 and cfg["fsrgan"]["lr"] == 0.0008


def test_bad_value_names_key_and_value():
    with pytest.raises(config.ConfigError) as error:
        config.validate({"degrade": {"factors": [4, -9]}})
    message = str(error.value)
    assert "degrade.factors[1]" in message and "-9" in message


def test_unknown_key_is_rejected():
    with pytest.raises(config.ConfigError, match="fsrgan"):
        config.validate({"fsrgan": {"learning_rate": 0.1}})


def test_bad_choice_is_rejected():
    with pytest.raises(config.ConfigError, match="'sometimes'"):
        config.validate(yaml.safe_load("datasets: [{kind: demo, bad_images: sometimes}]"))
