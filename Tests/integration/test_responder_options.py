"""The responder refuses a worker or thread count it cannot run, from its flag or from the
environment, with a message naming it, before it opens anything: never a crash, never a
million threads."""

from __future__ import annotations

import os
import subprocess

import pytest

from stack import bin_dir

CASES = [
    (["--workers", "0"], {}, "--workers (or SCIMSYNC_WORKERS) must be a whole number from 1 to 512, not '0'"),
    (["--threads", "513"], {}, "--threads (or SCIMSYNC_THREADS) must be a whole number from 1 to 512, not '513'"),
    ([], {"SCIMSYNC_WORKERS": "-3"}, "not '-3'"),
    ([], {"SCIMSYNC_THREADS": "1000000"}, "not '1000000'"),
    ([], {"SCIMSYNC_THREADS": "eight"}, "not 'eight'"),
    ([], {"SCIMSYNC_WORKERS": "9" * 40}, "SCIMSYNC_WORKERS"),
    (["--workers", "8", "--threads", "4"], {}, "must be at least --workers"),
    ([], {"SCIMSYNC_WORKERS": "8", "SCIMSYNC_THREADS": "4"}, "4 < 8"),
]


@pytest.mark.parametrize("argv,env,message", CASES)
def test_a_count_it_cannot_run_is_refused_by_name(tmp_path, argv, env, message):
    database = tmp_path / "scimsync.sqlite"
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SCIMSYNC_")} | env
    r = subprocess.run([str(bin_dir() / "scimsync-fcgi"), "--socket", str(tmp_path / "s.sock"), "--database", str(database), *argv],
                       env=environment, capture_output=True, text=True, timeout=30)
    assert r.returncode > 0, (r.returncode, r.stderr)  # an error exit, not a signal
    assert message in r.stderr, r.stderr
    assert not database.exists(), "nothing is created before the options are checked"


def test_by_default_it_runs_two_workers_per_core_on_eight_threads_each(tmp_path):
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SCIMSYNC_")}
    process = subprocess.Popen([str(bin_dir() / "scimsync-fcgi"), "--socket", str(tmp_path / "s.sock"),
                                "--database", str(tmp_path / "scimsync.sqlite")],
                               env=environment, stderr=subprocess.PIPE, text=True)
    try:
        ready = next(line for line in process.stderr if '"ready on' in line or '"level":"error"' in line)
    finally:
        process.terminate()
        process.wait(timeout=30)
    cores = len(os.sched_getaffinity(0))
    assert f"with {2 * cores} workers on {16 * cores} threads" in ready, ready


STOP_SIGNALS = {"SIGHUP": 1, "SIGINT": 2, "SIGTERM": 15}


def test_only_the_waiting_thread_can_take_a_stop_signal_so_sigterm_right_after_ready_stops_it(tmp_path):
    """A thread that did not block SIGTERM took it into libfcgi's handler, and the responder,
    asked to stop as soon as it was ready, ran on (about 1 start in 15 before the fix)."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SCIMSYNC_")}
    process = subprocess.Popen([str(bin_dir() / "scimsync-fcgi"), "--socket", str(tmp_path / "s.sock"),
                                "--database", str(tmp_path / "scimsync.sqlite")],
                               env=environment, stderr=subprocess.PIPE, text=True)
    try:
        next(line for line in process.stderr if '"ready on' in line)
        unblocked = []
        for task in os.listdir(f"/proc/{process.pid}/task"):
            if int(task) == process.pid:
                continue  # the thread in sigwait, which unblocks them while it waits
            with open(f"/proc/{process.pid}/task/{task}/status") as status:
                fields = dict(line.split(":\t", 1) for line in status if ":\t" in line)
            blocked = int(fields["SigBlk"], 16)
            unblocked += [(task, name) for name, number in STOP_SIGNALS.items() if not blocked >> (number - 1) & 1]
        assert not unblocked, f"threads that could take a stop signal: {unblocked}"
    finally:
        process.terminate()
    assert process.wait(timeout=30) == 0
