"""Device, precision and convolution engine chosen from the hardware (compute.py)."""
import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from fsrstudy import hardware
from fsrstudy.models import backbones, compute, features, isr, isr_training

CPU = torch.device("cpu")


def test_cpu_kind_from_flags(tmp_path):
    assert hardware.cpu_kind({"avx2", "avx512f", "amx_bf16", "amx_tile"}) == "amx"
    assert hardware.cpu_kind({"avx2", "avx512f", "avx512_bf16"}) == "avx512_bf16"
    assert hardware.cpu_kind({"avx2", "avx512f"}) == "avx512"
    assert hardware.cpu_kind({"sse4_2", "avx2"}) == "avx2"
    assert hardware.cpu_kind({"neon"}) not in ("amx", "avx512", "avx2")
    cpuinfo = tmp_path / "cpuinfo"
    cpuinfo.write_text("processor\t: 0\nflags\t\t: fpu avx2 amx_bf16\n\nprocessor\t: 1\n")
    assert hardware.cpu_flags(cpuinfo) == {"fpu", "avx2", "amx_bf16"}
    assert hardware.cpu_flags(tmp_path / "missing") == set()
    cpuinfo.write_text("processor\t: 0\nmodel name\t: AMD EPYC 9B45\nflags\t\t: fpu\n")
    assert hardware.cpu_model(cpuinfo) == "AMD EPYC 9B45"
    assert hardware.cpu_model(tmp_path / "missing") == "unknown"


def test_auto_precision_is_bf16_only_where_the_hardware_runs_it():
    def never_timed():
        raise AssertionError("timed on a CPU whose flags decide")

    assert compute.resolve_precision("auto", CPU, "amx", never_timed)[0] == "bf16"
    for kind in ("avx512", "avx2", "other"):
        precision, why = compute.resolve_precision("auto", CPU, kind, never_timed)
        assert precision == "fp32" and kind in why
    assert compute.resolve_precision("bf16", CPU, kind="avx2") == ("bf16", "bf16 as configured")
    with pytest.raises(ValueError, match="precision must be one of"):
        compute.resolve_precision("fp16", CPU)


def test_an_avx512_bf16_cpu_takes_bf16_only_where_it_was_measured_clearly_faster():
    # both seen on AVX-512 bf16 CPUs without AMX: 2.0x faster on one, 1.7x slower on another
    for speedup, expected in [(2.0, "bf16"), (1 / 1.7, "fp32"), (1.1, "fp32")]:
        precision, why = compute.resolve_precision(
            "auto", CPU, "avx512_bf16", lambda s=speedup: (s, "where"))
        assert precision == expected and f"{speedup:.2f}x" in why and "where" in why
    assert compute.resolve_precision("fp32", CPU, "avx512_bf16", None) == (
        "fp32", "fp32 as configured")


def test_the_bf16_timing_is_taken_once_per_machine_and_kept(tmp_path, monkeypatch):
    cache = tmp_path / "cache" / "bf16_speedup.json"
    timings = []

    def measure():
        timings.append(1)
        return {"fp32": 80.0, "bf16": 40.0}

    first = compute.measured_bf16_speedup(cache, measure)
    second = compute.measured_bf16_speedup(cache, measure)
    assert len(timings) == 1 and first == second and first[0] == 2.0
    assert "80.0 ms per image in fp32, 40.0 in bf16" in first[1] and str(cache) in first[1]
    # another torch (or CPU, or thread count) is another machine: timed again, both kept
    monkeypatch.setattr(compute, "_machine_key", lambda: "another machine")
    compute.measured_bf16_speedup(cache, measure)
    assert len(timings) == 2 and len(json.loads(cache.read_text())) == 2
    cache.write_text("{not json")  # a broken cache is timed again, not an error
    assert compute.measured_bf16_speedup(cache, measure)[0] == 2.0 and len(timings) == 3
    blocked = tmp_path / "file" / "bf16_speedup.json"  # its folder cannot be made
    (tmp_path / "file").write_text("")
    speedup, why = compute.measured_bf16_speedup(blocked, measure)
    assert speedup == 2.0 and "not kept" in why and "FSRSTUDY_CACHE" in why


def test_the_bf16_timing_times_both_precisions_and_leaves_the_seeded_draws_alone():
    # it may run in the middle of a seeded stage (its first training on a new machine)
    torch.manual_seed(7)
    expected = torch.rand(3)
    torch.manual_seed(7)
    ms = compute.time_vgg16_precisions(images=1, repeats=1)
    assert torch.equal(torch.rand(3), expected)
    assert set(ms) == {"fp32", "bf16"} and min(ms.values()) > 0


def test_plan_refuses_nnpack_where_it_cannot_run():
    with pytest.raises(ValueError, match="nnpack needs fp32"):
        compute.plan("cpu", "bf16", "nnpack")
    with pytest.raises(ValueError, match="engine must be"):
        compute.plan("cpu", "fp32", "winograd")
    plan = compute.plan("cpu", "fp32", "default")
    assert (plan.device, plan.precision, plan.engine) == ("cpu", "fp32", "default")


needs_nnpack = pytest.mark.skipif(not compute.nnpack_usable(), reason="torch without NNPACK")


@needs_nnpack
def test_auto_engine_follows_the_cpu_kind_and_never_a_timing(monkeypatch):
    # a timing flips with the load, and the engines round differently: two runs of one
    # config on one machine differed in the 5th digit when the engine was timed per job
    def no_timing(*args, **kwargs):
        raise AssertionError("the engine was chosen by a timing")

    monkeypatch.setattr(compute, "nnpack_speedup", no_timing)
    chosen = {}
    for kind in ["avx2", "avx512", "avx512_bf16", "amx", "aarch64"]:
        monkeypatch.setattr(compute, "cpu_kind", lambda kind=kind: kind)
        plan = compute.plan("cpu", "fp32", "auto")
        chosen[kind] = plan.engine
        assert plan.cpu_kind == kind and "engine " + plan.engine in plan.why
    assert chosen == {"avx2": "nnpack", "avx512": "default", "avx512_bf16": "default",
                      "amx": "default",
                      "aarch64": "default"}
    # bf16 (AMX) never goes through NNPACK
    monkeypatch.setattr(compute, "cpu_kind", lambda: "amx")
    assert compute.plan("cpu", "auto", "auto").engine == "default"


@needs_nnpack
@pytest.mark.parametrize("bias", [True, False])
def test_nnpack_convolution_equals_torch(bias):
    torch.manual_seed(0)
    conv = torch.nn.Conv2d(16, 32, 3, padding=1, bias=bias)
    x = torch.randn(3, 16, 20, 20)
    with torch.inference_mode():
        expected = F.conv2d(x, conv.weight, conv.bias, padding=1)
        got = compute.NNPACKConv2d(conv)(x)
    assert got.shape == expected.shape
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)


def test_only_3x3_stride_1_convolutions_are_swapped():
    vgg = compute.use_nnpack(backbones.build("offline_vgg16", pretrained=False))
    vdsr = compute.use_nnpack(isr.VDSR())
    srcnn = compute.use_nnpack(isr.SRCNN())  # 9x9, 1x1, 5x5: none

    def count(model):
        return sum(isinstance(m, compute.NNPACKConv2d) for m in model.modules())

    assert (count(vgg), count(vdsr), count(srcnn)) == (13, 20, 0)


@needs_nnpack
def test_nnpack_plan_gives_the_same_descriptors_and_restorations():
    rng = np.random.default_rng(0)
    stack = rng.integers(0, 256, (4, 48, 48, 3), dtype=np.uint8)
    nnpack = compute.Plan("cpu", "fp32", "nnpack", "test", "test")
    default = compute.Plan("cpu", "fp32", "default", "test", "test")
    torch.manual_seed(0)
    model = backbones.build("offline_vgg16", pretrained=False)
    a = features.extract(model, stack, 2, default)
    b = features.extract(model, stack, 2, nnpack)  # the same weights, swapped in place
    for name in a:
        np.testing.assert_allclose(a[name], b[name], rtol=1e-4, atol=1e-5)
    torch.manual_seed(1)
    vdsr = isr.VDSR()
    restored = isr_training.restore(vdsr, stack, default)
    restored_nnpack = isr_training.restore(vdsr, stack, nnpack)
    assert np.abs(restored.astype(int) - restored_nnpack).max() <= 1


def test_auto_batch_size_is_small_on_a_cpu_large_on_a_gpu_and_shards_align_alike():
    assert compute.batch_size("auto", "cpu") == compute.CPU_BATCH == 2
    assert compute.batch_size("auto", "cuda:0") == compute.GPU_BATCH == 128
    assert compute.batch_size(7, "cuda") == 7
    for bad in (0, -1, "big", 2.5, True):
        with pytest.raises(ValueError, match="batch_size"):
            compute.batch_size(bad, "cpu")
    # shard boundaries may not depend on the node's device: a multiple of either size
    align = compute.batch_alignment("auto")
    assert align % compute.CPU_BATCH == 0 and align % compute.GPU_BATCH == 0
    assert compute.batch_alignment(16) == 16


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_descriptors_do_not_depend_on_the_batch_size(precision):
    """What makes `batch_size: auto` a free choice: an image's descriptor does not depend
    on the images it is batched with, beyond rounding (at 224 px on the AVX-512 EPYC it
    was the same bytes at batch 1, 2, 4 and 16; at this test's 64 px oneDNN may pick
    another kernel for another batch size, in fp32 there 1e-7 apart)."""
    rng = np.random.default_rng(0)
    stack = rng.integers(0, 256, (6, 64, 64, 3), dtype=np.uint8)
    plan = compute.Plan("cpu", precision, "default", "test", "test")
    torch.manual_seed(0)
    model = backbones.build("offline_vgg16", ("gem", "mac"), pretrained=False)
    one = features.extract(model, stack, 1, plan)
    for size in (2, 4, 6):
        other = features.extract(model, stack, size, plan)
        for name in one:
            np.testing.assert_allclose(one[name], other[name], rtol=0, atol=1e-6 if
                                       precision == "fp32" else 0, err_msg=f"{name} {size}")
