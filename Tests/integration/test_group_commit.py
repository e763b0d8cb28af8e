"""Group commit keeps the promise of a 201: the responder answers a write only after the WAL sync
(fdatasync) of the commit that holds it, and concurrent writes share those syncs. Watched with
strace attached to the responder behind nginx, as an operator could."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections import defaultdict

import pytest

from load import CreateLoad
from scimcheck import user_body
from stack import Stack, wait_until

CLIENTS = 16
BULK_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"
LOAD_SECONDS = 2.0

# strace -f -ttt -y: "<tid> <epoch seconds> <call>(<fd><path>, ...) = <result>", a call another
# thread interrupts split into "... <unfinished ...>" and "<tid> <time> <... call resumed> ...".
LINE = re.compile(r"^(\d+)\s+(\d+\.\d+)\s+(.*)$")


@pytest.fixture
def traced():
    if shutil.which("strace") is None or os.geteuid() != 0:
        pytest.skip("needs strace and the right to attach to the responder (root)")
    s = Stack("nginx", workers=8)
    try:
        s.start(apps=(("alpha", "corp", "generic"),))
        yield s
    finally:
        s.cleanup()


def attach(pid: int, out) -> subprocess.Popen:
    tracer = subprocess.Popen(
        ["strace", "-f", "-ttt", "-y", "-s", "80", "-e", "trace=read,write,fdatasync,fsync", "-o", str(out),
         "-p", str(pid)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # strace says "Process N attached" once per thread before tracing.
    wait_until("strace to attach", lambda: out.exists() and out.stat().st_size > 0 or tracer.poll() is not None, 10)
    time.sleep(0.5)
    return tracer


def events(trace_text: str):
    """(tid, time, kind) in order: 'read' of a request, 'answer' carrying a 2xx status line,
    'sync' when an fdatasync/fsync of the WAL returned."""
    pending: dict[int, str] = {}
    for line in trace_text.splitlines():
        m = LINE.match(line)
        if not m:
            continue
        tid, at, call = int(m.group(1)), float(m.group(2)), m.group(3)
        if "<unfinished ...>" in call:
            pending[tid] = call
            continue
        if call.startswith("<..."):
            call = pending.pop(tid, "") + call
        if call.startswith(("fdatasync(", "fsync(")) and "-wal>" in call.split(",")[0] + call.split(")")[0]:
            yield tid, at, "sync"
        elif call.startswith("read(") and "socket:" in call.split(",")[0]:
            yield tid, at, "read"
        elif call.startswith("write(") and "socket:" in call.split(",")[0] and re.search(r"Status: 2\d\d", call):
            yield tid, at, "answer"


def traced_creates(s: Stack, prefix: str) -> tuple[list[str], str]:
    """The users CLIENTS clients created in LOAD_SECONDS, and the responder's strace meanwhile."""
    out = s.dir / f"{prefix}.strace"
    tracer = attach(s.responders[0].pid, out)
    created = []

    def record(name, outcome, finished):
        if not isinstance(outcome, Exception) and outcome.status_code == 201:
            created.append(name)

    load = CreateLoad(s, "alpha", prefix, CLIENTS, record)
    time.sleep(LOAD_SECONDS)
    load.stop()
    tracer.send_signal(signal.SIGINT)
    tracer.wait(timeout=20)
    return created, out.read_text(errors="replace")


def test_no_write_is_answered_before_its_sync_and_writes_share_syncs(traced):
    s = traced
    created, trace = traced_creates(s, "grouped")
    window_start: dict[int, float] = {}
    syncs: list[float] = []
    answers = 0
    early = []
    for tid, at, kind in events(trace):
        if kind == "sync":
            syncs.append(at)
        elif kind == "read":
            window_start.setdefault(tid, at)
        else:
            answers += 1
            start = window_start.pop(tid, None)
            # A sync must have returned after this worker began reading the request.
            if start is None or not any(start < t < at for t in syncs[-200:]):
                early.append((tid, start, at))
    print(f"group commit: {len(created)} users created, {answers} answers traced, {len(syncs)} WAL syncs")
    assert answers >= 50, f"too little load traced to mean anything ({answers} answers)"
    assert not early, f"{len(early)} answers went out with no WAL sync since their request; first {early[0]}"
    assert len(syncs) < answers, f"{len(syncs)} syncs for {answers} writes: concurrent writes did not share commits"


def test_a_bulk_request_of_a_thousand_creates_takes_a_handful_of_syncs(traced):
    s = traced
    alpha = s.client("alpha")
    operations = [{"method": "POST", "path": "/Users", "bulkId": f"b{i}", "data": user_body(f"bulk-{i}")}
                  for i in range(1000)]
    operations[500]["data"] = user_body("bulk-7")  # taken by operation 7: refused alone
    out = s.dir / "bulk.strace"
    tracer = attach(s.responders[0].pid, out)
    r = alpha.post("/Bulk", {"schemas": [BULK_SCHEMA], "Operations": operations})
    tracer.send_signal(signal.SIGINT)
    tracer.wait(timeout=20)
    assert r.status_code == 200, r.text
    statuses = [op["status"] for op in r.json()["Operations"]]
    assert statuses.count("201") == 999 and statuses[500] == "409", statuses[495:505]
    syncs = sum(1 for _, _, kind in events(out.read_text(errors="replace")) if kind == "sync")
    print(f"bulk: 1000 operations, {syncs} WAL syncs")
    assert 1 <= syncs <= 20, f"{syncs} syncs for one bulk request of 1000 operations"
    listed = alpha.get("/Users", params={"filter": 'userName sw "bulk-"', "count": 0}).json()
    assert listed["totalResults"] == 999


def test_with_one_worker_writes_waiting_for_their_commit_let_others_run_and_share_it():
    """`--workers 1 --threads 8`: one request runs at a time, but a write asleep until its commit
    lends its turn, so the next request is read and its write joins the same commit."""
    if shutil.which("strace") is None or os.geteuid() != 0:
        pytest.skip("needs strace and the right to attach to the responder (root)")
    s = Stack("nginx", workers=1, env={"SCIMSYNC_THREADS": "8"})
    try:
        s.start(apps=(("alpha", "corp", "generic"),))
        assert "1 workers on 8 threads" in s.responders[0].log.read_text()
        created, trace = traced_creates(s, "one-worker")
        syncs = sum(1 for _, _, kind in events(trace) if kind == "sync")
        print(f"one worker, 8 threads: {len(created)} users created, {syncs} WAL syncs")
        assert len(created) >= 50, f"too little load to mean anything ({len(created)} creates)"
        # Were the turn kept through the wait, one write would run at a time: a sync (or more) each.
        assert syncs < len(created), f"{syncs} syncs for {len(created)} creates: one worker's writes did not share commits"
        # Leaving, each thread hands its permit on to one still waiting for it: all of them exit.
        assert s.responders[0].stop(timeout=10) == 0
    finally:
        s.cleanup()
