"""Protocols end to end through the ground truth file: hand-computed mAP for Holidays
(query left out of its ranking), Oxford-style junk, an empty-positive query, and the
`matched` method searching the database at the query's own factor."""
import numpy as np
import pandas as pd
import pytest
from fsrstudy import run_files
from fsrstudy.data import groundtruth
from fsrstudy.data.groundtruth import QuerySet
from fsrstudy.evaluation import retrieval
from fsrstudy.stages import analysis


def _manifest():
    # database d0..d4 of dataset "h"; the query q is a copy of d0's photo
    rows = [{"image_id": f"h/d{i}", "dataset": "h", "photo_id": f"h/d{i}", "group": "g",
             "file": "-", "view": 0, "view_params": "", "split": "database", "train": 0}
            for i in range(5)]
    rows.append({**rows[0], "image_id": "h/d0__q", "split": "query"})
    return pd.DataFrame(rows)


def _features(tmp_path, hr_db, lr_db, hr_q, lr_q):
    """Write hr_f1 and lr_f4 for the 6 manifest rows (5 database rows, then the query)."""
    for method, factor, db, q in (("hr", 1, hr_db, hr_q), ("lr", 4, lr_db, lr_q)):
        path = run_files.feature_path(tmp_path, "b", method, factor)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, np.vstack([db, q]).astype(np.float32))


def _direction(angle_degrees):
    a = np.radians(angle_degrees)
    return np.array([np.cos(a), np.sin(a)])


def test_holidays_style_ap_and_matched_by_hand(tmp_path):
    manifest = _manifest()
    # HR database at angles 0 (the query's own image), 10, 20, 30, 40 degrees
    hr_db = np.stack([_direction(a) for a in (0, 10, 20, 30, 40)])
    # the LR database is rotated by 25 degrees: a matched LR query sees it aligned
    lr_db = np.stack([_direction(a + 25) for a in (0, 10, 20, 30, 40)])
    _features(tmp_path, hr_db, lr_db, hr_q=_direction(0), lr_q=_direction(25 + 21))
    holidays = QuerySet("h", "holidays")
    holidays.add("h/d0__q", ["h/d2", "h/d4"], ["h/d0"])       # the query left out
    empty = QuerySet("h", "empty")
    empty.add("h/d0__q", [], [])                               # no positive: skipped
    groundtruth.save(tmp_path / "gt.json", [holidays, empty])
    table, per_query = retrieval.evaluate(manifest, groundtruth.load(tmp_path / "gt.json"),
                                          analysis.feature_loader(tmp_path),
                                          backbone_names=["b"], factors=[4],
                                          methods=["lr", "matched"])
    by = table.set_index(["protocol", "method"])
    # hr: ranking d0 (junk), d1, d2, d3, d4 -> positives at ranks 1 and 3 after junk:
    # AP = ((0/1 + 1/2)/2 + (1/3 + 2/4)/2) / 2
    assert by.loc[("holidays", "hr"), "mAP"] == pytest.approx((0.25 + 5 / 12) / 2)
    # lr query at 46 degrees against the HR database: d4 (40), d3, d2, d1, d0(junk):
    # positives at ranks 0 and 2 -> AP = (1 + (1/2 + 2/3)/2) / 2
    assert by.loc[("holidays", "lr"), "mAP"] == pytest.approx((1 + 7 / 12) / 2)
    # matched: 46 degrees against the LR database at 25..65 degrees: d2 (1 degree away),
    # d3 (9), d1 (11), d4 (19), d0 (21, junk) -> positives d2 and d4 at ranks 0 and 3:
    # AP = (1 + (1/3 + 2/4)/2) / 2
    assert by.loc[("holidays", "matched"), "mAP"] == pytest.approx((1 + 5 / 12) / 2)
    assert np.isnan(by.loc[("empty", "hr"), "mAP"]) and by.loc[("empty", "hr"), "n_queries"] == 0
    # every query's AP, named by its image: the one query's AP is the protocol's mAP
    aps = per_query.set_index(["protocol", "method"])
    assert (aps["query"] == "h/d0__q").all() and len(per_query) == 2 * 3
    assert aps.loc[("holidays", "lr"), "AP"] == pytest.approx((1 + 7 / 12) / 2)
    assert np.isnan(aps.loc[("empty", "matched"), "AP"])


def test_large_scale_searches_the_external_distractors_it_names(tmp_path):
    """source revisitop1m: the gathered memmap is searched (not the train-only rows),
    the table names it, and `matched`, which would need LR distractors, is left out."""
    from fsrstudy.stages import distractors

    _manifest().to_csv(tmp_path / "manifest.csv", index=False)
    hr_db = np.stack([_direction(a) for a in (0, 10, 20, 30, 40)])
    _features(tmp_path, hr_db, hr_db, hr_q=_direction(0), lr_q=_direction(0))
    holidays = QuerySet("h", "holidays")
    holidays.add("h/d0__q", ["h/d2", "h/d4"], ["h/d0"])
    groundtruth.save(tmp_path / "gt.json", [holidays])
    # one distractor at 1 degree: it outranks every positive of the query at 0 degrees
    np.save(run_files.distractor_feature_path(tmp_path, "b"),
            _direction(1)[None].astype(np.float32))
    table = distractors.large_scale(
        tmp_path / "manifest.csv", tmp_path / "gt.json", tmp_path, tmp_path / "large.csv",
        backbone_names=["b"], factors=[4], methods=["lr", "matched"], source="revisitop1m")
    assert set(table["distractors"]) == {"revisitop1m"}
    assert set(table["method"]) == {"hr", "lr"}
    hr = table[table.method == "hr"].set_index("n_distractors")["mAP"]
    # no distractor: positives at ranks 1 and 3 once the junk d0 is dropped
    assert hr[0] == pytest.approx((0.25 + 5 / 12) / 2)
    # the distractor first: positives at ranks 2 and 4 -> ((0 + 1/3)/2 + (1/4 + 2/5)/2) / 2
    assert hr[1] == pytest.approx((1 / 6 + 0.325) / 2)
    assert pd.read_csv(tmp_path / "large.csv")["mAP"].tolist() == pytest.approx(
        table["mAP"].tolist())


def test_unknown_ids_in_the_ground_truth_are_an_error():
    bad = QuerySet("h", "holidays")
    bad.add("h/d0__q", ["h/nowhere"], [])
    with pytest.raises(KeyError, match="nowhere"):
        groundtruth.resolve(_manifest(), bad)


def test_a_db_method_is_measured_only_where_a_model_that_never_saw_the_image_mapped_it(
        tmp_path):
    """The apply stage leaves NaN the rows every model of a `_db` method was fitted on
    (models/cross_fit.py); the distance table measures the others only."""


    manifest = _manifest()
    manifest.to_csv(tmp_path / "m.csv", index=False)
    rng = np.random.default_rng(0)
    for method, factor in (("hr", 1), ("lr", 4), ("fsrgan_db", 4)):
        feats = rng.normal(size=(6, 3)).astype(np.float32)
        if method == "fsrgan_db":  # fitted on d1..d4: the database minus d0
            fitted = manifest["image_id"].isin(["h/d1", "h/d2", "h/d3", "h/d4"]).to_numpy()
            feats[fitted] = np.nan
        path = run_files.feature_path(tmp_path, "b", method, factor)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, feats)
    table = analysis.analyse_distances(tmp_path / "m.csv", tmp_path, tmp_path / "d.csv",
                                       tmp_path / "p.csv", backbone_names=["b"], factors=[4],
                                       methods=["lr", "fsrgan_db"])
    n = table.set_index("method")["n"]
    assert n["lr"] == 6 and n["fsrgan_db"] == 2
    per_image = pd.read_csv(tmp_path / "p.csv")
    assert set(per_image.loc[per_image.method == "fsrgan_db", "image_id"]) == {"h/d0",
                                                                             "h/d0__q"}


def test_standings_against_matched_by_hand():
    from fsrstudy.evaluation import comparison

    # four queries; per-query APs whose means are the table's mAPs
    aps = {"hr": [0.9] * 4, "lr": [0.5] * 4, "matched": [0.8] * 4,
           "fsrgan": [0.2, 1.0, 0.2, 1.0], "ridge_db": [0.78] * 4}
    per_query = pd.DataFrame([{"dataset": "d", "protocol": "p", "backbone": "b", "method": m,
                               "factor": 1 if m == "hr" else 16, "query": f"q{i}", "AP": ap}
                              for m, values in aps.items() for i, ap in enumerate(values)])
    table = per_query.groupby(["dataset", "protocol", "backbone", "method", "factor"],
                              as_index=False)["AP"].mean().rename(columns={"AP": "mAP"})
    shares = comparison.against_matched(table).set_index("method")
    assert shares.loc["ridge_db", "of_matched"] == pytest.approx(0.78 / 0.8)
    assert shares.loc["fsrgan", "gap_recovered"] == pytest.approx((0.6 - 0.5) / 0.4)
    assert shares.loc["lr", "gap_recovered"] == 0
    verdicts = comparison.paired_verdicts(table, per_query, seed=0).set_index("rival")
    assert (verdicts["best"] == "ridge_db").all()
    # ridge_db - fsrgan per query: 0.58, -0.22, 0.58, -0.22. A resample of four draws
    # is all -0.22 (or all 0.58) with probability 1/16 > 2.5%: the interval is
    # [-0.22, 0.58], which holds 0
    runner_up = verdicts.loc["fsrgan"]
    assert runner_up["verdict"] == "not distinguishable"
    assert (runner_up["low"], runner_up["high"]) == pytest.approx((-0.22, 0.58))
    # a constant difference: its interval is that one value
    assert verdicts.loc["matched", "verdict"] == "matched above ridge_db"
    assert verdicts.loc["lr", "verdict"] == "ridge_db above lr"
    text = comparison.standings(table, per_query, seed=0)
    assert text.startswith("d/p, b, 1/16: highest ridge_db mAP 0.780 = 98% of matched; "
                           "against the runner-up fsrgan (0.600): not distinguishable "
                           "(+0.180 [-0.220, +0.580], 4 queries); against matched (0.800): "
                           "matched above ridge_db (-0.020 [-0.020, -0.020], 4 queries)")


def test_fsrgan_cells_are_counted_above_below_or_not_apart_by_hand():
    from fsrstudy.evaluation import comparison

    # two cells of four queries: at 1/4 FSR-GAN is above lr for every query (+0.1), at
    # 1/16 below lr for every query (-0.1); against ridge the differences are +0.3,
    # -0.3, +0.3, -0.3 in both cells (each sign alone has probability 1/16: apart never)
    aps = {("fsrgan", 4): [0.6] * 4, ("lr", 4): [0.5] * 4,
           ("fsrgan", 16): [0.4] * 4, ("lr", 16): [0.5] * 4,
           ("ridge", 4): [0.3, 0.9, 0.3, 0.9], ("ridge", 16): [0.1, 0.7, 0.1, 0.7]}
    per_query = pd.DataFrame([{"dataset": "d", "protocol": "p", "backbone": "b",
                               "method": m, "factor": f, "query": f"q{i}", "AP": ap}
                              for (m, f), values in aps.items()
                              for i, ap in enumerate(values)])
    table = per_query.groupby(["dataset", "protocol", "backbone", "method", "factor"],
                              as_index=False)["AP"].mean().rename(columns={"AP": "mAP"})
    text = comparison.summary(comparison.fsrgan_against(table), per_query, seed=0)
    lines = {line.split(":")[0]: line for line in text.splitlines()}
    assert ("paired bootstrap over the queries: FSR-GAN above in 1, below in 1, not "
            "distinguishable in 0.") in lines["FSR-GAN vs lr"]
    assert ("FSR-GAN above in 0, below in 0, not distinguishable in 2."
            in lines["FSR-GAN vs ridge"])


def test_spread_over_seeds_against_matched_by_hand():
    from fsrstudy.evaluation import comparison

    table = pd.DataFrame([{"dataset": "d", "protocol": "p", "backbone": "b",
                           "method": "matched", "factor": 16, "mAP": 0.8}])
    spread = pd.DataFrame([{"dataset": "d", "protocol": "p", "backbone": "b", "method": m,
                            "seed": seed, "factor": 16, "mAP": v}
                           for m, values in [("fsrgan", (0.6, 0.7, 0.8)),
                                             ("ridge", (0.76, 0.76, 0.76))]
                           for seed, v in enumerate(values)])
    stats = comparison.spread_against_matched(table, spread).set_index("method")
    assert stats.loc["fsrgan", "mAP_mean"] == pytest.approx(0.7)
    assert stats.loc["fsrgan", "mAP_std"] == pytest.approx(0.1)  # sample sd, n - 1
    assert stats.loc["ridge", "of_matched"] == pytest.approx(0.95)
    assert stats.loc["ridge", "seeds"] == 3
    assert comparison.spread_standings(table, spread) == (
        "d/p, b, 1/16 (3 seeds; share of matched): ridge 0.760 +- 0.000 (95%); "
        "fsrgan 0.700 +- 0.100 (88%).")


def test_rows_scored_are_the_measured_rows_and_every_protocols_queries():
    class Protocol:
        def __init__(self, rows):
            self.query_rows = np.array(rows)
    protocols = [("set a", Protocol([5, 9])), ("set b", Protocol([9, 12]))]
    np.testing.assert_array_equal(retrieval.rows_scored(np.array([1, 5]), protocols),
                                  [1, 5, 9, 12])
    np.testing.assert_array_equal(retrieval.rows_scored(np.array([3]), []), [3])
