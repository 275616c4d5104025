"""The kernel talks over Unix sockets in the job's own folder, so parallel jobs share no
port; a kernel that dies at start (two kernels racing for one TCP port) is started
again; a failing cell is not retried."""
import json
import os
import tempfile

import nbformat
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
    notebook_runner.execute("in.ipynb", tmp_path / "out.ipynb", {}, str(tmp_path), tmp_path)
    assert len(calls) == 3


def test_other_failures_are_not_retried(monkeypatch, tmp_path):
    calls = []

    def execute_notebook(*args, **kwargs):
        calls.append(1)
        raise RuntimeError("a cell failed")

    monkeypatch.setattr("papermill.execute_notebook", execute_notebook)
    with pytest.raises(RuntimeError, match="a cell failed"):
        notebook_runner.execute("in.ipynb", tmp_path / "out.ipynb", {}, str(tmp_path),
                                tmp_path)
    assert len(calls) == 1


def test_the_kernel_talks_over_unix_sockets_of_its_own(tmp_path):
    """A real run: the kernel's connection says ipc, its sockets lie in the runner's
    temporary folder (gone afterwards), and the notebook's parameter arrived."""
    source = tmp_path / "probe.py"
    source.write_text('# %% tags=["parameters"]\nanswer = 0\n\n'
                      "# %%\nimport json\nfrom ipykernel import get_connection_info\n"
                      "info = json.loads(get_connection_info())\n"
                      "print(json.dumps([info['transport'], info['ip'], answer]))\n")
    out = tmp_path / "probe.ipynb"
    notebook_runner.run(source, out, tmp_path / "probe.html", {"answer": 42})
    printed = [o["text"] for c in nbformat.read(out, as_version=4).cells
               if c.cell_type == "code" for o in c.get("outputs", []) if "text" in o]
    transport, ip, answer = json.loads(printed[-1])
    assert (transport, answer) == ("ipc", 42)
    socket_dir, name = os.path.split(ip)
    assert name == "kernel" and os.path.dirname(socket_dir) == tempfile.gettempdir()
    assert not os.path.exists(socket_dir)  # the runner's folder, removed
    assert (tmp_path / "probe.html").stat().st_size > 1000


def test_a_folder_too_deep_for_a_socket_falls_back_to_tcp(tmp_path):
    short = notebook_runner.kernel_config(tmp_path)
    assert short.KernelManager.transport == "ipc"
    assert short.KernelManager.ip == str(tmp_path / "kernel")
    deep = tmp_path / ("d" * notebook_runner.MAX_SOCKET_PREFIX)
    assert "KernelManager" not in notebook_runner.kernel_config(deep)
