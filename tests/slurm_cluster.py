"""A real single-node SLURM cluster on 127.0.0.1 for the tests: Debian's slurmctld, slurmd
and munge (installed by `make test` when run as root), started by hand (no systemd) with
their state and logs in a folder of the test's, and stopped afterwards.

No accounting database: the profile's jobs are followed with squeue
(`slurm-status-command: squeue`); finished jobs are read from the job-completion file
(jobcomp/filetxt) that this configuration writes.
"""
from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

DAEMONS = ("slurmctld", "slurmd", "munged", "sbatch", "squeue", "scontrol", "sinfo")
SYSTEM_CONF = Path("/etc/slurm/slurm.conf")  # srun inside a job reads only this one
MARKER = "# written by tests/slurm_cluster.py"


class Unavailable(RuntimeError):
    """SLURM cannot be brought up on this machine (says why)."""


def check_prerequisites() -> None:
    missing = [d for d in DAEMONS if not shutil.which(d)
               and not Path("/usr/sbin", d).exists()]
    if missing:
        raise Unavailable(f"SLURM is not installed ({', '.join(missing)} missing): "
                          "`make test` installs Debian's slurmctld slurmd slurm-client "
                          "munge when run as root")
    if os.geteuid() != 0:
        raise Unavailable("starting slurmctld, slurmd and munged needs root")
    if SYSTEM_CONF.exists() and MARKER not in SYSTEM_CONF.read_text():
        raise Unavailable(f"{SYSTEM_CONF} exists and is not the tests': a real cluster "
                          "is configured on this host, and the tests leave it alone")


def _node_line() -> str:
    """This machine's node description, as slurmd itself measures it."""
    measured = subprocess.run(["slurmd", "-C"], capture_output=True, text=True,
                              check=True).stdout
    fields = dict(re.findall(r"(\w+)=(\S+)", measured.splitlines()[0]))
    keep = ["CPUs", "Boards", "SocketsPerBoard", "CoresPerSocket", "ThreadsPerCore",
            "RealMemory"]
    return ("NodeName=localhost NodeAddr=127.0.0.1 "
            + " ".join(f"{k}={fields[k]}" for k in keep if k in fields) + " State=UNKNOWN")


def write_config(folder: Path, spool: Path) -> Path:
    """slurm.conf in `folder`, with slurmd's spool in `spool`: slurmd makes a Unix socket
    there per job step, named <node>_<job>.<step>, and such a path may not pass 108
    bytes (a test's own folder can be longer: the job then fails to launch, and is held)."""
    for sub in ("state/ctld", "log", "run"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    text = f"""{MARKER}
ClusterName=fsrstudy-test
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CryptoType=crypto/munge
MpiDefault=none
MailProg=/bin/true
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
SchedulerType=sched/backfill
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc={folder}/log/jobcomp.txt
# squeue must still see a job that just ended (the executor falls back to sacct below 120 s)
MinJobAge=300
StateSaveLocation={folder}/state/ctld
SlurmdSpoolDir={spool}
SlurmctldPidFile={folder}/run/slurmctld.pid
SlurmdPidFile={folder}/run/slurmd.pid
SlurmctldLogFile={folder}/log/slurmctld.log
SlurmdLogFile={folder}/log/slurmd.log
{_node_line()}
PartitionName=main Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""
    path = folder / "slurm.conf"
    path.write_text(text)
    return path


def _wait(what: str, ready, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if ready():
            return
        time.sleep(0.3)
    raise Unavailable(f"{what} did not come up within {timeout:.0f} s")


def _ok(cmd: list[str]) -> str | None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    return proc.stdout if proc.returncode == 0 else None


def _munge_works() -> bool:
    encoded = subprocess.run(["munge", "-n"], capture_output=True)
    return encoded.returncode == 0 and subprocess.run(
        ["unmunge"], input=encoded.stdout, capture_output=True).returncode == 0


def _stop(pid_file: Path, timeout: float = 30) -> None:
    if not pid_file.exists():
        return
    pid = int(pid_file.read_text().split()[0])
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
        deadline = time.time() + timeout
        while time.time() < deadline:
            os.kill(pid, 0)  # raises once the process is gone
            time.sleep(0.2)
        os.kill(pid, signal.SIGKILL)


class Cluster:
    def __init__(self, folder: Path):
        self.folder = folder

    def completed_jobs(self) -> list[dict]:
        """The job-completion records: one dict per finished job (JobId, JobState ...)."""
        path = self.folder / "log/jobcomp.txt"
        if not path.exists():
            return []
        return [dict(re.findall(r"(\w+)=(\S*)", line))
                for line in path.read_text().splitlines() if line.strip()]


@contextlib.contextmanager
def running(folder: Path):
    """Start munged (unless one answers already), slurmctld and slurmd with a
    configuration in `folder`; yield a Cluster; stop what was started."""
    check_prerequisites()
    folder.mkdir(parents=True, exist_ok=True)
    spool = Path(tempfile.mkdtemp(prefix="slurmd-", dir="/tmp"))
    conf = write_config(folder, spool)
    # a configuration of the tests' own is a leftover of a run that was killed before it
    # could clean up: it is not restored, since it names a controller that no longer runs,
    # and every later scontrol (which the SLURM executor plugin calls whenever snakemake
    # starts) would wait 9 s for it
    saved = SYSTEM_CONF.read_text() if SYSTEM_CONF.exists() else None
    if saved is not None and MARKER in saved:
        saved = None
    SYSTEM_CONF.parent.mkdir(parents=True, exist_ok=True)
    SYSTEM_CONF.unlink(missing_ok=True)
    SYSTEM_CONF.write_text(conf.read_text())
    munge_pid = None  # set when this function starts munged
    try:
        if not _munge_works():
            subprocess.run(["install", "-d", "-o", "munge", "-g", "munge", "/run/munge"],
                           check=True)
            if not Path("/etc/munge/munge.key").exists():
                subprocess.run(["runuser", "-u", "munge", "--", "mungekey", "--create"],
                               check=True)
            subprocess.run(["runuser", "-u", "munge", "--", "/usr/sbin/munged"], check=True)
            munge_pid = Path("/run/munge/munged.pid")
            _wait("munged", _munge_works)
        subprocess.run(["slurmctld"], check=True)
        _wait("slurmctld", lambda: "UP" in (_ok(["scontrol", "ping"]) or ""))
        subprocess.run(["slurmd", "-N", "localhost"], check=True)
        _wait("slurmd", lambda: "idle" in (_ok(["sinfo", "-h", "-o", "%T"]) or ""))
        yield Cluster(folder)
    finally:
        subprocess.run(["scancel", "--user", "root"], capture_output=True)
        _stop(folder / "run/slurmd.pid")
        _stop(folder / "run/slurmctld.pid")
        if munge_pid:
            _stop(munge_pid)
        SYSTEM_CONF.unlink(missing_ok=True)
        if saved is not None:
            SYSTEM_CONF.write_text(saved)
        shutil.rmtree(spool, ignore_errors=True)
