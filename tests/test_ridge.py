"""Ridge, the closed-form LR -> HR feature map: hand-checked values, exact recovery of a
known linear map, regularisation chosen on whole held-out groups, checkpoints."""
import numpy as np
import pandas as pd
import pytest
import torch
from fsrstudy import fsr_names
from fsrstudy.models import feature_sr, fsrgan_training, ridge


def test_one_dimensional_map_by_hand():
    # x = 1, 2, 3 -> y = 2, 4, 6. Centred x = -1, 0, 1, centred correction y - x = -1, 0,
    # 1: X'X = 2 (its mean eigenvalue), X'(Y - X) = 2; relative alpha 1 -> alpha = 2,
    # correction slope 2 / (2 + 2) = 0.5, so W = 1 + 0.5 = 1.5.
    weight, x_mean, y_mean = ridge.fit_factor(np.array([[1.], [2.], [3.]]),
                                              np.array([[2.], [4.], [6.]]), 1.0)
    assert weight[0, 0] == pytest.approx(1.5)
    assert (x_mean[0], y_mean[0]) == (2.0, 4.0)
    model = ridge.LinearMap({4: weight}, {4: x_mean}, {4: y_mean})
    assert model.apply(np.array([[3.0]]), 4)[0, 0] == pytest.approx(5.5)  # (3-2)*1.5 + 4
    # without regularisation the exact slope 2 comes back; with a huge one, the identity
    x, y = np.array([[1.], [2.], [3.]]), np.array([[2.], [4.], [6.]])
    assert ridge.fit_factor(x, y, 1e-12)[0][0, 0] == pytest.approx(2.0)
    assert ridge.fit_factor(x, y, 1e12)[0][0, 0] == pytest.approx(1.0)


def test_a_known_linear_map_is_recovered_exactly():
    rng = np.random.default_rng(0)
    n, d = 300, 24
    truth = {4: rng.normal(size=(d, d)), 16: rng.normal(size=(d, d))}
    offset = {4: rng.normal(size=d), 16: rng.normal(size=d)}
    hr = rng.normal(size=(n, d))
    # LR features that an exact affine map turns back into HR: lr = (hr - offset) A^-1
    lr = {f: (hr - offset[f]) @ np.linalg.inv(truth[f]) for f in truth}
    groups = np.repeat(np.arange(30), 10)
    model, table = ridge.fit(lr, hr, groups, alphas=[1e-10, 1e-2, 1.0],
                             validation_fraction=0.2, seed=0)
    assert model.alpha == {4: 1e-10, 16: 1e-10}  # noiseless: the least shrinkage wins
    for f in truth:
        np.testing.assert_allclose(model.weight[f], truth[f], atol=1e-4)
        np.testing.assert_allclose(model.apply(lr[f], f), hr, atol=1e-3)
    chosen = table[table["chosen"]]
    assert sorted(chosen["factor"]) == [4, 16] and (chosen["n_validation"] == 60).all()


def test_noise_makes_validation_choose_more_shrinkage():
    rng = np.random.default_rng(1)
    n, d = 60, 40  # fewer rows than twice the dimension, noisy targets: overfitting bites
    lr = {4: rng.normal(size=(n, d))}
    hr = 0.5 * lr[4] + rng.normal(scale=2.0, size=(n, d))
    model, table = ridge.fit(lr, hr, np.arange(n) // 3, alphas=[1e-8, 1.0],
                             validation_fraction=0.25, seed=0)
    scores = table.set_index("alpha")["validation_distance"]
    assert scores[1.0] < scores[1e-8] and model.alpha[4] == 1.0


def test_validation_keeps_groups_whole_and_is_seeded():
    groups = np.repeat(["a", "b", "c", "d", "e"], 3)
    mask = ridge.validation_split(groups, 0.4, seed=3)
    for g in set(groups):
        assert len(set(mask[groups == g])) == 1  # a group is all in or all out
    assert mask.sum() == 6  # 2 of 5 groups
    np.testing.assert_array_equal(mask, ridge.validation_split(groups, 0.4, seed=3))
    with pytest.raises(ValueError, match="at least 2 groups"):
        ridge.validation_split(np.array(["a", "a"]), 0.2, 0)


def test_ridge_and_fsrgan_checkpoints_load_and_apply_through_one_interface(tmp_path):
    rng = np.random.default_rng(2)
    lr = {4: rng.normal(size=(40, 8)), 9: rng.normal(size=(40, 8))}
    hr = rng.normal(size=(40, 8))
    model, _ = ridge.fit(lr, hr, np.arange(40) // 4, alphas=[0.1], validation_fraction=0.2,
                         seed=0)
    torch.save({**ridge.to_checkpoint(model), "backbone": "b"}, tmp_path / "ridge_b.pt")
    folds = feature_sr.load(tmp_path / "ridge_b.pt", backbone="b", dim=8)
    assert len(folds.models) == 1 and not folds.fitted_ids  # a plain checkpoint: one fit
    loaded = folds.models[0]
    for f in (4, 9):
        np.testing.assert_allclose(feature_sr.apply(loaded, lr[f], f),
                                   model.apply(lr[f], f), rtol=1e-6)
    with pytest.raises(KeyError, match="factors \\[4, 9\\], not 16"):
        feature_sr.apply(loaded, lr[4], 16)
    with pytest.raises(fsrgan_training.IncompatibleCheckpoint, match="not other"):
        feature_sr.load(tmp_path / "ridge_b.pt", backbone="other")
    # an FSR-GAN checkpoint goes through the same door
    x = rng.normal(size=(32, 8)).astype(np.float32)
    cfg = fsrgan_training.FSRGANConfig(epochs=1, batch_size=16)
    gen, critic, _ = fsrgan_training.train(x, x, cfg)
    fsrgan_training.save_checkpoint(tmp_path / "fsrgan_b.pt", gen, critic,
                                    fsrgan_training.FSRGANConfig(), {"backbone": "b"})
    generator = feature_sr.load(tmp_path / "fsrgan_b.pt", backbone="b").models[0]
    np.testing.assert_array_equal(feature_sr.apply(generator, x, 64), fsrgan_training.apply(gen, x))


def test_method_names():
    assert fsr_names.methods(["fsrgan", "ridge"], ["train_split", "database"]) == {
        "fsrgan": ("fsrgan", "train_split"), "fsrgan_db": ("fsrgan", "database"),
        "ridge": ("ridge", "train_split"), "ridge_db": ("ridge", "database")}
    assert fsr_names.fitted_on("ridge_db") == "database"
    assert fsr_names.fitted_on("fsrgan") == "train_split"
    assert fsr_names.fitted_on("vdsr") == "train_split"


def test_apply_rows_computes_only_the_rows_asked_and_leaves_the_rest_nan():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(30, 8)).astype(np.float32)
    gen, _, _ = fsrgan_training.train(x, x, fsrgan_training.FSRGANConfig(epochs=1, batch_size=16))
    lr = {4: x, 9: x[::-1].copy()}
    linear, _ = ridge.fit(lr, x, np.arange(30) // 3, alphas=[0.1], validation_fraction=0.2,
                          seed=0)
    rows = np.array([2, 7, 11, 29])
    for model in (gen, linear):
        every = feature_sr.apply(model, x, 4)
        some = feature_sr.apply_rows(model, x, 4, rows)
        # the rows asked are those of the whole computation, the others NaN
        np.testing.assert_allclose(some[rows], every[rows], rtol=1e-6, atol=1e-7)
        others = np.setdiff1d(np.arange(30), rows)
        assert np.isnan(some[others]).all()
        assert some.shape == x.shape and some.dtype == np.float32
    assert np.isnan(feature_sr.apply_rows(gen, x, 4, [])).all()


def test_ridge_db_chooses_alpha_without_a_relevance_label():
    """On the database, the validation split holds out source photos (a photo with its
    extra views together) and reads no group column: scrambling the groups changes
    nothing; on the train split, the scenes are held out."""
    from fsrstudy.data import manifest as mf

    frame = pd.DataFrame({"photo_id": ["p1", "p1", "p2", "p3", "p3"],
                          "group": ["a", "b", "a", "c", "a"]})
    assert list(mf.validation_units(frame, "database")) == ["p1", "p1", "p2", "p3", "p3"]
    assert list(mf.validation_units(frame, "train_split")) == ["a", "b", "a", "c", "a"]
    scrambled = frame.assign(group=["x", "y", "z", "w", "v"])
    assert list(mf.validation_units(scrambled, "database")) == \
        list(mf.validation_units(frame, "database"))
    split = ridge.validation_split(mf.validation_units(frame, "database"), 0.4, seed=0)
    # a photo and its views on one side of the split
    assert split[0] == split[1] and split[3] == split[4]


def test_mean_shift_is_ridge_at_infinite_alpha_by_hand(tmp_path):
    """mean_shift: F_SR = F_LR - mean(F_LR) + mean(F_HR) of the fitting rows, exactly:
    x = (1, 3), (3, 5) -> y = (10, 0), (20, 2): means (2, 4) and (15, 1)."""
    import math

    from fsrstudy import run_files
    from fsrstudy.atomic import save_npy
    from fsrstudy.data import manifest as mf
    from fsrstudy.stages import train as train_stage

    rows = [{"image_id": f"t{i}", "dataset": "s", "photo_id": f"t{i}", "group": f"g{i}",
             "file": "x.jpg", "view": 0, "view_params": "", "split": "train", "train": 1}
            for i in range(2)]
    rows.append({"image_id": "q", "dataset": "s", "photo_id": "q", "group": "gq",
                 "file": "x.jpg", "view": 0, "view_params": "", "split": "query",
                 "train": 0})
    pd.DataFrame(rows, columns=mf.COLUMNS).to_csv(tmp_path / "m.csv", index=False)
    save_npy(run_files.feature_path(tmp_path, "b", "lr", 4),
             np.array([[1, 3], [3, 5], [0, 0]], np.float32))
    save_npy(run_files.feature_path(tmp_path, "b", "hr", 1),
             np.array([[10, 0], [20, 2], [0, 0]], np.float32))
    table = train_stage.fit_ridge(tmp_path / "m.csv", tmp_path, tmp_path, tmp_path / "v.csv",
                                  backbone_names=["b"], factors=[4], alphas=[0.1],
                                  validation_fraction=0.5, seed=0, family="mean_shift")
    assert list(table["alpha"]) == [math.inf]  # the configured alphas do not apply
    model = feature_sr.load(run_files.fsr_model_path(tmp_path, "mean_shift", "b")).models[0]
    np.testing.assert_array_equal(model.weight[4], np.eye(2))
    np.testing.assert_allclose(model.apply(np.array([[0.0, 0.0]]), 4), [[13.0, -3.0]])
