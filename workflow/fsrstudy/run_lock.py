"""One run at a time in a results folder (results/<run>/).

A run that executes jobs holds an exclusive lock on `<folder>/.run.lock` for its whole
life and writes there who it is (PID, host, start time, command line). A second run of
the same folder stops before doing anything and names the first, instead of taking the
first one's running jobs for incomplete ones (Snakemake's --rerun-incomplete advice,
then its LockException).

The lock is an fcntl (POSIX) lock: it ends with the process that held it, however that
process ended, so the file a killed run leaves behind blocks nothing; only a live holder
does. Who takes it: Snakemake's main process of a run that executes jobs (`guard`), not
a dry run (-n), --unlock, --report, nor the per-job processes that Snakemake starts
(--mode remote on a cluster node, --mode subprocess), which read the Snakefile again
with the same results folder while the main process holds it. --nolock skips it too.
"""
from __future__ import annotations

import errno
import fcntl
import functools
import os
import shlex
import socket
import sys
import time
from pathlib import Path

LOCK_NAME = ".run.lock"
_held: dict[str, object] = {}  # lock path -> its open file, kept for the process's life


class RunLocked(Exception):
    """Another live process holds the results folder."""


def lock_path(folder: str | os.PathLike) -> Path:
    return Path(folder) / LOCK_NAME


def command_line(argv: list[str] | None = None) -> str:
    """This process's command line as a user typed it (`snakemake ...`, not the path of
    snakemake's __main__.py)."""
    argv = list(sys.argv if argv is None else argv)
    if argv and Path(argv[0]).name == "__main__.py":
        argv[0] = Path(argv[0]).parent.name  # python -m snakemake
    elif argv:
        argv[0] = Path(argv[0]).name
    return shlex.join(argv).replace("\n", " ")  # one line of the lock file


def holder_text() -> str:
    """Who this process is, as the lock file records it: `key: value` lines."""
    started = time.strftime("%Y-%m-%d %H:%M:%S %Z", time.localtime())
    return (f"pid: {os.getpid()}\nhost: {socket.gethostname()}\nstarted: {started}\n"
            f"command: {command_line()}\n")


def describe_holder(folder: str | os.PathLike, text: str) -> str:
    """The message of a run that finds `folder` held by the run that wrote `text`."""
    fields = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
    pid, host = fields.get("pid", "?"), fields.get("host", "?")
    if fields:
        who = (f"  PID {pid} on host {host}, started {fields.get('started', '?')}\n"
               f"  command: {fields.get('command', '?')}\n")
    else:  # it is writing who it is, or could not (a full disk)
        who = "  (a run that has not written who it is)\n"
    return (f"Another run is using the results folder {os.path.join(folder, '')}:\n{who}"
            f"This run stopped before doing anything. Wait for that one to end, or stop it "
            f"(kill {pid} on {host}) and run this command again. A run that was killed "
            f"holds nothing: its lock ({lock_path(folder)}) ends with its process.")


def hold(folder: str | os.PathLike) -> Path:
    """Take `folder`'s run lock for the rest of this process's life (the folder is made
    if missing) and record who holds it; raise RunLocked, naming the holder, if another
    live process holds it. Taking it again in the same process does nothing."""
    path = lock_path(folder)
    key = os.path.abspath(path)
    if key in _held:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+")  # never truncated before the lock is ours
    try:
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:
        if error.errno not in (errno.EACCES, errno.EAGAIN):
            # a file system without fcntl locks (some network mounts): run unchecked
            handle.close()
            print(f"cannot lock {path} ({error}): this run does not check that no other "
                  "run uses the results folder", file=sys.stderr)
            return path
        handle.seek(0)
        text = handle.read()
        # closing our own descriptor releases no lock of ours: we hold none on it
        handle.close()
        raise RunLocked(describe_holder(folder, text)) from None
    # POSIX locks end when the process closes any descriptor of the file: this one
    # stays open, and no other is opened on it in this process
    _held[key] = handle
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(holder_text())
        handle.flush()
    except OSError:  # a full disk: the lock holds all the same, unsigned
        pass
    return path


def release(folder: str | os.PathLike) -> None:
    """Let go of `folder`'s run lock, if this process holds it (the file stays: it is
    the lock, not the file, that holds the folder)."""
    handle = _held.pop(os.path.abspath(lock_path(folder)), None)
    if handle is not None:
        handle.close()


def takes_lock(workflow, executor_plugin) -> bool:
    """Whether this Snakemake process, about to execute `workflow` with
    `executor_plugin`, is the main process of a real run. Snakemake 9 knows the exec mode
    as soon as it reads the Snakefile (a per-job process runs with --mode remote or
    subprocess), but a dry run only once it executes: `workflow.dryrun` is False until
    then, hence the executor plugin's own settings (-n: the dryrun executor)."""
    return (workflow.is_main_process
            and not executor_plugin.common_settings.dryrun_exec
            and workflow.execution_settings.lock)


def guard(workflow, folder: str | os.PathLike, error: type[Exception] = RunLocked) -> None:
    """Make Snakemake's `workflow` hold `folder`'s run lock from the moment it starts to
    execute jobs (Workflow.execute, before it builds the DAG or looks at incomplete
    files), if `takes_lock`; another holder stops it with `error` (the Snakefile passes
    Snakemake's WorkflowError, which Snakemake prints as it is). Reading the Snakefile
    alone (-n, --unlock, --report, --lint, a per-job process) takes nothing."""
    execute = workflow.execute

    @functools.wraps(execute)
    def execute_holding_the_folder(*args, **kwargs):
        plugin = kwargs["executor_plugin"] if "executor_plugin" in kwargs else args[0]
        if takes_lock(workflow, plugin):
            try:
                hold(folder)
            except RunLocked as held:
                raise error(str(held)) from None
            except OSError as failed:  # the folder cannot be made (a read-only disk)
                raise error(f"cannot lock the results folder {folder}: {failed}") from None
        return execute(*args, **kwargs)

    workflow.execute = execute_holding_the_folder
