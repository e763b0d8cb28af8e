#!/usr/bin/env python3
"""The Crowd API's speed (issue 13): `user` and `user/group/nested` lookups against `GET
/Users/{id}` in the same run, and `group/membership` of a directory with 200,000 memberships with
the responder's memory before and after.

    bench/crowd.py [--users 20000] [--groups 10] [--duration 10s] [--results bench/results/crowd.md]

The stack is the integration tests' (Tests/integration/stack.py): the real responder (8 workers)
behind the real nginx, on a SQLite file in a temporary directory. USERS users are written
straight into SQLite (IdP view and directory view, as the default rules derive them), each a
member of GROUPS directory groups that are all inside one parent group, so USERS x GROUPS
memberships (200,000 by default) and a nested lookup that finds GROUPS + 1 groups. wrk sends the
lookups (bench/lua): GET /Users/{id}, then each Crowd lookup, then GET /Users/{id} again; a
Crowd figure is compared with the mean of the two. The responder's CPU time per request (from
/proc) is printed beside each, as it varies less than throughput on a shared machine. Environment: SCIMSYNC_BIN_DIR (binaries; else
release ones are built), BENCH_THREADS (2), BENCH_CONNECTIONS (32).
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "Tests" / "integration"))
sys.path.insert(0, str(REPO / "bench"))

from proc_memory import memory_kib  # noqa: E402
from release_binaries import ensure_binaries  # noqa: E402


def log(message: str) -> None:
    print(f"[crowd] {message}", flush=True)


def seed(db: Path, app: str, users: int, groups: int) -> None:
    con = sqlite3.connect(db, timeout=30)
    now = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime())
    with con:
        con.execute("CREATE TEMP TABLE seq AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                    "WHERE i < ?) SELECT i FROM n", (users,))
        con.execute("""
            INSERT INTO dir_user (directory_id, name, name_key, email, first_name, last_name, display_name, active,
                                  origin_app_id, created_at, modified_at)
            SELECT a.directory_id, 'cu' || i, 'cu' || i, 'cu' || i || '@bench.test', 'Crowd', 'User ' || i,
                   'Crowd User ' || i, 1, a.id, ?, ? FROM seq, app a WHERE a.name_key = ?""", (now, now, app))
        con.execute("""
            INSERT INTO scim_user (app_id, id, user_name, user_name_key, active, resource, version, created_at,
                                   modified_at, directory_user_id)
            SELECT a.id, 'cu-' || i, 'cu' || i, 'cu' || i, 1,
                   '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"id":"cu-' || i || '","userName":"cu' || i || '"}',
                   1, ?, ?, d.id
            FROM seq JOIN app a ON a.name_key = ? JOIN dir_user d ON d.directory_id = a.directory_id AND d.name_key = 'cu' || i""",
                    (now, now, app))
        directory = con.execute("SELECT directory_id FROM app WHERE name_key = ?", (app,)).fetchone()[0]
        for name in ["everyone"] + [f"team-{g}" for g in range(groups)]:
            con.execute("INSERT INTO dir_group (directory_id, name, name_key, created_at, modified_at) VALUES (?, ?, ?, ?, ?)",
                        (directory, name, name, now, now))
        con.execute("""
            INSERT INTO dir_membership (group_id, member_kind, member_id, rule)
            SELECT g.id, 'user', u.id, 'admin' FROM dir_group g, dir_user u
            WHERE g.directory_id = ? AND g.name LIKE 'team-%' AND u.directory_id = ?""", (directory, directory))
        con.execute("""
            INSERT INTO dir_membership (group_id, member_kind, member_id, rule)
            SELECT p.id, 'group', g.id, 'admin' FROM dir_group p, dir_group g
            WHERE p.directory_id = ? AND p.name = 'everyone' AND g.directory_id = ? AND g.name LIKE 'team-%'""",
                    (directory, directory))
    con.close()


def wrk(origin: str, script: str, duration: str, env: dict) -> dict:
    threads = os.environ.get("BENCH_THREADS", "2")
    connections = os.environ.get("BENCH_CONNECTIONS", "32")
    out = subprocess.run(["wrk", "-t", threads, "-c", connections, "-d", duration, "--latency", "-s",
                          str(REPO / "bench" / "lua" / script), origin],
                         env={**os.environ, **env, "BENCH_LUA_DIR": str(REPO / "bench" / "lua")},
                         capture_output=True, text=True, check=True)
    line = next(l for l in out.stdout.splitlines() if l.startswith("BENCH_RESULT "))
    result = json.loads(line[len("BENCH_RESULT "):])
    if result["status_errors"]:
        raise SystemExit(f"{script}: {result['status_errors']} answers of 400 or more\n{out.stdout}")
    result["rate"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measured(stack, script: str, duration: str, env: dict) -> dict:
    """wrk's figures, and the responder's CPU time per request (robust on a shared machine)."""
    pid = stack.responders[0].pid
    before = cpu_seconds(pid)
    result = wrk(stack.origin, script, duration, env)
    result["cpu_us"] = (cpu_seconds(pid) - before) / result["requests"] * 1e6
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--groups", type=int, default=10)
    parser.add_argument("--duration", default="10s")
    parser.add_argument("--results", default=str(REPO / "bench" / "results" / "crowd.md"))
    args = parser.parse_args()
    ensure_binaries()
    from stack import Stack  # after SCIMSYNC_BIN_DIR is known

    stack = Stack("nginx", workers=8, env={"SCIMSYNC_DEFAULT_RATE_LIMIT": "100000/1000000"})
    try:
        stack.start(apps=(("bench", "corp", "generic"),))
        log(f"seeding {args.users} users, {args.users * args.groups} memberships")
        seed(stack.db, "bench", args.users, args.groups)
        password = stack.cli_json("client", "create", "bench-crowd", "--directory", "corp")["password"]
        basic = base64.b64encode(f"bench-crowd:{password}".encode()).decode()
        with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as users_file:
            for i in range(1, args.users + 1):
                users_file.write(f"cu-{i}\tcu{i}\t\n")
        env = {"BENCH_USERS_FILE": users_file.name, "BENCH_TOKEN": stack.apps["bench"].token,
               "BENCH_BASE_PATH": "/scim/bench/v2", "BENCH_BASIC": basic}
        api = "/crowd/rest/usermanagement/1"
        check = requests.get(f"{stack.origin}{api}/user/group/nested", params={"username": "cu1"},
                             auth=("bench-crowd", password), headers={"Accept": "application/json"}, timeout=30)
        assert len(check.json()["groups"]) == args.groups + 1, check.text
        # Warm every worker's caches (the client's password hash is verified once per connection).
        wrk(stack.origin, "crowd_get.lua", "2s", {**env, "BENCH_CROWD_PATH": f"{api}/user"})
        wrk(stack.origin, "get_user.lua", "2s", env)
        figures = {}
        figures["users_before"] = measured(stack, "get_user.lua", args.duration, env)
        figures["crowd_user"] = measured(stack, "crowd_get.lua", args.duration, {**env, "BENCH_CROWD_PATH": f"{api}/user"})
        figures["crowd_nested"] = measured(stack, "crowd_get.lua", args.duration,
                                           {**env, "BENCH_CROWD_PATH": f"{api}/user/group/nested"})
        figures["users_after"] = measured(stack, "get_user.lua", args.duration, env)
        baseline = (figures["users_before"]["rate"] + figures["users_after"]["rate"]) / 2

        pid = stack.responders[0].pid
        rss_before, peak_before = memory_kib(pid)
        started = time.monotonic()
        with requests.get(f"{stack.origin}{api}/group/membership", auth=("bench-crowd", password),
                          headers={"Accept": "application/xml"}, stream=True, timeout=300) as r:
            size = sum(len(chunk) for chunk in r.iter_content(1 << 16))
        seconds = time.monotonic() - started
        rss_after, peak_after = memory_kib(pid)

        lines = [
            f"Crowd API benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, {os.cpu_count()} cores"
            f" (shared), wrk -t{os.environ.get('BENCH_THREADS', '2')} -c{os.environ.get('BENCH_CONNECTIONS', '32')}"
            f" -d{args.duration}, {args.users} users, {args.users * args.groups} memberships",
            "",
            "| lookup | req/s | p50 ms | p99 ms | of GET /Users/{id} | responder CPU per request |",
            "|---|---|---|---|---|---|",
        ]
        for key, label in [("users_before", "GET /Users/{id} (before)"), ("crowd_user", "GET user?username="),
                           ("crowd_nested", "GET user/group/nested?username="), ("users_after", "GET /Users/{id} (after)")]:
            f = figures[key]
            lines.append(f"| {label} | {f['rate']:.0f} | {f['p50_us'] / 1000:.2f} | {f['p99_us'] / 1000:.2f} |"
                         f" {f['rate'] / baseline:.2f} | {f['cpu_us']:.0f} µs |")
        lines += ["", f"group/membership (XML): {size} bytes in {seconds:.2f} s; responder RSS {rss_before} KiB before,"
                      f" {rss_after} KiB after; peak RSS {peak_before} KiB before, {peak_after} KiB after"]
        text = "\n".join(lines) + "\n"
        print(text)
        Path(args.results).parent.mkdir(parents=True, exist_ok=True)
        Path(args.results).write_text(text)
        return 0
    finally:
        stack.cleanup()


if __name__ == "__main__":
    sys.exit(main())
