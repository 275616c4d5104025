"""Outputs appear whole or not at all."""
import numpy as np
import pytest
from fsrstudy import atomic


def test_failed_write_leaves_nothing(tmp_path):
    target = tmp_path / "out.npy"
    with pytest.raises(RuntimeError):
        with atomic.atomic_path(target) as tmp:
            tmp.write_bytes(b"partial")
            raise RuntimeError("interrupted")
    assert list(tmp_path.iterdir()) == []


def test_successful_write_replaces(tmp_path):
    target = tmp_path / "sub" / "a.npy"
    atomic.save_npy(target, np.arange(3))
    atomic.save_npy(target, np.arange(4))
    np.testing.assert_array_equal(np.load(target), np.arange(4))
    assert [p.name for p in target.parent.iterdir()] == ["a.npy"]


def test_outputs_get_the_usual_permissions(tmp_path):
    import os
    target = tmp_path / "t.csv"
    atomic.save_text(target, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_a_full_disk_is_named_as_such_and_leaves_nothing(tmp_path, monkeypatch):
    """numpy reports a short write as "N requested and M written"; the error names the
    full disk (errno ENOSPC) and no partial file remains."""
    import errno

    def short_write(file, array):
        file.write(b"\x93NUMPY")
        raise OSError("21504 requested and 14304 written")

    monkeypatch.setattr(atomic.np, "save", short_write)
    with pytest.raises(OSError, match="No space left on device while writing") as caught:
        atomic.save_npy(tmp_path / "a.npy", np.zeros(10000))
    assert caught.value.errno == errno.ENOSPC
    assert list(tmp_path.iterdir()) == []
