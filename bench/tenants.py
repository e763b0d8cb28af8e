#!/usr/bin/env python3
"""How many tenants one host serves at Entra ID's observed peak: N apps, each sending about 1,000
requests per minute with an Entra-like mix, through a real nginx in front of scimsync-fcgi on one
SQLite file (started as the integration tests start it, Tests/integration/stack.py), for a bounded
time per step; N grows until the p99 latency or the error rate crosses its threshold, or the
offered rate can no longer be delivered. The figures go to docs/SCALING.md.

    SCIMSYNC_BIN_DIR=$(swift build --show-bin-path) python3 bench/tenants.py [options]

Each tenant is an `entra` app on a directory of its own, seeded with --users users and one group
holding --members of them. Its requests, open loop (each is due at a fixed time, whether or not
the previous one has answered, as an IdP's provisioning job keeps sending), are drawn from the mix:
  40% GET /Users?filter=userName eq "…"         (Entra's lookup before each write)
  20% POST /Users                                (a new user)
  25% PATCH /Users/{id}                          (Replace displayName, title: an attribute change)
  15% PATCH /Groups/{id}                         (Add, or Remove with a value list, one member)
Latency is measured from the time a request was due, so a queue in front of the server counts
(no coordinated omission). The load generator runs on the same machine: its CPU is reported.

Options: --steps 1,2,4,8 (tenant counts, in order), --seconds 20 (per step, at most 60),
--rate 1000 (requests per minute per tenant), --users 200, --members 50, --p99-ms 250,
--max-error-rate 0.001, --workers N (responder threads), --json FILE (every step's figures).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import resource
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "Tests" / "integration"))
from stack import Stack  # noqa: E402  (the integration tests' own stack: nginx + responder)

SCIM_JSON = "application/scim+json"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
MAX_SECONDS = 60
SENDERS_PER_TENANT = 4  # an Entra job's parallel connections; open loop across them
SEED_THREADS = 16


def user_body(name: str) -> dict:
    return {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name,
            "externalId": str(uuid.uuid4()), "active": True,
            "name": {"givenName": "Load", "familyName": name.split("@")[0]},
            "emails": [{"value": name, "type": "work", "primary": True}]}


@dataclass
class Tenant:
    name: str
    token: str
    users: list[tuple[str, str]] = field(default_factory=list)  # (id, userName)
    group: str = ""
    members: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Connection:
    """One keep-alive HTTP/1.1 connection to nginx."""

    def __init__(self, port: int):
        self.port = port
        self.http = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(self, method: str, path: str, token: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {"Authorization": f"Bearer {token}", "Accept": SCIM_JSON}
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":")).encode()
            headers["Content-Type"] = SCIM_JSON
        for attempt in (0, 1):
            try:
                self.http.request(method, path, body=data, headers=headers)
                response = self.http.getresponse()
                return response.status, response.read()
            except (http.client.HTTPException, OSError):
                self.http.close()
                self.http = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                if attempt:
                    raise
        raise AssertionError("unreachable")


SEED_CHUNK = 50


def seed_users(stack: Stack, tenant: Tenant, count: int) -> None:
    connection = Connection(stack.port)
    for _ in range(count):
        name = f"seed-{uuid.uuid4().hex[:12]}@{tenant.name}.test"
        status, body = connection.send("POST", f"/scim/{tenant.name}/v2/Users", tenant.token, user_body(name))
        if status != 201:
            raise SystemExit(f"seeding {tenant.name}: POST /Users answered {status}: {body[:200]!r}")
        with tenant.lock:
            tenant.users.append((json.loads(body)["id"], name))


def seed_group(stack: Stack, tenant: Tenant, members: int) -> None:
    chosen = [uid for uid, _ in tenant.users[:members]]
    status, body = Connection(stack.port).send("POST", f"/scim/{tenant.name}/v2/Groups", tenant.token, {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": f"Load {tenant.name}",
        "members": [{"value": uid} for uid in chosen]})
    if status != 201:
        raise SystemExit(f"seeding {tenant.name}: POST /Groups answered {status}: {body[:200]!r}")
    tenant.group = json.loads(body)["id"]
    tenant.members = set(chosen)


def seed_all(stack: Stack, tenants: list[Tenant], users: int, members: int) -> None:
    """Seeds the new tenants' users in chunks on SEED_THREADS connections (every POST is a durable
    write: one connection alone waits on each commit), then each tenant's group."""
    pending = [(t, min(SEED_CHUNK, users - start)) for t in tenants for start in range(0, users, SEED_CHUNK)]
    failures: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        while True:
            with lock:
                if not pending or failures:
                    return
                tenant, count = pending.pop()
            try:
                seed_users(stack, tenant, count)
            except BaseException as failure:  # re-raised on the main thread
                with lock:
                    failures.append(failure)

    threads = [threading.Thread(target=worker) for _ in range(min(SEED_THREADS, len(pending)))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        raise failures[0]
    for tenant in tenants:
        seed_group(stack, tenant, members)


class Recorder:
    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.sent = 0

    def record(self, kind: str, latency: float, ok: bool) -> None:
        with self.lock:
            self.sent += 1
            self.latencies.setdefault(kind, []).append(latency)
            if not ok:
                self.errors[kind] = self.errors.get(kind, 0) + 1


def one_request(connection: Connection, tenant: Tenant, rng: random.Random) -> tuple[str, bool]:
    base = f"/scim/{tenant.name}/v2"
    draw = rng.random()
    if draw < 0.40:
        _, user_name = rng.choice(tenant.users)
        query = quote(f'userName eq "{user_name}"', safe="")
        status, _ = connection.send("GET", f"{base}/Users?filter={query}", tenant.token)
        return "lookup", status == 200
    if draw < 0.60:
        name = f"new-{uuid.uuid4().hex[:12]}@{tenant.name}.test"
        status, body = connection.send("POST", f"{base}/Users", tenant.token, user_body(name))
        if status == 201:
            with tenant.lock:
                tenant.users.append((json.loads(body)["id"], name))
        return "post", status == 201
    if draw < 0.85:
        uid, _ = rng.choice(tenant.users)
        status, _ = connection.send("PATCH", f"{base}/Users/{uid}", tenant.token, {
            "schemas": [PATCH_OP], "Operations": [
                {"op": "Replace", "path": "displayName", "value": f"Load {rng.randrange(10**6)}"},
                {"op": "Replace", "path": "title", "value": rng.choice(["Engineer", "Manager", "Analyst"])}]})
        return "patch", status == 200
    uid, _ = rng.choice(tenant.users)
    with tenant.lock:
        removing = uid in tenant.members
        (tenant.members.discard if removing else tenant.members.add)(uid)
    operation = {"op": "Remove" if removing else "Add", "path": "members", "value": [{"value": uid}]}
    status, _ = connection.send("PATCH", f"{base}/Groups/{tenant.group}", tenant.token,
                                {"schemas": [PATCH_OP], "Operations": [operation]})
    return "member", status == 204


def run_step(stack: Stack, tenants: list[Tenant], rate: float, seconds: float) -> dict:
    recorder = Recorder()
    interval = 60.0 / rate * SENDERS_PER_TENANT  # each sender's share of the tenant's schedule
    start = time.monotonic() + 0.5
    deadline = start + seconds
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)

    def sender(tenant: Tenant, index: int) -> None:
        rng = random.Random(hash((tenant.name, index)))
        connection = Connection(stack.port)
        due = start + index * interval / SENDERS_PER_TENANT + rng.random() * interval / SENDERS_PER_TENANT
        while due < deadline:
            now = time.monotonic()
            if due > now:
                time.sleep(due - now)
            try:
                kind, ok = one_request(connection, tenant, rng)
            except (http.client.HTTPException, OSError):
                kind, ok = "transport", False
            recorder.record(kind, time.monotonic() - due, ok)
            due += interval

    threads = [threading.Thread(target=sender, args=(t, i), daemon=True)
               for t in tenants for i in range(SENDERS_PER_TENANT)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    elapsed = max(time.monotonic() - start, seconds)
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    everything = sorted(x for values in recorder.latencies.values() for x in values)

    def pct(values: list[float], p: float) -> float:
        return values[min(len(values) - 1, int(p * len(values)))] * 1000 if values else float("nan")

    errors = sum(recorder.errors.values())
    return {
        "tenants": len(tenants),
        "offered_per_s": round(len(tenants) * rate / 60, 1),
        "delivered_per_s": round(recorder.sent / elapsed, 1),
        "requests": recorder.sent,
        "errors": errors,
        "error_rate": errors / recorder.sent if recorder.sent else 1.0,
        "p50_ms": round(pct(everything, 0.50), 1),
        "p99_ms": round(pct(everything, 0.99), 1),
        "max_ms": round(everything[-1] * 1000, 1) if everything else None,
        "p99_by_kind_ms": {k: round(pct(sorted(v), 0.99), 1) for k, v in sorted(recorder.latencies.items())},
        "loadgen_cpu_s": round((cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime), 1),
        "seconds": round(elapsed, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", default="1,2,4,8,16,32")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rate", type=float, default=1000, help="requests per minute per tenant")
    parser.add_argument("--users", type=int, default=200, help="users seeded per tenant")
    parser.add_argument("--members", type=int, default=50, help="members of each tenant's group")
    parser.add_argument("--p99-ms", type=float, default=250)
    parser.add_argument("--max-error-rate", type=float, default=0.001)
    parser.add_argument("--workers", type=int, default=None, help="responder worker threads (default: its own)")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    if not 0 < args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds must be in (0, {MAX_SECONDS}]")
    steps = [int(n) for n in args.steps.split(",")]

    stack = Stack("nginx", workers=args.workers)
    stack.start(apps=())
    results = []
    try:
        tenants: list[Tenant] = []
        for n in steps:
            added = []
            while len(tenants) < n:
                name = f"tenant{len(tenants) + 1}"
                out = stack.cli_json("app", "create", name, "--provider", "entra", "--directory", f"dir-{name}",
                                     "--create-directory")
                tenants.append(Tenant(name, out["token"]))
                added.append(tenants[-1])
            seed_all(stack, added, args.users, args.members)
            figures = run_step(stack, tenants[:n], args.rate, args.seconds)
            figures["db_mib"] = round(sum(f.stat().st_size for f in stack.db_dir.iterdir()) / 2**20, 1)
            figures["load_avg_1m"] = round(os.getloadavg()[0], 2)
            ok = (figures["p99_ms"] <= args.p99_ms and figures["error_rate"] <= args.max_error_rate
                  and figures["delivered_per_s"] >= 0.95 * figures["offered_per_s"])
            figures["within_thresholds"] = ok
            results.append(figures)
            print(json.dumps(figures), flush=True)
            if not ok:
                break
    finally:
        stack.cleanup()
    if args.json:
        args.json.write_text(json.dumps({"settings": vars(args) | {"json": str(args.json)}, "steps": results},
                                        indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
