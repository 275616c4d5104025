"""The paper's datasets end to end, from a real HTTP server on 127.0.0.1 serving archives
built by the test with the real names and layouts: download -> unpack -> manifest and
ground truth, per dataset layout; plus the user's CSV dataset."""
import json

import numpy as np
import pandas as pd
import paper_fixtures as pf
import pytest
from fsrstudy.data import (
    dataset_kinds,
    degrade,
    download,
    fetch,
    groundtruth,
    images,
    manifest,
    user_set,
)
from PIL import Image

BUILDERS = {"oxford5k": pf.build_oxford, "paris6k": pf.build_paris,
            "holidays": pf.build_holidays}


def fetch_kind(kind, built, base, data_dir, dead_first=True):
    """What the workflow's download and unpack rules do, for one kind."""
    for name in fetch.downloads_of(kind, archives=2):
        urls = ([f"{base}/dead/{name}"] if dead_first else []) + [f"{base}/{name}"]
        sha = download.sha256_of(built["files"][name])
        download.download(urls, fetch.download_path(data_dir, name), sha, backoff=0,
                          progress=False)
    fetch.unpack(kind, data_dir, archives=2)


_FETCHED = {}


def _fetched(kind, tmp_path_factory):
    """Each layout served, downloaded and read once per test module."""
    if kind not in _FETCHED:
        _FETCHED[kind] = _fetch_and_read(kind, tmp_path_factory)
    return _FETCHED[kind]


@pytest.fixture(scope="module", params=sorted(BUILDERS))
def fetched(request, tmp_path_factory):
    return _fetched(request.param, tmp_path_factory)


@pytest.fixture(scope="module", params=["oxford5k", "paris6k"])
def landmarks(request, tmp_path_factory):
    return _fetched(request.param, tmp_path_factory)


def _fetch_and_read(kind, tmp_path_factory):
    served, data_dir = tmp_path_factory.mktemp("served"), tmp_path_factory.mktemp("data")
    built = BUILDERS[kind](served)
    with pf.serve_directory(served) as base:
        fetch_kind(kind, built, base, data_dir)
        assert any(r.startswith("/dead/") for r in base.requests)  # first mirror was dead
    manifest_, bad, sets, *_ = dataset_kinds.build_all([{"kind": kind, "use": "evaluate"}],
                                                   data_dir, seed=0)
    return kind, built, data_dir, manifest_, bad, {s.protocol: s for s in sets}


def test_download_unpack_manifest_per_layout(fetched):
    kind, built, data_dir, table, bad, sets = fetched
    manifest.check(table)
    marker = json.loads(fetch.unpacked_marker(data_dir, kind).read_text())
    assert set(marker["archives"]) == {n for n in fetch.downloads_of(kind)
                                       if n.endswith(("gz", "tgz"))}
    database = table[table.split == "database"]
    assert sorted(database.image_id) == sorted(f"{kind}/{n}" for n in built["images"])
    assert sorted(bad.file.map(lambda f: f.rsplit("/", 1)[-1][:-4])) == sorted(built["corrupt"])
    if kind == "holidays":
        assert list(sets) == ["holidays"]
        assert len(sets["holidays"].queries) == len(built["queries"])
    else:
        assert list(sets) == ["original", "revisited_easy", "revisited_medium",
                              "revisited_hard"]
        assert len(sets["original"].queries) == built["expected"]["queries"]
        assert len(sets["revisited_medium"].queries) == built["expected"]["rqueries"]
    for query_set in sets.values():  # every id resolves against the manifest
        protocol = groundtruth.resolve(table, query_set)
        assert len(protocol.query_rows) == len(query_set.queries)


def test_original_protocol_matches_the_files(landmarks):
    kind, built, _, table, _, sets = landmarks
    original = sets["original"]
    for query, positives, junk in zip(original.queries, original.positives, original.junk):
        gt = built["gt"][query.split("/")[1][:-len("__q")]]
        assert positives == sorted(f"{kind}/{n}" for n in gt["good"] + gt["ok"]
                                   if n not in built["corrupt"])
        assert junk == sorted(f"{kind}/{n}" for n in gt["junk"] if n not in built["corrupt"])
        row = table.set_index("image_id").loc[query]
        assert json.loads(row.view_params) == {"exif": False, "box": gt["bbx"]}


def test_revisited_protocols_combine_easy_hard_junk(landmarks):
    kind, built, _, table, _, sets = landmarks
    revisited = built["revisited"]
    outside = {f"{kind}/{n}" for n in built["images"]} - {f"{kind}/{n}"
                                                          for n in revisited["imlist"]}
    assert outside  # the revisited queries are not in its image list
    for name in revisited["qimlist"]:
        gnd = revisited["gnd"][name]
        ids = {k: {f"{kind}/{n}" for n in gnd[k]} for k in ("easy", "hard", "junk")}
        q = f"{kind}/{name}__rq"
        for protocol, positives, junk in [
                ("easy", ids["easy"], ids["junk"] | ids["hard"]),
                ("medium", ids["easy"] | ids["hard"], ids["junk"]),
                ("hard", ids["hard"], ids["junk"] | ids["easy"])]:
            query_set = sets[f"revisited_{protocol}"]
            j = query_set.queries.index(q)
            assert set(query_set.positives[j]) == positives
            assert set(query_set.junk[j]) == junk | outside


def test_queries_are_cropped_to_their_box(landmarks):
    kind, built, _, table, _, sets = landmarks
    row = table[table.split == "query"].iloc[0]
    params = json.loads(row.view_params)
    x1, y1, x2, y2 = params["box"]
    photo = images.load_rgb(row.file, exif=False)
    crop = degrade.views.render_view(photo, row.view_params)
    assert crop.size == (int(np.ceil(x2)) - int(np.floor(x1)),
                         int(np.ceil(y2)) - int(np.floor(y1)))
    np.testing.assert_array_equal(np.asarray(crop)[0, 0],
                                  np.asarray(photo)[int(np.floor(y1)), int(np.floor(x1))])


def test_holidays_groups_and_the_query_left_out_of_its_ranking(tmp_path_factory):
    kind, built, _, table, _, sets = _fetched("holidays", tmp_path_factory)
    query_set = sets["holidays"]
    for query, positives, junk in zip(query_set.queries, query_set.positives, query_set.junk):
        name = query.split("/")[1][:-len("__q")]
        assert positives == sorted(f"holidays/{n}" for n in built["groups"][name])
        assert junk == [f"holidays/{name}"]


def test_paper_split_holds_out_the_queries_and_the_papers_count(tmp_path):
    served = tmp_path / "served"
    built = pf.build_oxford(served)
    with pf.serve_directory(served) as base:
        fetch_kind("oxford5k", built, base, tmp_path, dead_first=False)
    table, *_ = dataset_kinds.build_all([{"kind": "oxford5k", "eval_images": 12}],
                                          tmp_path, seed=3)
    manifest.check(table, group_disjoint=False)
    database = table[table.split == "database"]
    assert (database.train == 0).sum() == 12 and (database.train == 1).sum() == len(database) - 12
    query_photos = set(table.loc[table.split == "query", "photo_id"])
    assert query_photos <= set(database.loc[database.train == 0, "photo_id"])
    again, *_ = dataset_kinds.build_all([{"kind": "oxford5k", "eval_images": 12}],
                                          tmp_path, seed=3)
    pd.testing.assert_frame_equal(table, again)


def test_holidays_upright_variant_rotates_listed_images(tmp_path):
    served = tmp_path / "served"
    built = pf.build_holidays(served)
    with pf.serve_directory(served) as base:
        fetch_kind("holidays", built, base, tmp_path, dead_first=False)
    rotations = tmp_path / "upright.csv"
    rotations.write_text("image,rotate\n" + "".join(f"{n}.jpg,270\n" for n in pf.HOLIDAYS_ROTATED))
    table, *_ = dataset_kinds.build_all(
        [{"kind": "holidays", "name": "holidays_upright", "use": "evaluate",
          "orientation": "rotation_list", "rotation_list": str(rotations)}], tmp_path, seed=0)
    row = table.set_index("image_id").loc[f"holidays_upright/{pf.HOLIDAYS_ROTATED[0]}"]
    stored = images.load_rgb(row.file, exif=False)
    upright = degrade.views.render_view(stored, row.view_params)
    assert stored.size[0] < stored.size[1] and upright.size == stored.size[::-1]


def test_revisitop1m_distractors_download_and_unpack(tmp_path):
    served = tmp_path / "served"
    built = pf.build_revisitop1m(served)
    with pf.serve_directory(served) as base:
        fetch_kind("revisitop1m", built, base, tmp_path)
    listed = fetch.layout(tmp_path, "revisitop1m", 2)["lists"][0].read_text().split()
    folder = fetch.layout(tmp_path, "revisitop1m", 2)["images"]
    assert sorted(listed) == sorted(built["images"])
    assert all((folder / "jpg" / name).is_file() for name in listed)


# -- a user's own images -----------------------------------------------------------------
def _user_folder(tmp_path):
    rng = np.random.default_rng(0)
    for name in ["a1", "a2", "b1", "b2", "t1", "t2"]:
        Image.fromarray(rng.integers(0, 255, (40, 50, 3), np.uint8)).save(tmp_path / f"{name}.jpg")
    return tmp_path


def test_user_csv_dataset_builds_groups_protocol(tmp_path):
    folder = _user_folder(tmp_path)
    (folder / "set.csv").write_text(
        "image,group,role,x1,y1,x2,y2\n"
        "a1.jpg,A,query,5,5,30,35\n" "a1.jpg,A,db,,,,\n" "a2.jpg,A,db,,,,\n"
        "b1.jpg,B,query,,,,\n" "b2.jpg,B,db,,,,\n" "t1.jpg,T,train,,,,\n" "t2.jpg,T,train,,,,\n")
    [entry] = dataset_kinds.normalise([{"kind": "csv", "name": "mine",
                                        "csv": str(folder / "set.csv")}])
    table, bad, [query_set], *_ = dataset_kinds.build(entry, tmp_path, seed=0)
    assert len(bad) == 0 and (table.split == "train").sum() == 2
    assert query_set.queries == ["mine/a1.jpg__q", "mine/b1.jpg__q"]
    assert query_set.positives == [["mine/a2.jpg"], ["mine/b2.jpg"]]
    assert query_set.junk == [["mine/a1.jpg"], []]  # the query's own db copy is left out
    assert json.loads(table.set_index("image_id").loc["mine/a1.jpg__q", "view_params"]) == \
        {"box": [5.0, 5.0, 30.0, 35.0]}


def test_user_csv_reports_every_bad_row(tmp_path):
    folder = _user_folder(tmp_path)
    (folder / "set.csv").write_text(
        "image,group,role,x1,y1,x2,y2\n"
        "a1.jpg,A,query,5,5,30,\n"          # line 2: half a box
        "nothere.jpg,A,db,,,,\n"            # line 3: missing image
        "a2.jpg,,db,,,,\n"                  # line 4: empty group
        "b1.jpg,B,probe,,,,\n"              # line 5: bad role
        "b2.jpg,B,query,0,0,500,20\n"       # line 6: box outside the image
        "t1.jpg,T,train,1,1,5,5\n")         # line 7: box on a non-query
    with pytest.raises(user_set.UserSetError) as error:
        user_set.read(folder / "set.csv")
    message = str(error.value)
    for line, words in [(2, "x1, y1, x2, y2"), (3, "not found"), (4, "empty group"),
                        (5, "'probe'"), (6, "outside the 50x40"), (7, "only query rows")]:
        assert f"line {line}: " in message and words in message, (line, message)


def test_user_csv_refuses_leakage(tmp_path):
    folder = _user_folder(tmp_path)
    (folder / "set.csv").write_text("image,group,role\n" "a1.jpg,A,query\n" "a2.jpg,A,db\n"
                                    "a1.jpg,A,train\n")
    with pytest.raises(user_set.UserSetError, match="query photos used for training"):
        user_set.build("mine", folder / "set.csv")


def test_a_file_placed_by_hand_is_verified_before_unpacking(tmp_path):
    built = pf.build_holidays(tmp_path / "served")
    for name, path in built["files"].items():  # a dead link's workaround: copy by hand
        target = fetch.download_path(tmp_path, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    good = {n: download.sha256_of(p) for n, p in built["files"].items()}
    with pytest.raises(download.ChecksumMismatch, match="jpg1.tar.gz"):
        fetch.unpack("holidays", tmp_path, checksums={**good, "jpg1.tar.gz": "0" * 64})
    assert not fetch.unpacked_marker(tmp_path, "holidays").exists()
    fetch.unpack("holidays", tmp_path, checksums=good)
    assert fetch.unpacked_marker(tmp_path, "holidays").exists()
