"""Ground-truth readers on fixtures with the real files' structure."""
import pickle

import pytest
from fsrstudy.data import datasets


def _revisited(tmp_path, entry=None):
    gnd = {"imlist": [f"all_souls_{i:06d}" for i in range(10)],
           "qimlist": ["all_souls_000013", "radcliffe_camera_000519"],
           "gnd": [{"easy": [0, 1], "hard": [2], "junk": [3],
                    "bbx": [136.5, 34.1, 648.5, 955.7]},
                   entry or {"easy": [4], "hard": [], "junk": [], "bbx": [1, 2, 3, 4]}]}
    path = tmp_path / "gnd_roxford5k.pkl"
    path.write_bytes(pickle.dumps(gnd, protocol=2))
    return path


def test_revisited_gnd_reads(tmp_path):
    gnd = datasets.read_revisited_gnd(_revisited(tmp_path))
    assert len(gnd["qimlist"]) == 2 and gnd["gnd"][0]["bbx"][0] == 136.5


def test_revisited_gnd_index_out_of_range(tmp_path):
    path = _revisited(tmp_path, {"easy": [10], "hard": [], "junk": [], "bbx": [0, 0, 1, 1]})
    with pytest.raises(datasets.GroundTruthError, match="out of range"):
        datasets.read_revisited_gnd(path)


def test_original_protocol_files(tmp_path):
    (tmp_path / "all_souls_1_query.txt").write_text(
        "oxc1_all_souls_000013 136.5 34.1 648.5 955.7\n")
    (tmp_path / "all_souls_1_good.txt").write_text("all_souls_000013\nall_souls_000026\n")
    (tmp_path / "all_souls_1_ok.txt").write_text("all_souls_000040\n")
    (tmp_path / "all_souls_1_junk.txt").write_text("oxford_000317\n")
    [query] = datasets.read_original_gt(tmp_path)
    assert query["image"] == "all_souls_000013"
    assert query["bbx"] == [136.5, 34.1, 648.5, 955.7]
    assert query["positives"] == ["all_souls_000013", "all_souls_000026", "all_souls_000040"]
    assert query["junk"] == ["oxford_000317"]
    (tmp_path / "all_souls_1_ok.txt").unlink()
    with pytest.raises(datasets.GroundTruthError, match="missing"):
        datasets.read_original_gt(tmp_path)


def test_holidays_grouping():
    names = ["100000.jpg", "100001.jpg", "100002.jpg", "100100.jpg", "100101.jpg"]
    assert datasets.holidays_groups(names) == {"100000.jpg": ["100001.jpg", "100002.jpg"],
                                               "100100.jpg": ["100101.jpg"]}
    with pytest.raises(datasets.GroundTruthError, match="no query"):
        datasets.holidays_groups(["100201.jpg"])
