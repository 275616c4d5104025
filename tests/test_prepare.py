"""The embedded set becomes a leakage-free manifest; bad images are named, not fatal."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from fsrstudy import demo_set, images, manifest, views

ROOT = Path(__file__).resolve().parents[1]


def test_embedded_set_is_documented_and_intact():
    photos = pd.read_csv(ROOT / "data/demo/photos.csv")
    assert len(photos) >= 100 and photos["photo_id"].is_unique
    assert photos["licence"].str.len().gt(0).all()
    assert photos["source_package"].str.len().gt(0).all()
    # at least a few groups hold several real photos of one scene
    assert (photos.groupby("group").size() > 1).sum() >= 8


def test_manifest_splits_are_disjoint_by_group_and_deterministic():
    a, bad = demo_set.prepare(ROOT / "data/demo/photos.csv", 0, 3, 2, 0.4)
    b, _ = demo_set.prepare(ROOT / "data/demo/photos.csv", 0, 3, 2, 0.4)
    pd.testing.assert_frame_equal(a, b)
    assert len(bad) == 0
    train = set(a.loc[a.split == "train", "group"])
    assert train and not train & set(a.loc[a.split != "train", "group"])
    assert (a.loc[a.split == "query", "view"] == 0).all()
    # multi-photo groups are evaluation groups
    sizes = a.groupby("group")["photo_id"].nunique()
    assert set(sizes[sizes > 1].index) <= set(a.loc[a.split != "train", "group"])


def test_leakage_is_refused():
    frame = pd.DataFrame({"image_id": ["a", "b"], "dataset": "d", "photo_id": ["p", "q"],
                          "group": ["g", "g"], "file": ["x", "y"], "view": [0, 0],
                          "view_params": ["", ""], "split": ["train", "query"],
                          "train": [1, 0]})
    with pytest.raises(manifest.ManifestError, match="both train and evaluation"):
        manifest.check(frame)
    manifest.check(frame, group_disjoint=False)  # the paper's splits share landmarks
    # ...but a query's own photo never trains, whatever the split
    frame.loc[0, "photo_id"] = "q"
    with pytest.raises(manifest.ManifestError, match="query photos used for training"):
        manifest.check(frame, group_disjoint=False)


def _photo_set(tmp_path):
    rows = []
    for i in range(8):
        path = tmp_path / f"p{i}.jpg"
        Image.fromarray(np.full((40, 60, 3), 30 * i, np.uint8)).save(path)
        rows.append({"photo_id": f"p{i}", "group": f"g{i}", "file": path.name,
                     "licence": "CC0", "source_package": "test", "sha256": "-"})
    (tmp_path / "p6.jpg").write_bytes(b"")                      # zero bytes
    (tmp_path / "p7.jpg").write_bytes(b"not a jpeg at all")     # undecodable
    pd.DataFrame(rows).to_csv(tmp_path / "photos.csv", index=False)
    return tmp_path / "photos.csv"


def test_bad_images_are_skipped_and_listed(tmp_path):
    table, bad = demo_set.prepare(_photo_set(tmp_path), 0, 2, 2, 0.5, bad_images="skip")
    assert sorted(Path(f).name for f in bad["file"]) == ["p6.jpg", "p7.jpg"]
    assert "zero bytes" in bad["reason"].iloc[0] or "zero bytes" in bad["reason"].iloc[1]
    assert not table["photo_id"].isin(["p6", "p7"]).any()


def test_bad_images_fail_when_asked(tmp_path):
    with pytest.raises(images.BadImage) as error:
        demo_set.prepare(_photo_set(tmp_path), 0, 2, 2, 0.5, bad_images="fail")
    assert "p6.jpg" in str(error.value) and "p7.jpg" in str(error.value)


def test_views_are_seeded_per_photo():
    assert views.draw_views(1, "x", 3) == views.draw_views(1, "x", 3)
    assert views.draw_views(1, "x", 3) != views.draw_views(2, "x", 3)
    assert views.draw_views(1, "x", 3)[0] is None
    image = Image.fromarray(np.random.default_rng(0).integers(0, 255, (80, 100, 3), np.uint8))
    params = views.draw_views(1, "x", 2)[1]
    a, b = views.render_view(image, params), views.render_view(image, params)
    np.testing.assert_array_equal(np.asarray(a), np.asarray(b))
