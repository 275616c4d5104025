"""Ground-truth readers on fixtures with the real files' structure."""
import pickle

import numpy as np
import pytest
import scipy.io
from fsrstudy.data import known_ground_truth, paper_ground_truth

IMLIST = [f"all_souls_{i:06d}" for i in range(10)]
QIMLIST = ["all_souls_000013", "radcliffe_camera_000519"]
REVISITED = [{"easy": [0, 1], "hard": [2], "junk": [3], "bbx": [136.5, 34.1, 648.5, 955.7]},
             {"easy": [4], "hard": [], "junk": [], "bbx": [1, 2, 3, 4]}]
# the original protocol (cnnimageretrieval's files): ok = good + ok
ORIGINAL = [{"ok": [0, 1, 5], "junk": [3], "bbx": [136.5, 34.1, 648.5, 955.7]},
            {"ok": [4], "junk": [], "bbx": [1, 2, 3, 4]}]


def _pickle(tmp_path, gnd, name="gnd_roxford5k.pkl"):
    path = tmp_path / name
    path.write_bytes(pickle.dumps(gnd, protocol=2))
    return path


def _mat(tmp_path, entries, name, qidx=False):
    """A MATLAB file as cnnimageretrieval ships them: 1-based indices, the original
    protocol's queries as `qidx` into imlist."""
    dtype = [(k, object) for k in entries[0]]
    gnd = np.array([tuple(np.array(e[k]) + (0 if k == "bbx" else 1) for k in e)
                    for e in entries], dtype=dtype)
    content = {"imlist": np.array(IMLIST, dtype=object), "gnd": gnd}
    if qidx:
        content["qidx"] = np.array([1, 5])
    else:
        content["qimlist"] = np.array(QIMLIST, dtype=object)
    scipy.io.savemat(tmp_path / name, content)
    return tmp_path / name


def test_revisited_gnd_reads_as_names(tmp_path):
    gt = paper_ground_truth.read_ground_truth(
        _pickle(tmp_path, {"imlist": IMLIST, "qimlist": QIMLIST, "gnd": REVISITED}))
    assert gt.protocol == "revisited" and gt.imlist == IMLIST
    first = gt.queries[0]
    assert first["image"] == "all_souls_000013" and first["bbx"][0] == 136.5
    assert first["easy"] == IMLIST[:2] and first["hard"] == [IMLIST[2]]
    assert first["junk"] == [IMLIST[3]]
    assert gt.names() == set(IMLIST) | set(QIMLIST)


def test_a_mat_file_says_what_its_pickle_says(tmp_path):
    pkl = paper_ground_truth.read_ground_truth(
        _pickle(tmp_path, {"imlist": IMLIST, "qimlist": QIMLIST, "gnd": REVISITED}))
    mat = paper_ground_truth.read_ground_truth(_mat(tmp_path, REVISITED, "gnd_roxford5k.mat"))
    assert mat.queries == pkl.queries
    assert paper_ground_truth.content_digest(mat) == paper_ground_truth.content_digest(pkl)
    # the original protocol: queries given by 1-based position in imlist
    original = paper_ground_truth.read_ground_truth(_mat(tmp_path, ORIGINAL, "gnd_oxford5k.mat",
                                               qidx=True))
    assert original.protocol == "original"
    assert [q["image"] for q in original.queries] == [IMLIST[0], IMLIST[4]]
    assert original.queries[0]["positives"] == [IMLIST[0], IMLIST[1], IMLIST[5]]
    assert paper_ground_truth.content_digest(original) != paper_ground_truth.content_digest(mat)


def test_the_digest_sees_a_changed_list_not_the_order(tmp_path):
    base = paper_ground_truth.read_ground_truth(
        _pickle(tmp_path, {"imlist": IMLIST, "qimlist": QIMLIST, "gnd": REVISITED}))
    shuffled = [{**REVISITED[0], "easy": [1, 0]}, REVISITED[1]]
    reordered = paper_ground_truth.read_ground_truth(
        _pickle(tmp_path, {"imlist": IMLIST, "qimlist": QIMLIST, "gnd": shuffled}, "b.pkl"))
    assert paper_ground_truth.content_digest(reordered) == paper_ground_truth.content_digest(base)
    moved = [{**REVISITED[0], "easy": [0], "hard": [1, 2]}, REVISITED[1]]
    changed = paper_ground_truth.read_ground_truth(
        _pickle(tmp_path, {"imlist": IMLIST, "qimlist": QIMLIST, "gnd": moved}, "c.pkl"))
    assert paper_ground_truth.content_digest(changed) != paper_ground_truth.content_digest(base)


def test_revisited_gnd_index_out_of_range(tmp_path):
    entry = {"easy": [10], "hard": [], "junk": [], "bbx": [0, 0, 1, 1]}
    path = _pickle(tmp_path, {"imlist": IMLIST, "qimlist": QIMLIST,
                              "gnd": [REVISITED[0], entry]})
    with pytest.raises(paper_ground_truth.GroundTruthError, match="out of range"):
        paper_ground_truth.read_ground_truth(path)


def test_not_a_ground_truth_file_is_named(tmp_path):
    with pytest.raises(paper_ground_truth.GroundTruthError, match="not a gnd file"):
        paper_ground_truth.read_ground_truth(_pickle(tmp_path, {"vectors": [1, 2]}))
    (tmp_path / "gt.txt").write_text("x")
    with pytest.raises(paper_ground_truth.GroundTruthError, match="folder .*pkl .*mat"):
        paper_ground_truth.read_ground_truth(tmp_path / "gt.txt")


def test_the_published_check(tmp_path, monkeypatch):
    gt = paper_ground_truth.read_ground_truth(
        _pickle(tmp_path, {"imlist": IMLIST, "qimlist": QIMLIST, "gnd": REVISITED}))
    with pytest.warns(known_ground_truth.UnpublishedGroundTruth, match="4993 and 70"):
        said = known_ground_truth.check(gt, "oxford5k", "ox")
    assert said.startswith("differs from the published ROxford5k (10 database images")
    monkeypatch.setitem(known_ground_truth.PUBLISHED, paper_ground_truth.content_digest(gt),
                        ("oxford5k", "revisited", 10, 2))
    assert known_ground_truth.check(gt, "oxford5k", "ox") == "published ROxford5k"
    with pytest.raises(known_ground_truth.WrongGroundTruth, match="ROxford5k .* not paris"):
        known_ground_truth.check(gt, "paris6k", "paris")
    folder = paper_ground_truth.PublishedGroundTruth("original", "gt/", None, [])
    assert known_ground_truth.check(folder, "oxford5k", "ox").startswith("not checked")


def test_original_protocol_files(tmp_path):
    (tmp_path / "all_souls_1_query.txt").write_text(
        "oxc1_all_souls_000013 136.5 34.1 648.5 955.7\n")
    (tmp_path / "all_souls_1_good.txt").write_text("all_souls_000013\nall_souls_000026\n")
    (tmp_path / "all_souls_1_ok.txt").write_text("all_souls_000040\n")
    (tmp_path / "all_souls_1_junk.txt").write_text("oxford_000317\n")
    [query] = paper_ground_truth.read_original_gt(tmp_path)
    assert query["image"] == "all_souls_000013"
    assert query["bbx"] == [136.5, 34.1, 648.5, 955.7]
    assert query["positives"] == ["all_souls_000013", "all_souls_000026", "all_souls_000040"]
    assert query["junk"] == ["oxford_000317"]
    gt = paper_ground_truth.read_ground_truth(tmp_path)
    assert gt.protocol == "original" and gt.imlist is None and gt.queries == [query]
    (tmp_path / "all_souls_1_ok.txt").unlink()
    with pytest.raises(paper_ground_truth.GroundTruthError, match="missing"):
        paper_ground_truth.read_original_gt(tmp_path)


def test_holidays_names():
    paper_ground_truth.holidays_names(["100000", "100001"])
    with pytest.raises(paper_ground_truth.GroundTruthError,
                       match="is this a copy of INRIA Holidays"):
        paper_ground_truth.holidays_names(["100000", "paris_defense_000000"])
