"""The paper's datasets from a copy already on disk (no download): whole, partial, or
the wrong one, on fixtures with the real names, layouts and ground-truth structures."""
import pickle
import shutil
import tarfile

import numpy as np
import pandas as pd
import paper_fixtures as pf
import pytest
import scipy.io
from fsrstudy.data import dataset_kinds, fetch, groundtruth, paper_ground_truth

pytestmark = pytest.mark.filterwarnings(
    "ignore::fsrstudy.data.known_ground_truth.UnpublishedGroundTruth")


def _paris_copy(root):
    """A user's Paris6K: images extracted under paris/<landmark>/ (some with upper-case
    extensions), the original protocol's text files, revisitop's pickle."""
    built = pf.build_paris(root / "served")
    images, gt = root / "copy/images", root / "copy/paris_120310"
    for archive in pf.PARIS_ARCHIVES:
        with tarfile.open(built["files"][archive]) as tar:
            tar.extractall(images, filter="data")
    for path in sorted(images.rglob("*defense*.jpg")):
        path.rename(path.with_suffix(".JPG"))
    with tarfile.open(built["files"]["paris_120310.tgz"]) as tar:
        tar.extractall(gt, filter="data")
    gnd = shutil.copy(built["files"]["gnd_rparis6k.pkl"], root / "copy")
    return built, images, gt, gnd


def _build(images, ground_truth, **entry):
    entry = {"kind": "paris6k", "use": "evaluate", "images": str(images),
             "ground_truth": [str(g) for g in ground_truth], **entry}
    return dataset_kinds.build_all([entry], "unused", seed=0)


def _sets(built):
    return {s.protocol: s for s in built.sets}


def test_a_whole_copy_reads_as_the_download_does(tmp_path):
    built, images, gt, gnd = _paris_copy(tmp_path)
    copy = _build(images, [gt, gnd])
    data_dir = tmp_path / "data"  # the archives placed by hand, unpacked as downloaded
    for name, path in built["files"].items():
        fetch.download_path(data_dir, name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, fetch.download_path(data_dir, name))
    fetch.unpack("paris6k", data_dir)
    downloaded = dataset_kinds.build_all([{"kind": "paris6k", "use": "evaluate"}],
                                         data_dir, seed=0)
    assert list(_sets(copy)) == ["original", "revisited_easy", "revisited_medium",
                                 "revisited_hard"]
    for name, query_set in _sets(downloaded).items():
        assert _sets(copy)[name] == query_set
    assert list(copy.rows.image_id) == list(downloaded.rows.image_id)
    assert sorted(copy.bad.file.map(lambda f: f.rsplit("/", 1)[1][:-4])) == built["corrupt"]
    summary = copy.coverage.set_index("protocol")
    assert (summary["queries_kept"] == summary["queries_listed"]).all()
    assert summary.loc["original", "queries_listed"] == 6
    assert summary.loc["revisited_hard", "queries_listed"] == 7
    assert summary.loc["original", "check"].startswith("not checked (text files")
    assert summary.loc["revisited_easy", "check"].startswith("differs from the published")
    # the revisited ground truth names 13 database + 7 query images, all present
    assert summary.loc["revisited_easy", ["images_named", "images_present"]].tolist() == [20, 20]


def test_a_partial_copy_says_exactly_what_it_lost(tmp_path):
    built, images, gt, gnd = _paris_copy(tmp_path)
    # the image of the first query of each protocol, and the only hard positive of two
    # revisited queries
    (images / "paris/defense/paris_defense_000605.JPG").unlink()
    (images / "paris/eiffel/paris_eiffel_000233.jpg").unlink()
    copy = _build(images, [gt, gnd])
    summary = copy.coverage.set_index("protocol")
    expected = {"original": (6, 5, 1, 0), "revisited_easy": (7, 6, 1, 0),
                "revisited_medium": (7, 6, 1, 0), "revisited_hard": (7, 4, 1, 2)}
    for protocol, counts in expected.items():
        assert tuple(summary.loc[protocol, ["queries_listed", "queries_kept",
                                            "image_missing", "no_positive"]]) == counts
    assert summary.loc["revisited_hard", "images_present"] == 18  # 20 named, 2 gone
    per_query = copy.coverage_per_query.set_index(["protocol", "query"])
    assert per_query.loc[("original", "defense_1"), "status"] == "image missing"
    # defense_2's positives: good 605, 012, 140 and ok 087; 605 is gone
    assert tuple(per_query.loc[("original", "defense_2"),
                               ["positives_listed", "positives_present"]]) == (4, 3)
    for query in ("paris_eiffel_000012", "paris_eiffel_000087"):
        assert per_query.loc[("revisited_hard", query), "status"] == "no positive"
        assert per_query.loc[("revisited_easy", query), "status"] == "kept"
    sets = _sets(copy)
    assert len(sets["revisited_hard"].queries) == 4 and len(sets["revisited_easy"].queries) == 6
    assert "paris6k/defense_1__q" not in set(copy.rows.image_id)
    assert "paris6k/paris_eiffel_000012__rq" in set(copy.rows.image_id)  # easy keeps it
    gone = {"paris6k/paris_defense_000605", "paris6k/paris_eiffel_000233"}
    for query_set in sets.values():
        assert not gone & {i for ids in query_set.positives + query_set.junk for i in ids}
        groundtruth.resolve(copy.rows, query_set)  # every id is a row of the manifest


def test_a_mat_ground_truth_gives_the_pickles_protocols(tmp_path):
    """cnnimageretrieval's gnd_rparis6k.mat (1-based indices) in place of the pickle."""
    _, images, gt, gnd = _paris_copy(tmp_path)
    with open(gnd, "rb") as f:
        content = pickle.load(f)
    keys = ("easy", "hard", "junk", "bbx")
    entries = np.array([tuple(np.array(e[k]) + (0 if k == "bbx" else 1) for k in keys)
                        for e in content["gnd"]], dtype=[(k, object) for k in keys])
    mat = tmp_path / "gnd_rparis6k.mat"
    scipy.io.savemat(mat, {"imlist": np.array(content["imlist"], dtype=object),
                           "qimlist": np.array(content["qimlist"], dtype=object),
                           "gnd": entries})
    assert _sets(_build(images, [mat])) == {k: v for k, v in _sets(_build(images, [gnd])).items()
                                            if k.startswith("revisited")}


def test_the_wrong_dataset_or_nothing_to_evaluate_stops_with_a_reason(tmp_path):
    _, images, gt, gnd = _paris_copy(tmp_path)
    oxford = pf.build_oxford(tmp_path / "oxford")
    with pytest.raises(paper_ground_truth.GroundTruthError,
                       match="none of the 20 images under .* is named in .*gnd_roxford5k.pkl"):
        _build(images, [oxford["files"]["gnd_roxford5k.pkl"]])
    for query in pf.build_paris(tmp_path / "again")["revisited"]["qimlist"]:
        for path in images.rglob(f"{query}.*"):
            path.unlink()
    with pytest.raises(paper_ground_truth.GroundTruthError, match="no query is left to evaluate"):
        _build(images, [gnd])
    assert _build(images, [gnd], use="train").rows["train"].all()  # training needs none


def test_a_copy_smaller_than_the_papers_split_says_it_has_nothing_to_train(tmp_path):
    from fsrstudy.data import manifest

    _, images, gt, gnd = _paris_copy(tmp_path)
    copy = _build(images, [gt, gnd], use="paper_split")  # holds out 612 of 20 images
    assert not copy.rows["train"].any()
    with pytest.raises(manifest.EmptyFittingSet, match="'train_split' selects no image"):
        manifest.check_fitting(copy.rows, ["train_split", "database"])
    manifest.check_fitting(copy.rows, ["database"])  # the database still fits


def test_a_partial_holidays_copy(tmp_path):
    built = pf.build_holidays(tmp_path / "served")
    images = tmp_path / "holidays"
    for path in built["files"].values():
        with tarfile.open(path) as tar:
            tar.extractall(images, filter="data")
    (images / "jpg/100100.jpg").unlink()   # group 1001's query
    (images / "jpg/100301.jpg").unlink()   # group 1003's only other image
    copy = dataset_kinds.build_all([{"kind": "holidays", "use": "evaluate",
                                     "images": str(images)}], "unused", seed=0)
    status = copy.coverage_per_query.set_index("query")["status"]
    assert status.to_dict() == {"100000": "kept", "100100": "image missing",
                                "100200": "kept", "100300": "no positive", "100400": "kept"}
    [query_set] = copy.sets
    assert query_set.queries == ["holidays/100000__q", "holidays/100200__q",
                                 "holidays/100400__q"]
    assert "holidays/100101" in set(copy.rows.image_id)  # still searched


def test_a_copy_entry_is_checked_before_anything_runs(tmp_path):
    _, images, gt, gnd = _paris_copy(tmp_path)
    normalise = dataset_kinds.normalise
    with pytest.raises(dataset_kinds.DatasetConfigError, match="needs its ground_truth"):
        normalise([{"kind": "paris6k", "images": str(images)}])
    with pytest.raises(dataset_kinds.DatasetConfigError, match="give its images folder"):
        normalise([{"kind": "paris6k", "ground_truth": str(gnd)}])
    with pytest.raises(dataset_kinds.DatasetConfigError, match="is not a folder"):
        normalise([{"kind": "paris6k", "images": str(tmp_path / "nope"),
                    "ground_truth": str(gnd)}])
    with pytest.raises(dataset_kinds.DatasetConfigError, match="does not exist"):
        normalise([{"kind": "paris6k", "images": str(images),
                    "ground_truth": [str(gnd), str(tmp_path / "gone.pkl")]}])
    with pytest.raises(dataset_kinds.DatasetConfigError, match="unknown option"):
        normalise([{"kind": "holidays", "images": str(images), "ground_truth": str(gnd)}])
    entry = {"kind": "paris6k", "images": str(images), "ground_truth": str(gnd)}
    [normalised] = normalise([entry])
    assert normalised["ground_truth"] == [str(gnd)]  # one path may be given bare
    assert normalise([normalised]) == [normalised]   # normalising twice changes nothing
    # a copy downloads nothing; the same kind without `images` downloads its archives
    assert dataset_kinds.needed_downloads([entry]) == {}
    assert dataset_kinds.needed_downloads([{"kind": "paris6k"}]) == {
        "paris6k": fetch.downloads_of("paris6k")}


def test_two_ground_truths_of_one_protocol_are_refused(tmp_path):
    _, images, gt, gnd = _paris_copy(tmp_path)
    with pytest.raises(paper_ground_truth.GroundTruthError, match="two revisited ground truths"):
        _build(images, [gnd, gnd])


@pytest.mark.e2e
@pytest.mark.cost(170)
def test_a_partial_paris_copy_runs_the_whole_study(tmp_path):
    """A user's config naming a Paris6K copy on disk (a partial one, both protocols'
    ground truths) with the default use (paper_split, its count scaled to the fixture)
    and fits (train split and database): the whole default target builds, every
    protocol is evaluated on the queries kept, and the run's tables say what was lost."""
    import subprocess
    import sys

    import yaml
    from tiny_run import ROOT, why_it_failed

    _, images, gt, gnd = _paris_copy(tmp_path)
    (images / "paris/defense/paris_defense_000605.JPG").unlink()
    config = yaml.safe_load((ROOT / "config/tiny.yaml").read_text())
    config.update(run="pariscopy", datasets=[{"kind": "paris6k", "eval_images": 12,
                                              "images": str(images),
                                              "ground_truth": [str(gt), str(gnd)]}])
    (tmp_path / "pariscopy.yaml").write_text(yaml.safe_dump(config))
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", "--configfile",
           str(tmp_path / "pariscopy.yaml"), "--config", f"results_dir={tmp_path}"]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, why_it_failed(proc)
    run = tmp_path / "pariscopy"
    assert not (tmp_path / "data").exists()  # nothing downloaded
    retrieval = pd.read_csv(run / "tables/retrieval.csv")
    hr = retrieval[retrieval.method == "hr"].set_index("protocol")
    assert set(hr.index) == {"original", "revisited_easy", "revisited_medium",
                             "revisited_hard"}
    assert hr.loc[["original"], "n_queries"].unique().tolist() == [5]
    assert hr.loc[["revisited_medium"], "n_queries"].unique().tolist() == [6]
    # fitted on the train split the paper's split leaves, and on the database
    assert {"fsrgan", "ridge", "fsrgan_db", "ridge_db"} <= set(retrieval.method)
    manifest = pd.read_csv(run / "manifest.csv")
    assert manifest.loc[manifest.split == "database", "train"].sum() == 20 - 1 - 12
    coverage = pd.read_csv(run / "tables/dataset_coverage.csv").set_index("protocol")
    assert coverage.loc["original", "image_missing"] == 1
    assert (run / "report/front_page.rst").is_file()
