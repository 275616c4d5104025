"""The synthetic dataset stand-ins in paper_fixtures.py build what they promise."""
import hashlib
import io
import pickle
import tarfile
import urllib.error
import urllib.request

import paper_fixtures as pf
import pytest
from PIL import Image


def members(path) -> dict[str, bytes]:
    with tarfile.open(path) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def size_of(data: bytes) -> tuple[int, int]:
    img = Image.open(io.BytesIO(data))
    img.load()  # decode fully: raises on truncated data
    return img.size


def inside(bbx, size) -> bool:
    x1, y1, x2, y2 = bbx
    return 0 <= x1 < x2 <= size[0] and 0 <= y1 < y2 <= size[1]


def test_oxford_layout_and_ground_truth(tmp_path):
    built = pf.build_oxford(tmp_path)
    assert set(built["files"]) == {"oxbuild_images-v1.tgz", "gt_files_170407.tgz",
                                   "gnd_roxford5k.pkl"}
    images = members(tmp_path / "oxbuild_images-v1.tgz")
    assert sorted(images) == [f"{n}.jpg" for n in built["images"]]  # flat, no folder
    assert len(images) == built["expected"]["images"]
    assert "all_souls_000013.jpg" in images and "oxford_000317.jpg" in images
    for name, data in images.items():
        assert size_of(data) == built["sizes"][name[:-4]]

    gt_files = members(tmp_path / "gt_files_170407.tgz")
    assert len(gt_files) == 4 * built["expected"]["queries"]
    for q, g in built["gt"].items():
        line = gt_files[f"{q}_query.txt"].decode().split()
        assert line[0] == "oxc1_" + g["image"]
        assert [float(v) for v in line[1:]] == g["bbx"]
        assert inside(g["bbx"], built["sizes"][g["image"]])
        assert g["image"] in g["good"]  # the original query is in its own good list
        for kind in ("good", "ok", "junk"):
            assert gt_files[f"{q}_{kind}.txt"].decode().split() == g[kind]

    with open(tmp_path / "gnd_roxford5k.pkl", "rb") as f:
        raw = pickle.load(f)
    rev = built["revisited"]
    assert raw["imlist"] == rev["imlist"] and raw["qimlist"] == rev["qimlist"]
    assert len(raw["qimlist"]) == built["expected"]["rqueries"] > built["expected"]["queries"]
    assert not set(raw["qimlist"]) & set(raw["imlist"])  # revisited queries are not in imlist
    assert len(raw["imlist"]) + len(raw["qimlist"]) == len(images)
    for q, g in zip(raw["qimlist"], raw["gnd"]):
        for kind in ("easy", "hard", "junk"):
            assert [raw["imlist"][i] for i in g[kind]] == rev["gnd"][q][kind]
            assert all(isinstance(i, int) for i in g[kind])
        assert g["bbx"] == rev["gnd"][q]["bbx"] and inside(g["bbx"], built["sizes"][q])


def test_paris_archives_corrupt_files_and_gt(tmp_path):
    built = pf.build_paris(tmp_path)
    one, two = members(tmp_path / "paris_1-v1.tgz"), members(tmp_path / "paris_2-v1.tgz")
    assert "paris/defense/paris_defense_000605.jpg" in one
    landmarks = lambda ms: {m.split("/")[1] for m in ms}  # noqa: E731
    assert not landmarks(one) & landmarks(two)  # landmarks split across the archives
    allm = one | two
    assert len(allm) == built["expected"]["members"] == len(built["images"]) + 2
    unreadable = []
    for name, data in allm.items():
        try:
            size_of(data)
        except Exception:
            unreadable.append(name.rsplit("/", 1)[1][:-4])
    assert sorted(unreadable) == built["corrupt"] and len(unreadable) == 2

    gt_files = members(tmp_path / "paris_120310.tgz")
    line = gt_files["defense_1_query.txt"].decode()
    assert line.split()[0] == "paris_defense_000605" and "oxc1_" not in line
    with open(tmp_path / "gnd_rparis6k.pkl", "rb") as f:
        raw = pickle.load(f)
    assert not set(built["corrupt"]) & set(raw["imlist"])
    assert not set(raw["qimlist"]) & set(raw["imlist"])
    assert len(raw["gnd"]) == len(raw["qimlist"]) == built["expected"]["rqueries"]


def test_holidays_groups(tmp_path):
    built = pf.build_holidays(tmp_path)
    one, two = members(tmp_path / "jpg1.tar.gz"), members(tmp_path / "jpg2.tar.gz")
    assert one and two and "jpg/100000.jpg" in one and "jpg/100001.jpg" in one
    names = sorted(m[4:-4] for m in one | two)
    assert names == sorted(built["images"]) and len(names) == built["expected"]["images"]
    for q, rel in built["groups"].items():
        assert q.endswith("00") and all(r[:4] == q[:4] for r in rel) and rel
    for name, data in (one | two).items():
        w, h = size_of(data)
        assert (h > w) == (name[4:-4] in built["rotated"])  # stored rotated: portrait


def test_revisitop1m_list_matches_archives(tmp_path):
    built = pf.build_revisitop1m(tmp_path)
    archived = [m for a in ("revisitop1m.1.tar.gz", "revisitop1m.2.tar.gz")
                for m in members(tmp_path / a)]
    listed = (tmp_path / "revisitop1m.txt").read_text().split()
    assert sorted(archived) == sorted(f"jpg/{rel}" for rel in listed)
    assert len(listed) == built["expected"]["images"] == 6


def test_builds_are_reproducible(tmp_path):
    a, b = pf.build_holidays(tmp_path / "a"), pf.build_holidays(tmp_path / "b")
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert [digest(p) for p in a["files"].values()] == [digest(p) for p in b["files"].values()]


def test_server_full_range_and_missing(tmp_path):
    (tmp_path / "f.bin").write_bytes(bytes(range(100)))
    with pf.serve_directory(tmp_path) as url:
        with urllib.request.urlopen(f"{url}/f.bin") as r:
            assert r.status == 200 and r.read() == bytes(range(100))
        req = urllib.request.Request(f"{url}/f.bin", headers={"Range": "bytes=90-"})
        with urllib.request.urlopen(req) as r:
            assert r.status == 206 and r.read() == bytes(range(90, 100))
            assert r.headers["Content-Range"] == "bytes 90-99/100"
            assert r.headers["Content-Length"] == "10"
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(f"{url}/missing.tgz")
        assert err.value.code == 404
        req = urllib.request.Request(f"{url}/f.bin", headers={"Range": "bytes=100-"})
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(req)  # the whole file is already there
        assert err.value.code == 416
        assert url.requests == ["/f.bin", "/f.bin", "/missing.tgz", "/f.bin"]
        assert url.ranges == [None, "bytes=90-", None, "bytes=100-"]
