#!/usr/bin/env python3
"""Reproduces what bounds (and what does not bound) the responder's memory per request when
resources are large: no limit caps the size of one stored resource (a body is at most 1 MiB, but
PATCH `add` appends to a multi-valued attribute request after request), and a list page fetches
all its rows (up to `count`, at most 1,000) before the response's 4 MiB byte budget
(`listMaxBytes`) cuts the page. docs/BENCHMARKS.md, "A million users", quotes its output.

Starts the integration tests' stack (Tests/integration/stack.py: nginx and the responder with 8
workers; binaries from SCIMSYNC_BIN_DIR, or a release build), then:
  1. USERS users of about 0.9 MiB each (one POST each: a `nickName` of 0.9 MiB), and reads
     `GET /Users?count=1000` by 1 and by 8 clients: VmRSS and VmHWM of the responder after each;
  2. one user grown by PATCH requests of 8,000 `emails` each (each body under 1 MiB) to
     --patches × 8,000 emails, then `GET /Users/{id}` of it.

usage: large_resources.py [--users 100] [--patches 40]   (run it under the bench lock:
       flock /tmp/scimsync-bench.lock python3 bench/large_resources.py)
"""
import argparse
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "Tests" / "integration"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from proc_memory import memory_kib  # noqa: E402
from release_binaries import ensure_binaries  # noqa: E402
from stack import Stack  # noqa: E402

USER = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def memory(pid):
    """VmRSS and VmHWM of `pid`, in MB."""
    rss, hwm = memory_kib(pid)
    return rss / 1024, hwm / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--patches", type=int, default=40)
    args = parser.parse_args()
    ensure_binaries()
    stack = Stack("nginx", workers=8).start(apps=(("big", "corp", "generic"),))
    try:
        stack.cli("app", "set-rate-limit", "big", "--per-second", "100000", "--burst", "1000000")
        pid = stack.responders[0].pid
        scim = stack.client("big")

        def report(what, size=0, seconds=0.0):
            rss, hwm = memory(pid)
            print("%-62s %12s bytes %7.2f s  VmRSS %7.1f MB  VmHWM %7.1f MB"
                  % (what, "{:,}".format(size) if size else "—", seconds, rss, hwm), flush=True)

        report("started")
        nick = "n" * (900 << 10)
        for i in range(args.users):
            r = scim.post("/Users", {"schemas": [USER], "userName": "big%04d@example.com" % i, "nickName": nick})
            assert r.status_code == 201, r.text[:300]
        report("%d users of 0.9 MiB created" % args.users)
        for clients in (1, 8, 8):
            sizes = []
            began = time.monotonic()

            def one():
                r = stack.client("big").get("/Users?count=1000")
                assert r.status_code == 200, r.text[:300]
                sizes.append(len(r.content))
            threads = [threading.Thread(target=one) for _ in range(clients)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            report("GET /Users?count=1000, %d at once" % clients, max(sizes), time.monotonic() - began)

        r = scim.post("/Users", {"schemas": [USER], "userName": "grown@example.com"})
        assert r.status_code == 201, r.text[:300]
        grown = r.json()["id"]
        began = time.monotonic()
        for p in range(args.patches):
            emails = [{"value": "e%d-%d@example.com" % (p, i)} for i in range(8000)]
            r = scim.patch("/Users/" + grown, {"schemas": [PATCH], "Operations": [{"op": "add", "path": "emails", "value": emails}]})
            if r.status_code not in (200, 204):
                print("PATCH %d answered %d: %s" % (p + 1, r.status_code, r.text[:300]))
                break
        report("user grown by %d PATCHes of 8,000 emails" % (p + 1), 0, time.monotonic() - began)
        for _ in range(2):
            began = time.monotonic()
            r = scim.get("/Users/" + grown)
            report("GET /Users/{id} of the grown user (%d)" % r.status_code, len(r.content), time.monotonic() - began)
    finally:
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
