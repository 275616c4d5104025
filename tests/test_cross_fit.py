"""Cross-fitting of the `_db` methods: a query is only ever served by a model that saw
no image of its own source photo (its views, their augmented views, their validation
rows), a set of separate photos gets one fit, and each row's model is the one
`serving` names (hand-computed)."""
import numpy as np
import pandas as pd
import pytest
import torch
from fsrstudy import run_files
from fsrstudy.atomic import save_npy
from fsrstudy.data import manifest as mf
from fsrstudy.models import cross_fit, feature_sr, ridge
from fsrstudy.stages import train as train_stage


def _row(photo, view, split, train=0, dataset="s"):
    return {"image_id": f"{photo}__{split}{view}", "dataset": dataset, "photo_id": photo,
            "group": photo, "file": f"{photo}.jpg", "view": view, "view_params": "",
            "split": split, "train": train}


def demo_like(query_photos=("q0", "q1", "q2", "q3", "q4"), other_photos=("o0", "o1")):
    """A query is view 0 of its photo, views 1-2 are in the database with one augmented
    fitting view each; photos no query comes from in the database too; two train rows."""
    rows = []
    for p in query_photos:
        rows += [_row(p, 0, "query"), _row(p, 1, "database"), _row(p, 2, "database"),
                 _row(p, 1, "fit_database"), _row(p, 2, "fit_database")]
    for p in other_photos:
        rows += [_row(p, 0, "database"), _row(p, 0, "fit_database")]
    rows += [_row("t0", 0, "train", 1), _row("t1", 0, "train", 1)]
    return mf.check(pd.DataFrame(rows, columns=mf.COLUMNS), group_disjoint=False)


def separate_photos():
    """Queries and database images all of different photos (a user's csv, Holidays)."""
    rows = [_row(f"q{i}", 0, "query") for i in range(3)]
    rows += [_row(f"d{i}", 0, "database") for i in range(6)]
    return pd.DataFrame(rows, columns=mf.COLUMNS)


def test_no_fold_fits_on_an_image_of_the_photos_it_serves():
    manifest = demo_like()
    keys = mf.photo_keys(manifest)
    plan = mf.fit_folds(manifest, "database", folds=2, seed=0)
    assert len(plan) == 2
    held = [fold.held_out_photos for fold in plan]
    # every query photo held out by exactly one fold
    assert held[0] | held[1] == {f"s/q{i}" for i in range(5)} and not held[0] & held[1]
    assert sorted(len(h) for h in held) == [2, 3]
    fitting = set(mf.fitting_rows(manifest, "database"))
    for fold in plan:
        assert set(fold.rows) <= fitting
        # no view, augmented view or database image of a held-out photo
        assert not set(keys[fold.rows]) & fold.held_out_photos
        # everything else is fitted on: the other query photos' views, the other photos
        expected = {r for r in fitting if keys[r] not in fold.held_out_photos}
        assert set(fold.rows) == expected
    assert {"s/o0", "s/o1"} <= set(keys[plan[0].rows]) & set(keys[plan[1].rows])


def test_folds_are_seeded_and_do_not_depend_on_row_order():
    manifest = demo_like()
    shuffled = manifest.sample(frac=1.0, random_state=3).reset_index(drop=True)
    for seed in (0, 1):
        a = [f.held_out_photos for f in mf.fit_folds(manifest, "database", 3, seed)]
        b = [f.held_out_photos for f in mf.fit_folds(shuffled, "database", 3, seed)]
        assert a == b
    # more folds than query photos: one photo per fold
    assert len(mf.fit_folds(manifest, "database", 9, 0)) == 5


def test_separate_photos_and_the_train_split_get_one_fit():
    plan = mf.fit_folds(separate_photos(), "database", folds=5, seed=0)
    assert len(plan) == 1 and plan[0].held_out_photos == frozenset()
    assert list(plan[0].rows) == list(range(3, 9))
    manifest = demo_like()
    plan = mf.fit_folds(manifest, "train_split", folds=5, seed=0)
    assert len(plan) == 1 and list(plan[0].rows) == list(mf.train_rows(manifest))


def test_a_fold_with_nothing_left_to_fit_is_named():
    # one query photo, and the database holds only its views: no fold can be fitted
    manifest = demo_like(query_photos=("q0",), other_photos=())
    with pytest.raises(mf.EmptyFittingSet, match="fold 1 of 1"):
        mf.fit_folds(manifest, "database", folds=5, seed=0)


def test_each_row_is_mapped_by_the_model_serving_it():
    # model j adds (j + 1) * 10 of its own; fold 0 held out photo a, fold 1 photo b
    folds = cross_fit.Folds([10.0, 20.0], [frozenset({"a"}), frozenset({"b"})],
                            frozenset({"fitted"}))
    keys = np.array(["a", "b", "c", "d", "a"])
    ids = np.array(["a0", "b0", "c0", "fitted", "a1"])
    x = np.arange(5, dtype=np.float32)[:, None]
    assert list(folds.serving(keys, ids)) == [0, 1, cross_fit.ENSEMBLE, cross_fit.UNSERVED, 0]
    out = folds.map(lambda add, at: x[at] + add, keys, ids, 1)[:, 0]
    # c: the mean of both models, 2 + 15; d: fitted on, no measurement
    np.testing.assert_allclose(out[[0, 1, 2, 4]], [10.0, 21.0, 17.0, 14.0])
    assert np.isnan(out[3])
    # one fit: every row it was not fitted on, by that model
    one = cross_fit.Folds.single(5.0, ["a1"])
    assert list(one.serving(keys, ids)) == [cross_fit.ENSEMBLE] * 4 + [cross_fit.UNSERVED]
    selected = folds.select([x + 10, x + 20], keys, ids)[:, 0]
    np.testing.assert_allclose(selected[[0, 1, 2, 4]], out[[0, 1, 2, 4]])


def _features(tmp_path, manifest, dim=6, factors=(4,)):
    rng = np.random.default_rng(0)
    hr = rng.normal(size=(len(manifest), dim)).astype(np.float32)
    save_npy(run_files.feature_path(tmp_path, "b", "hr", run_files.HR), hr)
    for f in factors:
        lr = (0.7 * hr + 0.1 * rng.normal(size=hr.shape)).astype(np.float32)
        save_npy(run_files.feature_path(tmp_path, "b", "lr", f), lr)


def test_ridge_db_is_cross_fitted_end_to_end(tmp_path):
    manifest = demo_like()
    manifest_csv = tmp_path / "manifest.csv"
    manifest.to_csv(manifest_csv, index=False)
    _features(tmp_path, manifest)
    table = train_stage.fit_ridge(manifest_csv, tmp_path, tmp_path, tmp_path / "v.csv",
                                  backbone_names=["b"], factors=[4], training_data="database",
                                  alphas=[0.1, 1.0], validation_fraction=0.3, seed=0, folds=2)
    plan = mf.fit_folds(manifest, "database", 2, 0)
    chosen = table[table["chosen"]].set_index("fold")
    for j, fold in enumerate(plan):
        # the alpha of fold j chosen among fold j's rows only (its validation split too)
        assert chosen.loc[j, "n_fit"] + chosen.loc[j, "n_validation"] == len(fold.rows)
    ckpt = torch.load(run_files.fsr_model_path(tmp_path, "ridge_db", "b"), weights_only=True)
    assert ckpt["kind"] == "folds" and [c["n_pairs"] for c in ckpt["folds"]] == \
        [len(fold.rows) for fold in plan]
    folds = feature_sr.load(run_files.fsr_model_path(tmp_path, "ridge_db", "b"), backbone="b")
    keys = mf.photo_keys(manifest)
    held_out = mf.held_out_rows(manifest)
    served = train_stage.apply_feature_sr(
        manifest_csv, tmp_path, tmp_path, tmp_path / "fits.csv", backbone_names=["b"],
        factors=[4], methods=["ridge_db"], device="cpu")
    sr = run_files.load_features(tmp_path, "b", "ridge_db", 4)
    lr = run_files.load_features(tmp_path, "b", "lr", 4)
    for row in held_out:
        j = next((j for j, f in enumerate(plan) if keys[row] in f.held_out_photos), None)
        if j is None:  # o0, o1: every fold was fitted on them
            assert np.isnan(sr[row]).all()
            continue
        # the query and its photo's database views: the fold that never saw the photo
        assert row not in plan[j].rows
        np.testing.assert_allclose(sr[row], folds.models[j].apply(lr[[row]], 4)[0],
                                   rtol=1e-6)
    assert served.loc[0, "fit"] == "cross-fit" and served.loc[0, "models"] == 2
    assert served.loc[0, "rows_by_held_out_fold"] == 15  # 5 photos x (query + 2 views)
    assert served.loc[0, "rows_not_served"] == 2


def test_one_fit_on_separate_photos_keeps_the_family_checkpoint(tmp_path):
    manifest = separate_photos()
    manifest_csv = tmp_path / "manifest.csv"
    manifest.to_csv(manifest_csv, index=False)
    _features(tmp_path, manifest)
    train_stage.fit_ridge(manifest_csv, tmp_path, tmp_path, tmp_path / "v.csv",
                          backbone_names=["b"], factors=[4], training_data="database",
                          alphas=[1.0], validation_fraction=0.34, seed=0, folds=5)
    path = run_files.fsr_model_path(tmp_path, "ridge_db", "b")
    ckpt = torch.load(path, weights_only=True)
    assert ckpt["kind"] == "ridge" and sorted(ckpt["fitted_ids"]) == sorted(
        manifest["image_id"][3:])
    folds = feature_sr.load(path, backbone="b")
    assert isinstance(folds.models[0], ridge.LinearMap) and len(folds.models) == 1
    table = train_stage.apply_feature_sr(manifest_csv, tmp_path, tmp_path, None,
                                         backbone_names=["b"], factors=[4],
                                         methods=["ridge_db"], device="cpu")
    sr = run_files.load_features(tmp_path, "b", "ridge_db", 4)
    assert not np.isnan(sr[:3]).any() and np.isnan(sr[3:]).all()  # queries only
    assert table.loc[0, "fit"] == "one fit" and table.loc[0, "rows_by_every_model"] == 3


def test_a_paper_query_cut_from_its_database_image_gets_one_fit_without_that_image():
    """Oxford/Paris: a query is a box of a database image, its source photo. That image
    is no fitting image, so no fitting image shares a photo with a query: one fit, and
    the source image is served by it (the model never saw it)."""
    rows = [_row("a", 0, "query"), _row("a", 0, "database"), _row("b", 0, "database"),
            _row("c", 0, "database")]
    manifest = pd.DataFrame(rows, columns=mf.COLUMNS)
    manifest.loc[0, "image_id"] = "a__q"
    plan = mf.fit_folds(manifest, "database", folds=5, seed=0)
    assert len(plan) == 1 and list(plan[0].rows) == [2, 3]
    ids = manifest["image_id"].to_numpy()
    folds = cross_fit.Folds.single("model", ids[plan[0].rows])
    assert list(folds.serving(mf.photo_keys(manifest), ids)) == [
        cross_fit.ENSEMBLE, cross_fit.ENSEMBLE, cross_fit.UNSERVED, cross_fit.UNSERVED]
