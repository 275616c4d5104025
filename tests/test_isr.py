"""SRCNN and VDSR as in their papers; PSNR/SSIM by hand; training lowers the loss."""
import numpy as np
import pytest
import torch
from fsrstudy.models import isr, isr_training


def test_srcnn_is_9_1_5_with_64_32_filters():
    model = isr.SRCNN()
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    assert [c.kernel_size[0] for c in convs] == [9, 1, 5]
    assert [c.out_channels for c in convs] == [64, 32, 1]
    assert isr.receptive_field(model) == 13
    assert model(torch.zeros(2, 1, 33, 33)).shape == (2, 1, 33, 33)


def test_vdsr_has_20_layers_and_predicts_a_residual():
    model = isr.VDSR()
    assert isr.conv_count(model) == 20
    assert isr.receptive_field(model) == 41  # 2 * 20 + 1, as in the VDSR paper
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    assert {c.out_channels for c in convs[:-1]} == {64} and convs[-1].out_channels == 1
    with torch.no_grad():
        convs[-1].weight.zero_()
    x = torch.rand(1, 1, 24, 24)
    assert torch.equal(model(x), x)


def test_psnr_by_hand():
    a = np.full((10, 10), 100.0)
    assert isr.psnr(a, a + 5) == pytest.approx(10 * np.log10(255 ** 2 / 25))
    b = a.copy()
    b[0, :] = 0  # only the border differs
    assert isr.psnr(a, b, shave=1) == float("inf")


def test_ssim_properties():
    rng = np.random.default_rng(0)
    a = rng.uniform(0, 255, (32, 32))
    assert isr.ssim(a, a) == pytest.approx(1.0)
    noisy = np.clip(a + rng.normal(0, 20, a.shape), 0, 255)
    noisier = np.clip(a + rng.normal(0, 60, a.shape), 0, 255)
    assert 0 < isr.ssim(a, noisier) < isr.ssim(a, noisy) < 1


def test_ycbcr_round_trip_and_matlab_values():
    white = np.array([[255, 255, 255]], np.uint8)
    assert isr.rgb_to_ycbcr(white)[0] == pytest.approx([235.0, 128.0, 128.0], abs=1e-3)
    rgb = np.random.default_rng(1).integers(0, 256, (20, 20, 3), dtype=np.uint8)
    assert np.abs(isr.ycbcr_to_rgb(isr.rgb_to_ycbcr(rgb)).astype(int) - rgb).max() <= 1


@pytest.mark.parametrize("name, cfg", [
    ("srcnn", isr_training.ISRConfig.for_method("srcnn", steps=40, batch_size=16, patch=17)),
    ("vdsr", isr_training.ISRConfig.for_method("vdsr", steps=40, batch_size=16, patch=17,
                                               lr=0.01)),
])
def test_short_training_lowers_the_loss(name, cfg):
    rng = np.random.default_rng(0)
    hr = rng.uniform(0.2, 0.8, (6, 24, 24)).astype(np.float32)
    # a blurred copy as the 'low-resolution' input
    lr = (hr + np.roll(hr, 1, 1) + np.roll(hr, 1, 2) + np.roll(hr, (1, 1), (1, 2))) / 4
    model, log = isr_training.train(name, [(lr, hr)], cfg)
    assert log["loss"].iloc[-5:].mean() < 0.7 * log["loss"].iloc[:5].mean()


@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_training_depends_on_the_seed_alone(precision):
    rng = np.random.default_rng(0)
    hr = rng.uniform(0.2, 0.8, (4, 24, 24)).astype(np.float32)
    lr = (hr + np.roll(hr, 1, 1)) / 2
    cfg = isr_training.ISRConfig.for_method("srcnn", steps=5, batch_size=4, patch=17)
    _, first = isr_training.train("srcnn", [(lr, hr)], cfg, precision=precision)
    torch.rand(100)  # whatever ran before must not matter
    _, second = isr_training.train("srcnn", [(lr, hr)], cfg, precision=precision)
    np.testing.assert_array_equal(first["loss"], second["loss"])


def test_restore_keeps_shape_and_colour():
    rgb = np.random.default_rng(2).integers(0, 256, (2, 16, 16, 3), dtype=np.uint8)
    model = isr.VDSR()
    with torch.no_grad():
        [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)][-1].weight.zero_()
    out = isr_training.restore(model, rgb)  # identity model: same image back
    assert out.shape == rgb.shape and np.abs(out.astype(int) - rgb).max() <= 1


def test_ssim_matches_a_direct_valid_convolution():
    from scipy.signal import convolve2d

    rng = np.random.default_rng(3)
    a, b = rng.uniform(0, 255, (2, 30, 30))
    g = isr._gaussian_1d()
    w = np.outer(g, g)

    def f(x):
        return convolve2d(x, w, mode="valid")

    c1, c2 = 6.5025, 58.5225
    mx, my = f(a), f(b)
    sxx, syy, sxy = f(a * a) - mx ** 2, f(b * b) - my ** 2, f(a * b) - mx * my
    expected = (((2 * mx * my + c1) * (2 * sxy + c2))
                / ((mx ** 2 + my ** 2 + c1) * (sxx + syy + c2))).mean()
    assert isr.ssim(a, b) == pytest.approx(expected, rel=1e-9)


def test_isr_models_are_reused_only_for_the_same_recipe_and_pixels(tmp_path):
    from fsrstudy.stages import isr as isr_stage

    rng = np.random.default_rng(4)
    images = tmp_path / "images"
    images.mkdir()
    hr = rng.integers(0, 256, (6, 24, 24, 3), dtype=np.uint8)
    np.save(images / "f1.npy", hr)
    np.save(images / "f4.npy", ((hr.astype(int) + np.roll(hr, 1, 1)) // 2).astype(np.uint8))
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("image_id,view_params,train\n" + "".join(
        f"i{i},,{int(i < 4)}\n" for i in range(6)))
    methods = {"srcnn": {"steps": 3, "batch_size": 4, "patch": 13}}

    def train(models, reuse=None, retrain=False, options=methods):
        cost = isr_stage.train_isr(manifest, images, tmp_path / models,
                                  tmp_path / f"{models}_loss.csv",
                                  tmp_path / f"{models}_cost.csv", factors=[4],
                                  methods=options, precision="fp32",
                                  reuse_dir=reuse and tmp_path / reuse, retrain=retrain)
        return cost["how"].iloc[0]

    assert train("a").startswith("trained")
    assert train("b", reuse="a").startswith("reused")
    assert (tmp_path / "b/srcnn_f4.pt").read_bytes() == (tmp_path / "a/srcnn_f4.pt").read_bytes()
    assert (tmp_path / "b_loss.csv").read_text() == (tmp_path / "a_loss.csv").read_text()
    assert train("c", reuse="a", retrain=True) == "trained: retrain requested"
    longer = {"srcnn": {**methods["srcnn"], "steps": 4}}
    assert "another config" in train("d", reuse="a", options=longer)
    hr[1, 0, 0] ^= 1  # one training pixel differs: other data, another model
    np.save(images / "f1.npy", hr)
    assert "another data_sha256" in train("e", reuse="a")
    hr[1, 0, 0] ^= 1
    hr[5, 0, 0] ^= 1  # a held-out pixel: not training data, the model stands
    np.save(images / "f1.npy", hr)
    assert train("f", reuse="a").startswith("reused")
