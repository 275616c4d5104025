"""Bad input to a user's set is named in prepare (file, csv line, why), under the
dataset's bad_images policy, and never changes results silently."""
import numpy as np
import pytest
from fsrstudy.data import dataset_kinds, images, user_set
from PIL import Image


def photo(path, size=(64, 48), value=128):
    Image.new("RGB", size, (value, value // 2, 30)).save(path)
    return path.name


def a_set(folder, lines: list[str]):
    folder.mkdir(exist_ok=True)
    csv = folder / "images.csv"
    csv.write_text("image,group,role\n" + "".join(f"{line}\n" for line in lines))
    return csv


def test_a_16_bit_image_keeps_its_tones():
    """A 16-bit grayscale PNG: value v becomes v >> 8, where convert('RGB') would make
    nearly every pixel white."""
    values = (np.arange(256, dtype=np.uint16) * 257)[None].repeat(3, 0)  # 0, 257, ... 65535
    values[0, :4] = [0, 255, 256, 40000]
    rgb = np.asarray(images.to_rgb8(Image.fromarray(values)))
    assert rgb.shape == (3, 256, 3) and rgb.dtype == np.uint8
    assert list(rgb[0, :4, 0]) == [0, 0, 1, 156]  # 40000 >> 8 = 156
    assert list(rgb[1, :, 1]) == list(range(256))  # v * 257 >> 8 = v
    assert (rgb[..., 0] == rgb[..., 2]).all()


def test_a_16_bit_png_on_disk_is_read_right(tmp_path):
    values = np.full((40, 40), 32768, dtype=np.uint16)
    Image.fromarray(values).save(tmp_path / "g.png")
    assert Image.open(tmp_path / "g.png").mode == "I;16"
    assert (np.asarray(images.load_rgb(tmp_path / "g.png")) == 128).all()


def test_too_small_and_too_elongated_images_are_named_and_left_out(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    photo(folder / "q.jpg"), photo(folder / "d.jpg")
    photo(folder / "dot.png", (1, 1)), photo(folder / "strip.png", (4000, 10))
    photo(folder / "band.png", (400, 40))
    csv = a_set(folder, ["q.jpg,a,query", "d.jpg,a,db", "dot.png,a,db", "strip.png,b,db",
                         "band.png,b,db"])
    screening = images.Screening("skip", min_side=32, max_aspect=4)
    frame, bad, _ = user_set.build("mine", csv, bad_images=screening)
    assert set(frame["file"].map(lambda f: f.rsplit("/", 1)[1])) == {"q.jpg", "d.jpg"}
    bad = bad.set_index(bad["file"].str.rsplit("/", n=1).str[1])
    assert bad.loc["dot.png", "line"] == 4 and bad.loc["strip.png", "line"] == 5
    assert bad.loc["dot.png", "reason"] == ("1x1 pixels: a side under min_side 32 "
                                            "(datasets[].min_side)")
    assert bad.loc["strip.png", "reason"] == (
        "4000x10 pixels: a side under min_side 32 (datasets[].min_side); "
        "aspect 400 over max_aspect 4 (datasets[].max_aspect)")
    assert bad.loc["band.png", "reason"] == ("400x40 pixels: aspect 10 over max_aspect 4 "
                                             "(datasets[].max_aspect)")
    with pytest.raises(images.BadImage, match="3 unusable image.*bad_images: fail"):
        user_set.build("mine", csv, bad_images=images.Screening("fail", 32, 4))


def test_the_thresholds_come_from_the_config_and_keep_every_demo_photo(tmp_path):
    entry = dataset_kinds.normalise([{"kind": "demo"}])[0]
    assert (entry["min_side"], entry["max_aspect"]) == (32, 4)
    _, bad, *_ = dataset_kinds.build_all([{"kind": "demo"}], tmp_path, seed=0)
    assert bad.empty and list(bad.columns) == ["dataset", "file", "line", "reason"]


def test_a_query_with_nothing_to_find_is_named_by_line(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    for name in ["q1.jpg", "q2.jpg", "d1.jpg", "d2.jpg"]:
        photo(folder / name)
    # q2's group b has no db image; q1.jpg is also a db image of its own group a
    csv = a_set(folder, ["q1.jpg,a,query", "q1.jpg,a,db", "d1.jpg,a,db", "q2.jpg,b,query",
                         "d2.jpg,c,db"])
    frame, bad, (groups,) = user_set.build("mine", csv)
    assert list(bad["line"]) == [5]
    assert bad["reason"][0].startswith("query with no other db image in its group 'b'")
    assert groups.queries == ["mine/q1.jpg__q"] and groups.positives == [["mine/d1.jpg"]]
    assert "mine/q2.jpg__q" not in set(frame["image_id"])
    with pytest.raises(user_set.UserSetError, match="line 5: query with no other db image"):
        user_set.build("mine", csv, bad_images="fail")
    # no query left at all: stopped, not an empty evaluation
    lonely = a_set(tmp_path / "lonely", ["q.jpg,a,query", "d.jpg,b,db"])
    photo(lonely.parent / "q.jpg"), photo(lonely.parent / "d.jpg")
    with pytest.raises(user_set.UserSetError, match="no query left to evaluate"):
        user_set.build("lonely", lonely)


def test_an_empty_or_header_only_csv_says_so(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    with pytest.raises(user_set.UserSetError, match="empty.csv: empty file; expected a header"):
        user_set.read(tmp_path / "empty.csv")
    (tmp_path / "header.csv").write_text("image,group,role\n")
    with pytest.raises(user_set.UserSetError, match="header.csv: no rows under its header"):
        user_set.read(tmp_path / "header.csv")


def test_two_paths_that_give_one_id_are_named_by_their_lines(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    photo(folder / "x y.jpg"), photo(folder / "x_y.jpg"), photo(folder / "q.jpg")
    csv = a_set(folder, ["q.jpg,a,query", "x y.jpg,a,db", "x_y.jpg,a,db"])
    with pytest.raises(user_set.UserSetError) as caught:
        user_set.read(csv)
    assert ("line 3 and line 4: 'x y.jpg' and 'x_y.jpg' give the same image id 'x_y.jpg'"
            in str(caught.value))


def test_a_16_bit_pgm_is_scaled_by_its_depth_not_by_its_brightest_pixel(tmp_path):
    """Pillow opens a 16-bit PGM as 32-bit mode I: still v >> 8, so a dark image stays
    dark (scaling by its brightest pixel, 4000, would have made it near white)."""
    (tmp_path / "dark.pgm").write_bytes(
        b"P5 4 1 65535\n" + np.array([0, 256, 1000, 4000], ">u2").tobytes())
    assert Image.open(tmp_path / "dark.pgm").mode == "I"
    gray = np.asarray(images.load_rgb(tmp_path / "dark.pgm"))[0, :, 0]
    assert list(gray) == [0, 1, 3, 15]  # 256 >> 8, 1000 >> 8, 4000 >> 8; not 4000 -> 250


def test_a_training_only_csv_set_has_no_query_to_miss(tmp_path):
    """A csv set of train rows alone (trained on, another dataset searched) builds."""
    folder = tmp_path / "mine"
    folder.mkdir()
    photo(folder / "a.jpg"), photo(folder / "b.jpg")
    csv = a_set(folder, ["a.jpg,x,train", "b.jpg,y,train"])
    for use in ("train", "roles"):
        [entry] = dataset_kinds.normalise([{"kind": "csv", "csv": str(csv), "use": use}])
        frame, bad, *_ = dataset_kinds.build(entry, tmp_path, seed=0)
        assert len(frame) == 2 and bad.empty, use


def test_paths_that_give_one_id_are_named_whatever_their_roles(tmp_path):
    """'x y.jpg' as a query and 'x_y.jpg' as a db image: one photo id, so the db image
    would silently count as the query's own copy (junk), not as its positive."""
    folder = tmp_path / "mine"
    folder.mkdir()
    photo(folder / "x y.jpg"), photo(folder / "x_y.jpg")
    csv = a_set(folder, ["x y.jpg,a,query", "x_y.jpg,a,db"])
    with pytest.raises(user_set.UserSetError,
                       match="line 2 and line 3: 'x y.jpg' and 'x_y.jpg' give the same "
                             "image id 'x_y.jpg'; rename one of the files"):
        user_set.read(csv)


def test_blank_lines_do_not_shift_the_line_numbers(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    photo(folder / "q.jpg"), photo(folder / "d.jpg"), photo(folder / "dot.png", (1, 1))
    csv = a_set(folder, ["", "q.jpg,a,query", "", "d.jpg,a,db", "dot.png,a,db", ""])
    table, _ = user_set.read(csv)
    assert list(table["image"]) == ["q.jpg", "d.jpg", "dot.png"]  # blank lines dropped
    _, bad, _ = user_set.build("mine", csv, bad_images=images.Screening("skip", 32, 4))
    assert list(bad["line"]) == [6]  # header, blank, q, blank, d: dot.png is line 6
    (folder / "bad.csv").write_text("image,group,role\n\nq.jpg,a,probe\n")
    with pytest.raises(user_set.UserSetError, match="line 3: role 'probe'"):  # not 2
        user_set.read(folder / "bad.csv")


def test_a_set_whose_every_query_image_is_unusable_stops(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    photo(folder / "q.jpg", (1, 1)), photo(folder / "d.jpg")
    csv = a_set(folder, ["q.jpg,a,query", "d.jpg,a,db"])
    with pytest.raises(user_set.UserSetError, match="no query left to evaluate"):
        user_set.build("mine", csv, bad_images=images.Screening("skip", 32, 4))
