"""Work split into shard jobs (a cluster runs them side by side) and gathered: the same
files as one job, bit for bit. The distractors' shards: tests/test_large_scale.py."""
import numpy as np
import pytest
from fsrstudy import run_files
from fsrstudy.stages import features as feature_stage


@pytest.mark.parametrize("n, shards, align", [(6, 3, 2), (10, 3, 4), (1000, 7, 16), (5, 1, 8)])
def test_shards_cover_every_row_once_cut_at_batch_boundaries(n, shards, align):
    from fsrstudy import run_files

    parts = [run_files.shard_slice(n, k, shards, align) for k in range(shards)]
    assert [i for p in parts for i in range(n)[p]] == list(range(n))
    assert all(p.start % align == 0 for p in parts)
    with pytest.raises(ValueError, match="shard 3 is not one of 0..2"):
        run_files.shard_slice(n, 3, 3)


def _images(folder, n=10, size=32, factors=(4,)):
    rng = np.random.default_rng(0)
    folder.mkdir()
    hr = rng.integers(0, 256, (n, size, size, 3), dtype=np.uint8)
    for f in (1, *factors):
        np.save(folder / f"f{f}.npy", hr // f if f > 1 else hr)
    run_files.write_ids(folder / "ids.txt", [f"img{i}" for i in range(n)])
    return folder


OPTIONS = dict(factors=[4], source="offline_vgg16", poolings=["gem", "mac"], gem_p=3.0,
               batch_size=3, device="cpu", precision="fp32", engine="default",
               pretrained=True)  # the offline ImageNet weights: the same in every job


def test_sharded_dataset_features_equal_one_job(tmp_path):
    images = _images(tmp_path / "images")
    one = feature_stage.extract_features(images, tmp_path / "one", **OPTIONS)
    dirs = [tmp_path / "shards" / str(k) for k in range(3)]
    sizes = [feature_stage.extract_features(images, d, **OPTIONS, shard=k, shards=3)["n_images"]
             for k, d in enumerate(dirs)]
    assert sizes == [3, 3, 4]  # cut at multiples of the batch size, 3
    meta = feature_stage.gather_features(dirs, tmp_path / "gathered", images)
    assert meta["n_images"] == one["n_images"] == 10 and meta["shards"] == 3
    for backbone in one["backbones"]:
        for method, f in [("hr", 1), ("lr", 4)]:
            np.testing.assert_array_equal(
                np.load(run_files.feature_path(tmp_path / "gathered", backbone, method, f)),
                np.load(run_files.feature_path(tmp_path / "one", backbone, method, f)))
    assert (tmp_path / "gathered/ids.txt").read_text() == (tmp_path / "one/ids.txt").read_text()


def test_gather_refuses_shards_out_of_order_or_missing(tmp_path):
    images = _images(tmp_path / "images", n=6)
    dirs = [tmp_path / str(k) for k in range(2)]
    for k, d in enumerate(dirs):
        feature_stage.extract_features(images, d, **OPTIONS, shard=k, shards=2)
    with pytest.raises(ValueError, match="not the 6 images"):
        feature_stage.gather_features(dirs[::-1], tmp_path / "out", images)
    with pytest.raises(ValueError, match="not the 6 images"):
        feature_stage.gather_features(dirs[:1], tmp_path / "out", images)
    with pytest.raises(ValueError, match="shard 1 of 3 is empty"):  # 6 rows: 2 batches
        feature_stage.extract_features(images, tmp_path / "x", **OPTIONS, shard=1, shards=3)
