"""A failing job says why on the console in one line (fsrstudy.logged), its full output
still in its log: a notebook's failing cell, a module's exception, a killed job, a log
that cannot be written; and through Snakemake, a user's CSV with bad rows."""
import os
import subprocess
import sys

import pytest
from fsrstudy import logged
from tiny_run import ROOT

WORKFLOW = ROOT / "workflow"

JOB = """\
import os, signal, sys
print("working on it")
what = sys.argv[1]
if what == "raise":
    raise ValueError("mine.csv: 2 bad row(s):\\n  line 3: no image\\n  line 5: bad role")
if what == "exit":
    print("the last words", file=sys.stderr)
    sys.exit(3)
if what == "kill":
    os.kill(os.getpid(), signal.SIGKILL)
if what == "short":  # numpy's words for a write cut short by a full disk
    raise OSError("21504 requested and 14304 written")
"""


def run_logged(tmp_path, log, *command):
    """`python -m fsrstudy.logged LOG COMMAND...` as a rule runs it: its result."""
    (tmp_path / "job.py").write_text(JOB)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(WORKFLOW), str(tmp_path)])}
    return subprocess.run([sys.executable, "-m", "fsrstudy.logged", str(log), *command],
                          cwd=tmp_path, env=env, capture_output=True, text=True)


def test_an_exception_is_one_line_on_stderr_and_all_in_the_log(tmp_path):
    log = tmp_path / "04_job.log"
    proc = run_logged(tmp_path, log, "job", "raise")
    assert proc.returncode == 1
    assert proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "04_job failed: ValueError: mine.csv: 2 bad row(s): line 3: no image; line 5: bad "
        f"role (log: {log})"]
    text = log.read_text()
    assert "working on it" in text and "Traceback (most recent call last)" in text
    assert 'File "<frozen runpy>"' not in text and "logged.py" not in text
    assert "  line 5: bad role" in text  # the message as raised, line by line


def test_otherwise_the_signal_or_the_last_line_of_the_log(tmp_path):
    killed = run_logged(tmp_path, tmp_path / "k.log", "job", "kill")
    assert killed.returncode == 128 + 9
    assert killed.stderr.startswith("k failed: killed by SIGKILL (out of memory?) (log: ")
    stopped = run_logged(tmp_path, tmp_path / "s.log", "job", "exit")
    assert stopped.returncode == 3
    assert stopped.stderr.startswith("s failed: the last words (log: ")
    short = run_logged(tmp_path, tmp_path / "w.log", "job", "short")
    assert short.stderr.startswith("w failed: OSError: 21504 requested and 14304 written (a "
                                   "short write: is the disk full?) (log: ")
    fine = run_logged(tmp_path, tmp_path / "f.log", "job", "fine")
    assert (fine.returncode, fine.stderr) == (0, "")
    assert (tmp_path / "f.log").read_text() == "working on it\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full here")
def test_a_log_that_cannot_be_written_is_said_on_stderr(tmp_path):
    """/dev/full: every write fails with ENOSPC, as on a full disk."""
    proc = run_logged(tmp_path, "/dev/full", "job", "raise")
    assert proc.returncode == 1
    # the exception that ended the job came through the pipe, not through the log
    assert proc.stderr.splitlines() == [
        "full failed: OSError: [Errno 28] No space left on device (its log /dev/full could "
        "not be written: [Errno 28] No space left on device)"]
    # a job that fails only to write its output (Python's exit status 120)
    proc = run_logged(tmp_path, "/dev/full", "job", "fine")
    assert proc.returncode != 0
    assert "No space left on device" in proc.stderr and len(proc.stderr.splitlines()) == 1
    # a log that cannot even be opened: the job does not run
    proc = run_logged(tmp_path, tmp_path / "job.py" / "x.log", "job", "fine")
    assert proc.returncode == 1
    assert proc.stderr == (f"x failed: its log {tmp_path}/job.py/x.log cannot be written, so "
                           f"it did not run: [Errno 20] Not a directory: "
                           f"'{tmp_path}/job.py/x.log'\n")


def test_a_failing_notebook_cell_is_named_by_its_own_exception(tmp_path):
    """Through the notebook runner: the cell's exception, not papermill's."""
    notebook = tmp_path / "05_probe.py"
    notebook.write_text('# %% tags=["parameters"]\nrows = 0\n\n'
                        "# %%\nclass UserSetError(Exception):\n    pass\n\n"
                        "# %%\nraise UserSetError(f'mine.csv: {rows} bad row(s):\\n"
                        "  line 3: image not found')\n")
    log = tmp_path / "logs" / "05_probe.log"
    log.parent.mkdir()
    proc = run_logged(tmp_path, log, "fsrstudy.notebook_runner", str(notebook),
                      str(tmp_path / "05_probe.ipynb"), str(tmp_path / "05_probe.html"),
                      "--params", '{"rows": 2}')
    assert proc.returncode == 1
    assert proc.stderr.splitlines() == [
        "05_probe failed: UserSetError: mine.csv: 2 bad row(s): line 3: image not found "
        f"(log: {log})"]
    assert "PapermillExecutionError" in log.read_text()
    assert (tmp_path / "05_probe.ipynb").is_file() and not (tmp_path / "05_probe.html").exists()


def test_one_line():
    assert logged.one_line("a:\n  b\n\n  c\n") == "a: b; c"
    assert logged.one_line("\x1b[0;31mValueError\x1b[0m: x") == "ValueError: x"
    assert logged.one_line("x" * 500, limit=10) == "xxxxxxx..."
    assert logged.reason_of(KeyError("k")) == "KeyError: 'k'"
    assert logged.reason_of(RuntimeError()) == "RuntimeError"


@pytest.mark.e2e
@pytest.mark.cost(15)
def test_a_bad_csv_row_is_named_on_snakemakes_console(tmp_path):
    """A user's CSV with bad rows: Snakemake's own stderr (not only the stage's log) says
    which lines, and where the log is."""
    import yaml

    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "a.jpg").write_bytes(b"")  # the rows are checked before any image is read
    (mine / "images.csv").write_text("image,group,role\na.jpg,a,boss\na.jpg,,query\n")
    config = yaml.safe_load((ROOT / "config/tiny.yaml").read_text())
    config.update(run="bad", datasets=[{"kind": "csv", "name": "mine",
                                        "csv": str(mine / "images.csv")}])
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(config))
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "1",
                           str(tmp_path / "bad/manifest.csv"), "--configfile",
                           str(tmp_path / "bad.yaml"), "--config", f"results_dir={tmp_path}"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode != 0
    log = tmp_path / "bad/logs/01_prepare.log"
    said = [line for line in proc.stderr.splitlines() if line.startswith("01_prepare failed")]
    assert said == [
        f"01_prepare failed: UserSetError: {mine}/images.csv: 2 bad row(s): line 2: role "
        f"'boss' is not one of ['db', 'query', 'train']; line 3: empty group (log: {log})"], \
        proc.stderr[-3000:]
    assert "\n  line 3: empty group" in log.read_text()  # and the log has it all
