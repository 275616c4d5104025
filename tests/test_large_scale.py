"""Large-scale retrieval: counting distractors gives the same AP and mP@k as ranking
everything."""
import numpy as np
import pytest
from fsrstudy import run_files
from fsrstudy.evaluation import large_scale, scoring
from fsrstudy.models import compute


def _data(seed=0, n_db=30, n_distractors=200, dim=16, n_queries=6):
    rng = np.random.default_rng(seed)
    database = rng.normal(size=(n_db, dim)).astype(np.float32)
    distractors = rng.normal(size=(n_distractors, dim)).astype(np.float32)
    # queries near their positives, so that distractors do move them
    positives = [rng.choice(n_db, size=rng.integers(1, 5), replace=False) for _ in
                 range(n_queries)]
    queries = np.stack([database[p].mean(0) + rng.normal(scale=0.8, size=dim)
                        for p in positives]).astype(np.float32)
    junk = [np.setdiff1d(rng.choice(n_db, 2, replace=False), p) for p in positives]
    positives[2] = np.array([], int)  # a query with no positive is skipped
    return queries, database, distractors, positives, junk


@pytest.mark.parametrize("shard", [7, 64, 1000])
def test_counting_equals_ranking_everything(shard):
    queries, database, distractors, positives, junk = _data()
    rows = large_scale.evaluate(queries, database, positives, junk, distractors,
                                sizes=[0, 13, 100, 200], shard=shard)
    assert [r["n_distractors"] for r in rows] == [0, 13, 100, 200]
    for row in rows:
        n = row["n_distractors"]
        everything = np.concatenate([database, distractors[:n]])
        ranks = scoring.rank(queries, everything)
        m_ap, aps = scoring.mean_average_precision(ranks, positives, junk)
        m_pk = scoring.mean_precision_at_k(ranks, positives, junk)
        assert row["mAP"] == pytest.approx(m_ap, abs=1e-12)
        assert [row["mP@1"], row["mP@5"], row["mP@10"]] == pytest.approx(m_pk)
        assert row["n_queries"] == 5
    assert rows[-1]["mAP"] < rows[0]["mAP"]  # distractors hurt


def test_the_interval_is_the_bootstrap_of_the_same_per_query_aps():
    from fsrstudy.evaluation import uncertainty

    queries, database, distractors, positives, junk = _data()
    rows = large_scale.evaluate(queries, database, positives, junk, distractors,
                                sizes=[0, 200], seed=5)
    for row in rows:
        everything = np.concatenate([database, distractors[:row["n_distractors"]]])
        _, aps = scoring.mean_average_precision(scoring.rank(queries, everything),
                                                positives, junk)
        assert (row["mAP_low"], row["mAP_high"]) == pytest.approx(
            uncertainty.interval(aps, seed=5), abs=1e-12)
    assert "mAP_low" not in large_scale.evaluate(queries, database, positives, junk,
                                                 distractors, sizes=[0])[0]


def test_distractors_are_read_in_shards_from_a_memmap(tmp_path):
    queries, database, distractors, positives, junk = _data(seed=2)
    path = tmp_path / "distractors.npy"
    np.save(path, distractors)
    mapped = np.load(path, mmap_mode="r")
    blocks = list(large_scale.shards(mapped, 200, shard=64, boundaries=[100]))
    assert [start for start, _ in blocks] == [0, 64, 100, 128, 192]
    assert sum(len(b) for _, b in blocks) == 200
    a = large_scale.evaluate(queries, database, positives, junk, mapped, [200], shard=64)
    b = large_scale.evaluate(queries, database, positives, junk, distractors, [200])
    assert a == b


def _fetched_revisitop1m(folder):
    """The revisitop1m fixture (2 archives) as the download and unpack stages leave it:
    its layout, and what was built."""
    import paper_fixtures as pf
    from fsrstudy.data import fetch

    built = pf.build_revisitop1m(folder / "served")
    for name, path in built["files"].items():
        target = fetch.download_path(folder, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    fetch.unpack("revisitop1m", folder, archives=2)
    return fetch.layout(folder, "revisitop1m", 2), built


def test_external_distractors_stream_into_a_memmap(tmp_path):
    from fsrstudy.models import backbones
    from fsrstudy.stages import distractors

    where, built = _fetched_revisitop1m(tmp_path)
    files = distractors.listed_files(where["lists"][0], where["images"])
    assert len(files) == len(built["images"])
    files[1].write_bytes(b"")  # an unreadable distractor: zero row, listed
    model = backbones.build("offline_vgg16", ["gem"], pretrained=False)
    out = {"vgg16_conv5_gem": tmp_path / "d.npy"}
    bad = distractors.extract(files, out, model, {"gem": "vgg16_conv5_gem"}, size=32,
                              batch_size=4, plan=compute.plan("cpu", "fp32", "default"))
    array = np.load(out["vgg16_conv5_gem"], mmap_mode="r")
    assert array.shape == (len(files), 512)
    assert not array[1].any() and np.allclose(np.linalg.norm(array[[0, 2]], axis=1), 1)
    assert [b["file"] for b in bad] == [str(files[1])]


def test_sharded_distractor_features_equal_one_job(tmp_path):
    """Three shard jobs then the gather give the single job's arrays bit for bit, and
    its list of unreadable images."""
    from fsrstudy.stages import distractors

    where, _ = _fetched_revisitop1m(tmp_path)
    distractors.listed_files(where["lists"][0], where["images"])[3].write_bytes(b"")
    options = dict(input_size=32, source="offline_vgg16", poolings=["gem"], gem_p=3.0,
                   batch_size=2, device="cpu", precision="fp32", engine="default")
    args = (where["lists"][0], where["images"])
    distractors.describe_distractors(*args, tmp_path / "one", tmp_path / "one_bad.csv",
                                      **options)
    dirs = [tmp_path / "shards" / str(k) for k in range(3)]
    for k, shard_dir in enumerate(dirs):
        meta = distractors.describe_distractors(*args, None, shard_dir / "bad.csv",
                                                 **options, shard=k, shards=3,
                                                 shard_dir=shard_dir)
        assert meta["images"] == 2
    rows = distractors.gather_distractors(dirs, ["vgg16_conv5_gem"], tmp_path / "gathered",
                                           [d / "bad.csv" for d in dirs],
                                           tmp_path / "gathered_bad.csv")
    assert rows == {"vgg16_conv5_gem": 6}
    one = np.load(run_files.distractor_feature_path(tmp_path / "one", "vgg16_conv5_gem"))
    gathered = np.load(run_files.distractor_feature_path(tmp_path / "gathered",
                                                       "vgg16_conv5_gem"))
    np.testing.assert_array_equal(gathered, one)
    assert not one[3].any() and one.shape == (6, 512)
    assert (tmp_path / "gathered_bad.csv").read_text() == (tmp_path / "one_bad.csv").read_text()
    with pytest.raises(ValueError, match="shard 2 of 4 is empty"):
        distractors.describe_distractors(*args, None, tmp_path / "x.csv", **options,
                                          shard=2, shards=4, shard_dir=tmp_path / "x")
