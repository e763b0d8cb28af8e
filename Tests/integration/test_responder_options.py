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


def test_by_default_it_runs_two_workers_per_core_on_four_threads_each(tmp_path):
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
    assert f"with {2 * cores} workers on {8 * cores} threads" in ready, ready
