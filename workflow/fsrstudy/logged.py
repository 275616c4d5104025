"""Run one job of the workflow with all its output in its log, and, when it fails, say
why on the console in one line.

    python -m fsrstudy.logged [--name NAME] LOG MODULE [ARGS...]

runs `python -m MODULE ARGS...` with its stdout and stderr written to LOG (what
`> LOG 2>&1` did) and exits with its status. When the job fails, this process's own
stderr (Snakemake's console) gets one line, for example

    01_prepare failed: UserSetError: mine.csv: 2 bad row(s): line 3: ... (log: LOG)

The reason is the exception that ended the job (for a stage notebook, that of its
failing cell: papermill's error carries its name and value), handed back through a pipe,
so that it arrives even when the log cannot be written (a full disk); else the signal
that killed the job; else the last line of its log. A log that cannot be written is said
too. NAME defaults to LOG's file name less its suffix: the stage's name.
"""
from __future__ import annotations

import os
import re
import runpy
import signal
import subprocess
import sys
import traceback
from pathlib import Path

# the job's end of the pipe its reason goes through (an environment variable of the job)
REASON_FD = "FSRSTUDY_REASON_FD"
CHILD = "--child"  # how this module runs the job's module in the job's own process
MAX_REASON = 400  # characters of the console line's reason
TAIL_BYTES = 65536  # how much of the log's end is read for its last line
ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# numpy's error for a file write cut short (ndarray.tofile, np.save): no errno in it
SHORT_WRITE = re.compile(r"\b\d+ requested and \d+ written$")


def one_line(text: str, limit: int = MAX_REASON) -> str:
    """`text` on one line: its non-blank lines joined ("2 bad row(s): line 3: ...; line
    5: ..."), colour codes removed, cut at `limit` characters."""
    lines = [line.strip() for line in ANSI.sub("", str(text)).splitlines() if line.strip()]
    joined = lines[0] if lines else ""
    for line in lines[1:]:
        joined += (" " if joined.endswith(":") else "; ") + line
    return joined if len(joined) <= limit else joined[:limit - 3].rstrip() + "..."


def reason_of(error: BaseException) -> str:
    """An exception as one line: `Name: value`. A notebook's failing cell is named by
    papermill's error (ename, evalue: the cell's own exception, not papermill's)."""
    name = getattr(error, "ename", None)
    if name:
        value = getattr(error, "evalue", "")
    elif isinstance(error, KeyboardInterrupt):
        return "interrupted"
    else:
        name, value = type(error).__name__, str(error)
    return one_line(f"{name}: {value}" if value else name)


def _send(fd: int, reason: str) -> None:
    if fd < 0 or not reason:
        return
    try:
        os.write(fd, reason.encode("utf-8", "replace")[:4096])
    except OSError:
        pass


def run_child(argv: list[str]) -> int:
    """In the job's process: run module argv[0] as `python -m` does, and send the reason
    it fails with, if any, through the pipe named by REASON_FD."""
    module, args = argv[0], argv[1:]
    fd = int(os.environ.pop(REASON_FD, "-1"))
    if fd >= 0:
        os.set_inheritable(fd, False)  # the job's own subprocesses do not hold the pipe
    sys.argv = [module, *args]  # run_module puts the module's path first
    try:
        runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        if isinstance(stop.code, str):  # sys.exit("message")
            _send(fd, one_line(stop.code))
        raise
    except KeyboardInterrupt:
        _send(fd, "interrupted")
        raise
    except BaseException as error:
        _send(fd, reason_of(error))
        # the traceback as `python -m module` prints it: without this module's and
        # runpy's frames
        tb = error.__traceback__
        while tb is not None and (tb.tb_frame.f_code.co_filename == __file__
                                  or tb.tb_frame.f_globals.get("__name__") == "runpy"):
            tb = tb.tb_next
        try:
            traceback.print_exception(type(error), error, tb)
        except OSError:
            pass
        return 1
    return 0


def last_line(log: str | os.PathLike) -> str:
    """The last non-blank line of a log ('' when it is empty or cannot be read)."""
    if not os.path.isfile(log):  # /dev/full, say: no end to read
        return ""
    try:
        with open(log, "rb") as handle:
            handle.seek(max(0, handle.seek(0, os.SEEK_END) - TAIL_BYTES))
            tail = handle.read(TAIL_BYTES).decode("utf-8", "replace")
    except OSError:
        return ""
    lines = [line for line in ANSI.sub("", tail).splitlines() if line.strip()]
    return one_line(lines[-1]) if lines else ""


def run_job(out, command: list[str]) -> tuple[int, str]:
    """Run module `command[0]` with arguments `command[1:]` in a Python process of its
    own, its stdout and stderr the open file `out`: its exit status (the shell's: 128 + N
    for signal N) and the reason it sent ('' if none)."""
    read_end, write_end = os.pipe()
    env = {**os.environ, REASON_FD: str(write_end)}
    # the package importable in the job wherever it runs (the rules set PYTHONPATH too)
    package_root = str(Path(__file__).resolve().parents[1])
    paths = env.get("PYTHONPATH", "").split(os.pathsep) if env.get("PYTHONPATH") else []
    if package_root not in paths:
        env["PYTHONPATH"] = os.pathsep.join([package_root, *paths])
    forwarded = (signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.getsignal(sig) for sig in (*forwarded, signal.SIGINT)}
    try:
        proc = subprocess.Popen([sys.executable, "-m", "fsrstudy.logged", CHILD, *command],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=out, env=env,
                                pass_fds=(write_end,))
        os.close(write_end)
        write_end = -1
        # a job stopped by Snakemake (SIGTERM) stops its module too; Ctrl-C reaches the
        # module from the terminal, and this process waits to say so
        for sig in forwarded:
            signal.signal(sig, lambda sig, frame: proc.send_signal(sig))
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        status = proc.wait()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if write_end >= 0:
            os.close(write_end)
    os.set_blocking(read_end, False)  # a reason, if any, was sent before the job ended
    try:
        sent = os.read(read_end, 8192).decode("utf-8", "replace")
    except BlockingIOError:
        sent = ""
    finally:
        os.close(read_end)
    if status < 0:
        killed = f"killed by {signal.Signals(-status).name}"
        if -status == signal.SIGKILL:
            killed += " (out of memory?)"
        return 128 - status, sent or killed
    return status, sent


def _append(log: str, line: str) -> str | None:
    """Add a line at the end of the log: why it could not, if it could not (a full
    disk)."""
    try:
        with open(log, "a") as handle:
            handle.write(f"\n{line}\n")
    except OSError as error:
        return str(error)
    return None


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr, flush=True)
    except OSError:
        pass


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == [CHILD]:
        return run_child(argv[1:])
    name = None
    if argv[:1] == ["--name"] and len(argv) > 1:
        name, argv = argv[1], argv[2:]
    if len(argv) < 2:
        _say(__doc__.split("\n\n")[1])
        return 2
    log, command = argv[0], argv[1:]
    name = name or Path(log).stem
    try:
        out = open(log, "wb")
    except OSError as error:
        _say(f"{name} failed: its log {log} cannot be written, so it did not run: "
             f"{error}")
        return 1
    with out:
        status, reason = run_job(out, command)
    if status:
        reason = reason or last_line(log) or f"exit status {status}, and its log is empty"
        if SHORT_WRITE.search(reason):
            reason += " (a short write: is the disk full?)"
        line = f"{name} failed: {reason}"
        unwritten = _append(log, line)
        if unwritten:
            _say(f"{line} (its log {log} could not be written: {unwritten})")
        else:
            _say(f"{line} (log: {log})")
    return status


if __name__ == "__main__":
    sys.exit(main())
