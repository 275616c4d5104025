"""Every shipped config validates; a bad value fails naming the key and the value."""
from pathlib import Path

import pytest
import yaml
from fsrstudy import config

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("name", ["config.yaml", "demo_full.yaml", "tiny.yaml", "paper.yaml"])
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


def test_training_code_takes_its_defaults_from_the_schema(monkeypatch):
    from dataclasses import asdict

    from fsrstudy.models import fsrgan_training, isr_training

    # an FSR-GAN trained with no option set is the schema's FSR-GAN
    schema = config.schema_defaults("fsrgan")
    built = asdict(fsrgan_training.FSRGANConfig())
    assert {k: built[k] for k in built.keys() & schema.keys()} == \
        {k: schema[k] for k in built.keys() & schema.keys()}
    assert built["lr"] == 0.0008 and built["epochs"] == 6  # the schema's, read by hand
    # each dataset kind's defaults are the schema's too, and every one is a declared option
    from fsrstudy.data import dataset_kinds

    declared = config.load_schema()["properties"]["datasets"]["items"]["properties"]
    for kind, options in dataset_kinds.KIND_OPTIONS.items():
        assert set(options) | set(dataset_kinds.COMMON) <= set(declared), kind
    eval_images = {kind: dataset_kinds.normalise([{"kind": kind}])[0]["eval_images"]
                   for kind in ("oxford5k", "paris6k", "holidays")}
    assert eval_images == {"oxford5k": 562, "paris6k": 612, "holidays": 500}  # the paper's
    assert dataset_kinds.normalise([{"kind": "demo"}])[0]["bad_images"] == "skip"
    # SRCNN and VDSR schedules differ: each comes from its own schema section
    srcnn, vdsr = (isr_training.ISRConfig.for_method(m) for m in ("srcnn", "vdsr"))
    assert (srcnn.lr, srcnn.optimizer, vdsr.lr, vdsr.optimizer) == (0.001, "adam", 0.1, "sgd")
    assert isr_training.ISRConfig.for_method("vdsr", steps=3).steps == 3
    with pytest.raises(TypeError):  # no schedule without a method
        isr_training.ISRConfig()


def test_demo_full_is_the_default_plus_the_larger_ablations():
    """config/demo_full.yaml is the default before it was trimmed: the same run but
    for its name, the 1/64 factor, a third seed, a second JPEG quality and its ISR models."""
    lean = config.load(ROOT / "config/config.yaml")
    full = config.load(ROOT / "config/demo_full.yaml")
    assert full["degrade"]["factors"] == lean["degrade"]["factors"] + [64] == [4, 9, 16, 64]
    assert full["focal"]["seeds"] == full["seed_spread"]["seeds"] == [0, 1, 2]
    assert lean["focal"]["seeds"] == lean["seed_spread"]["seeds"] == [0, 1]
    assert set(full["lowbitrate"]["lr_qualities"]) > set(lean["lowbitrate"]["lr_qualities"])
    assert (full["run"], full["isr"]["reuse"]) == ("demo_full", "data/models/isr_full")
    differ = {"run", "degrade", "focal", "seed_spread", "lowbitrate", "isr"}
    assert {k: v for k, v in full.items() if k not in differ} == \
        {k: v for k, v in lean.items() if k not in differ}
    assert {k: v for k, v in full["isr"].items() if k != "reuse"} == \
        {k: v for k, v in lean["isr"].items() if k != "reuse"}


def test_a_section_becomes_its_settings_once():
    """The config's fsrgan and distill sections typed at the edge: their training keys
    taken, the workflow's own (device, training_data, enabled) left, overrides last."""
    from fsrstudy.models import distill, fsrgan_training

    section = {"epochs": 3, "lr": 1e-4, "residual": True, "device": "cpu",
               "training_data": ["database"]}
    cfg = fsrgan_training.FSRGANConfig.from_section(section, seed=5, factor_aware=True)
    assert (cfg.epochs, cfg.lr, cfg.residual, cfg.seed, cfg.factor_aware) == (
        3, 1e-4, True, 5, True)
    student = distill.DistillConfig.from_section({"enabled": True, "epochs": 2, "lr": 1e-5,
                                                  "device": "auto"}, seed=1)
    assert (student.epochs, student.lr, student.seed) == (2, 1e-5, 1)
