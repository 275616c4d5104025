"""A kernel that dies at start (two kernels racing for one port) is started again; a
failing cell is not retried."""
import pytest
from fsrstudy import notebook_runner


def test_kernel_start_race_is_retried(monkeypatch, tmp_path):
    calls = []

    def execute_notebook(*args, **kwargs):
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr("papermill.execute_notebook", execute_notebook)
    monkeypatch.setattr(notebook_runner.time, "sleep", lambda s: None)
    notebook_runner.execute("in.ipynb", tmp_path / "out.ipynb", {}, str(tmp_path))
    assert len(calls) == 3


def test_other_failures_are_not_retried(monkeypatch, tmp_path):
    calls = []

    def execute_notebook(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("a cell failed")

    monkeypatch.setattr("papermill.execute_notebook", execute_notebook)
    with pytest.raises(RuntimeError, match="a cell failed"):
        notebook_runner.execute("in.ipynb", tmp_path / "out.ipynb", {}, str(tmp_path))
    assert len(calls) == 1
