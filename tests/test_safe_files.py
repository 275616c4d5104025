"""Hostile archives and pickles are refused, and nothing escapes or runs."""
import io
import os
import pickle
import tarfile
import zipfile

import numpy as np
import pytest
from fsrstudy.data import safe_files


def _tar(path, members):
    with tarfile.open(path, "w:gz") as tar:
        for info, data in members:
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    return path


def _file(name, data=b"x"):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    return info, data


def _link(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, None


def test_good_archive_extracts(tmp_path):
    archive = _tar(tmp_path / "ok.tgz", [_file("oxbuild/a.jpg"), _link("oxbuild/b.jpg", "a.jpg")])
    names = safe_files.extract(archive, tmp_path / "out")
    assert set(names) == {"oxbuild/a.jpg", "oxbuild/b.jpg"}
    assert (tmp_path / "out/oxbuild/a.jpg").read_bytes() == b"x"


@pytest.mark.parametrize("member", [
    _file("../escape.txt"), _file("/tmp/absolute_escape.txt"), _file("a/../../escape.txt"),
    _link("evil", "/etc/passwd"), _link("sub/evil", "../../outside"),
    _link("hard", "../outside", tarfile.LNKTYPE),
])
def test_hostile_members_are_refused(tmp_path, member):
    archive = _tar(tmp_path / "bad.tgz", [_file("fine.txt"), member])
    target = tmp_path / "out"
    with pytest.raises(safe_files.UnsafeArchive, match="member"):
        safe_files.extract(archive, target)
    written = {p.name for p in tmp_path.rglob("*")} - {"bad.tgz", "out"}
    assert written == set()  # nothing at all was written, in or out of the target
    assert not os.path.exists("/tmp/absolute_escape.txt")


def test_device_members_are_refused(tmp_path):
    info = tarfile.TarInfo("dev")
    info.type = tarfile.CHRTYPE
    archive = _tar(tmp_path / "dev.tgz", [(info, None)])
    with pytest.raises(safe_files.UnsafeArchive, match="device"):
        safe_files.extract(archive, tmp_path / "out")


def test_zip_slip_is_refused(tmp_path):
    path = tmp_path / "bad.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("../slip.txt", "x")
    with pytest.raises(safe_files.UnsafeArchive):
        safe_files.extract(path, tmp_path / "out")
    assert not (tmp_path / "slip.txt").exists()


def test_ground_truth_pickle_loads():
    gnd = {"imlist": ["all_souls_000001"], "qimlist": ["all_souls_000013"],
           "gnd": [{"easy": [0, 3], "hard": [5], "junk": [], "bbx": [136.5, 34.1, 648.5, 955.7],
                    "arr": np.arange(3)}]}
    loaded = safe_files.load_pickle(pickle.dumps(gnd, protocol=2))
    assert loaded["gnd"][0]["bbx"] == gnd["gnd"][0]["bbx"]
    np.testing.assert_array_equal(loaded["gnd"][0]["arr"], np.arange(3))


class _Exploit:
    def __reduce__(self):
        return (os.system, ("touch /tmp/fsrstudy_pwned",))


def test_code_running_pickle_is_refused_and_nothing_runs():
    if os.path.exists("/tmp/fsrstudy_pwned"):
        os.unlink("/tmp/fsrstudy_pwned")
    payload = pickle.dumps({"gnd": [_Exploit()]})
    with pytest.raises(safe_files.UnsafePickle, match="system"):
        safe_files.load_pickle(payload)
    assert not os.path.exists("/tmp/fsrstudy_pwned")
