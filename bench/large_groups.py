#!/usr/bin/env python3
"""Large IdP groups (issue 10, item 7): the DELETE and the rename of a 200,000-member IdP group
through nginx, timed until the directory has caught up, with other IdP writes running meanwhile.

    bench/large_groups.py [--members 200000] [--results bench/results/large_groups.md]
    (also: BENCH_LARGE_GROUPS=1 bench/run.sh, or make bench-groups)

The stack is the integration tests' (Tests/integration/stack.py): the real responder (8 workers)
behind the real nginx, on a SQLite file in a temporary directory. The group's members are written
straight into SQLite, IdP view and directory view alike, as the default rules derive them
(creating 200,000 users over HTTP would take minutes); the measured DELETE, rename and the other
writes go through nginx. While the directory catches up, LOAD_CLIENTS clients send POST /Users
and member PATCHes of another group; their p99 is compared with the same load on an idle queue.
The write-lock hold of each batch (its transaction, commit included) is what the responder logs:
the longest per job, and every batch over 100 ms.

Environment: SCIMSYNC_BIN_DIR (binaries; else release ones are built), BENCH_GROUP_BATCH (sets
SCIMSYNC_GROUP_BATCH for the responder; default: the built-in batch size).
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "integration"))
sys.path.insert(0, str(REPO / "bench"))

from release_binaries import ensure_binaries  # noqa: E402

LOAD_CLIENTS = 4
BASELINE_SECONDS = 10.0
CATCH_UP_TIMEOUT = 900.0
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def log(message: str) -> None:
    print(f"[large_groups] {message}", flush=True)


def seed(db: Path, app: str, group_id: str, members: int, fresh_users: bool) -> None:
    """Makes users lg1..lgN (IdP and directory view) if `fresh_users`, and all of them members of
    the IdP group `group_id` and of its same-named directory group, origin "IdP group"."""
    con = sqlite3.connect(db, timeout=30)
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    with con:
        con.execute("CREATE TEMP TABLE seq AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                    "WHERE i < ?) SELECT i FROM n", (members,))
        if fresh_users:
            con.execute("""
                INSERT INTO dir_user (directory_id, name, name_key, active, origin_app_id, created_at, modified_at)
                SELECT a.directory_id, 'lg' || i, 'lg' || i, 1, a.id, ?, ? FROM seq, app a WHERE a.name_key = ?""",
                        (now, now, app))
            con.execute("""
                INSERT INTO scim_user (app_id, id, user_name, user_name_key, active, resource, version, created_at,
                                       modified_at, directory_user_id)
                SELECT a.id, 'lg-' || i, 'lg' || i, 'lg' || i, 1,
                       '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"lg-' || i || '","userName":"lg' || i || '"}',
                       1, ?, ?, d.id
                FROM seq JOIN app a ON a.name_key = ? JOIN dir_user d ON d.directory_id = a.directory_id AND d.name_key = 'lg' || i""",
                        (now, now, app))
        con.execute("""
            INSERT INTO scim_member (group_pk, member_id, member_type)
            SELECT g.pk, 'lg-' || i, 'User' FROM seq, scim_group g WHERE g.id = ?""", (group_id,))
        con.execute("""
            INSERT INTO dir_membership (group_id, member_kind, member_id, rule, app_id, idp_group_pk)
            SELECT d.id, 'user', u.directory_user_id, 'idpGroup', g.app_id, g.pk
            FROM scim_group g JOIN app a ON a.id = g.app_id
            JOIN dir_group d ON d.directory_id = a.directory_id AND d.name_key = g.display_name_key
            JOIN scim_member m ON m.group_pk = g.pk JOIN scim_user u ON u.id = m.member_id
            WHERE g.id = ?""", (group_id,))
    con.close()


def query(db: Path, sql: str, *args):
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)
    try:
        return con.execute(sql, args).fetchone()[0]
    finally:
        con.close()


class Load:
    """LOAD_CLIENTS clients: half POST /Users, half add-then-remove one member of a small group."""

    def __init__(self, stack, small_group_id: str, member_ids: list[str]):
        self.stack, self.group, self.members = stack, small_group_id, member_ids
        self.stop_event = threading.Event()
        self.latencies: list[float] = []
        self.errors = 0
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(LOAD_CLIENTS)]

    def run(self, index: int) -> None:
        client = self.stack.client("bench")
        n = 0
        while not self.stop_event.is_set():
            n += 1
            started = time.monotonic()
            if index % 2 == 0:
                r = client.post("/Users", {"schemas": [USER_SCHEMA], "userName": f"load-{uuid.uuid4().hex}"})
                ok = r.status_code == 201
            else:
                member = self.members[(index * 7919 + n) % len(self.members)]
                op = "add" if n % 2 else "remove"
                value = [{"value": member}] if op == "add" else None
                operation = {"op": op, "path": "members" if op == "add" else f'members[value eq "{member}"]'}
                if value:
                    operation["value"] = value
                r = client.patch(f"/Groups/{self.group}", {"schemas": [PATCH_SCHEMA], "Operations": [operation]})
                ok = r.status_code == 204
            elapsed = time.monotonic() - started
            with self.lock:
                self.latencies.append(elapsed)
                self.errors += 0 if ok else 1
        client.close()

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop_event.set()
        for t in self.threads:
            t.join()

    def summary(self) -> dict:
        lat = sorted(self.latencies)
        if not lat:
            return {"n": 0, "p50": 0.0, "p99": 0.0, "max": 0.0, "errors": self.errors}
        return {"n": len(lat), "p50": statistics.median(lat) * 1000, "p99": lat[int(0.99 * (len(lat) - 1))] * 1000,
                "max": lat[-1] * 1000, "errors": self.errors}


def batch_figures(log_path: Path, since: int) -> tuple[float, int]:
    """The longest batch of the jobs finished in the responder log after byte `since`, and how
    many batches held the lock over 100 ms."""
    text = log_path.read_text(errors="replace")[since:]
    longest = max([float(x) for x in re.findall(r"longest batch ([0-9.]+) ms", text)] or [0.0])
    slow = len(re.findall(r"a batch held the write lock", text))
    return longest, slow


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--members", type=int, default=int(os.environ.get("BENCH_LARGE_GROUP_MEMBERS", 200000)))
    parser.add_argument("--results", default=str(REPO / "bench" / "results" / "large_groups.md"))
    args = parser.parse_args()
    ensure_binaries()
    from stack import Stack  # after SCIMSYNC_BIN_DIR is known

    env = {"SCIMSYNC_GROUP_BATCH": os.environ["BENCH_GROUP_BATCH"]} if os.environ.get("BENCH_GROUP_BATCH") else {}
    stack = Stack("nginx", workers=8, env=env)
    rows: list[str] = []
    try:
        stack.start(apps=(("bench", "corp", "generic"),))
        client = stack.client("bench")
        responder_log = stack.log_dir / "responder-1.log"

        def group(name: str, members: list[str] | None = None) -> str:
            body = {"schemas": [GROUP_SCHEMA], "displayName": name}
            if members:
                body["members"] = [{"value": m} for m in members]
            r = client.post("/Groups", body)
            assert r.status_code == 201, r.text
            return r.json()["id"]

        log(f"seeding {args.members} users and a group of all of them (SQL)")
        big = group("big-a")
        seed(stack.db, "bench", big, args.members, fresh_users=True)
        small = group("small", [f"lg-{i}" for i in range(1, 11)])
        load_members = [f"lg-{i}" for i in range(11, 1011)]

        log(f"baseline: the same load for {BASELINE_SECONDS:.0f} s with nothing queued")
        with Load(stack, small, load_members) as baseline:
            time.sleep(BASELINE_SECONDS)
        base = baseline.summary()

        def measure(label: str, act, caught_up) -> None:
            since = responder_log.stat().st_size
            with Load(stack, small, load_members) as load:
                started = time.monotonic()
                r = act()
                answered = time.monotonic() - started
                assert r.status_code in (200, 204), r.text
                while not caught_up():
                    assert time.monotonic() - started < CATCH_UP_TIMEOUT, f"{label}: not caught up"
                    time.sleep(0.1)
                total = time.monotonic() - started
            time.sleep(1.5)  # the job's summary line
            longest, slow = batch_figures(responder_log, since)
            s = load.summary()
            log(f"{label}: answered in {answered * 1000:.0f} ms, caught up after {total:.1f} s; longest batch "
                f"{longest:.1f} ms, {slow} over 100 ms; other writes p99 {s['p99']:.1f} ms (n={s['n']}, "
                f"errors {s['errors']})")
            rows.append(f"| {label} | {answered * 1000:.0f} | {total:.1f} | {longest:.1f} | {slow} | "
                        f"{s['n']} | {s['p50']:.1f} | {s['p99']:.1f} | {s['max']:.1f} | {s['errors']} |")

        def work_left() -> int:
            return query(stack.db, "SELECT count(*) FROM group_work")

        measure(f"DELETE of a {args.members:,}-member group",
                lambda: client.delete(f"/Groups/{big}"),
                lambda: work_left() == 0 and query(stack.db, "SELECT count(*) FROM dir_group WHERE name = 'big-a'") == 0)

        log(f"seeding a second group of the {args.members} users (SQL)")
        big_b = group("big-b")
        seed(stack.db, "bench", big_b, args.members, fresh_users=False)
        rename = {"schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "path": "displayName", "value": "big-c"}]}
        measure(f"rename of a {args.members:,}-member group",
                # Without the 200,000 members in the answer, which only the rendering would time.
                lambda: client.patch(f"/Groups/{big_b}?excludedAttributes=members", rename),
                lambda: work_left() == 0 and query(stack.db, "SELECT count(*) FROM dir_group WHERE name = 'big-b'") == 0)
        moved = query(stack.db, "SELECT count(*) FROM dir_membership m JOIN dir_group g ON g.id = m.group_id "
                                "WHERE g.name = 'big-c'")
        assert moved == args.members, f"the renamed group's directory group has {moved} members"
    finally:
        stack.cleanup()

    table = [
        f"Other IdP writes with nothing queued ({LOAD_CLIENTS} clients, POST /Users and member PATCHes of a "
        f"10-member group): n={base['n']}, p50 {base['p50']:.1f} ms, p99 {base['p99']:.1f} ms, "
        f"max {base['max']:.1f} ms, errors {base['errors']}.",
        "",
        "| operation | answered (ms) | directory caught up (s) | longest batch (ms) | batches > 100 ms "
        "| other writes meanwhile | p50 (ms) | p99 (ms) | max (ms) | errors |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
    ]
    Path(args.results).parent.mkdir(parents=True, exist_ok=True)
    Path(args.results).write_text("\n".join(table) + "\n")
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
