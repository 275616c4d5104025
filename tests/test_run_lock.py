"""One run at a time in a results folder (fsrstudy.run_lock): a second run of the same
results/<run>/ stops before doing anything and names the first; dry runs and the
per-job processes of a run do not take the lock; a killed run's lock file blocks
nothing."""
import os
import signal
import socket
import subprocess
import sys
from types import SimpleNamespace

import pytest
from fsrstudy import run_lock
from tiny_run import ROOT, command

HOLD = ("import sys, time\nfrom fsrstudy import run_lock\nrun_lock.hold(sys.argv[1])\n"
        "print('held', flush=True)\ntime.sleep(600)\n")


@pytest.fixture
def holder(tmp_path):
    """Another process holding tmp_path/tiny, as a first run would: its Popen."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "workflow")}
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "tiny")], env=env,
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline() == "held\n"
    yield proc
    proc.kill()
    proc.wait()


def test_a_held_folder_names_its_holder_until_it_ends(tmp_path, holder):
    with pytest.raises(run_lock.RunLocked) as held:
        run_lock.hold(tmp_path / "tiny")
    message = str(held.value)
    assert f"results folder {tmp_path}/tiny/:" in message
    assert f"PID {holder.pid} on host {socket.gethostname()}, started " in message
    assert "command: -c " in message and f"(kill {holder.pid} on " in message
    holder.send_signal(signal.SIGKILL)  # a killed run: its file stays, its lock does not
    holder.wait()
    assert (tmp_path / "tiny" / run_lock.LOCK_NAME).is_file()
    try:
        run_lock.hold(tmp_path / "tiny")
        text = (tmp_path / "tiny" / run_lock.LOCK_NAME).read_text()
        assert f"pid: {os.getpid()}\n" in text
    finally:
        run_lock.release(tmp_path / "tiny")


def test_only_the_main_process_of_a_real_run_takes_it():
    def workflow(main=True, lock=True):
        return SimpleNamespace(is_main_process=main,
                               execution_settings=SimpleNamespace(lock=lock))

    def plugin(dryrun=False):
        return SimpleNamespace(common_settings=SimpleNamespace(dryrun_exec=dryrun))

    assert run_lock.takes_lock(workflow(), plugin())
    assert not run_lock.takes_lock(workflow(), plugin(dryrun=True))  # -n
    assert not run_lock.takes_lock(workflow(main=False), plugin())  # --mode remote/subprocess
    assert not run_lock.takes_lock(workflow(lock=False), plugin())  # --nolock


def test_the_command_line_is_the_users():
    argv = ["/x/lib/python3.11/site-packages/snakemake/__main__.py", "--cores", "2", "a b"]
    assert run_lock.command_line(argv) == "snakemake --cores 2 'a b'"
    assert run_lock.command_line(["/venv/bin/snakemake", "-n"]) == "snakemake -n"


@pytest.mark.e2e
@pytest.mark.cost(15)
def test_a_second_run_stops_at_once_and_names_the_first(tmp_path, holder):
    """Through Snakemake: while another process holds tiny/, a run stops before writing
    anything and names it; a dry run, --unlock and a per-job process (--mode subprocess, as a
    cluster job's --mode remote) go on; once the holder is gone, the run proceeds."""
    target = str(tmp_path / "tiny" / "config.yaml")
    before = sorted(tmp_path.rglob("*"))

    def run(*args):
        return subprocess.run(command(*args, results_dir=tmp_path), cwd=ROOT,
                              capture_output=True, text=True)

    second = run(target)
    assert second.returncode != 0
    assert "Another run is using the results folder" in second.stderr, second.stderr[-3000:]
    assert f"PID {holder.pid} on host {socket.gethostname()}" in second.stderr
    assert "This run stopped before doing anything" in second.stderr
    assert "--rerun-incomplete" not in second.stderr and "LockException" not in second.stderr
    assert sorted(tmp_path.rglob("*")) == before  # it did nothing
    for args in (["-n"], ["--unlock"]):  # neither takes the lock
        other = run(*args, target)
        assert other.returncode == 0, other.stderr[-3000:]
    assert sorted(tmp_path.rglob("*")) == before
    job = run("--mode", "subprocess", target)
    assert job.returncode == 0, job.stderr[-3000:]
    assert os.path.exists(target)
    os.unlink(target)
    holder.kill()
    holder.wait()
    after = run(target)
    assert after.returncode == 0, after.stderr[-3000:]
    assert os.path.exists(target)
    assert "pid: " in (tmp_path / "tiny" / run_lock.LOCK_NAME).read_text()
