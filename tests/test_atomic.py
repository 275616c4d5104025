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
