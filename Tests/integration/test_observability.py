"""What an operator watches (issue 11, items 6, 8, 9 and 10), through every front end.

- Rate limits: an app past its limit gets 429 with Retry-After and a SCIM error naming the limit,
  while another app goes on; the bucket is shared by every responder process (mod_fcgid spawns
  several).
- /health: 200 while the database can be read and written, 503 once it cannot (the file made
  immutable: root ignores permission bits), unauthenticated.
- /metrics: the Prometheus text read by the real `prometheus_client` parser, counters moving by
  exactly the requests sent; 403 from any address but loopback's own 127.0.0.1.
- Logs: one JSON object per line that `jq` reads, one per request with its fields, and neither
  the token nor a filter value in any line.
- `scimsync stats`: the requests, errors, rate-limited requests and sizes sent.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import uuid

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from scimcheck import assert_scim_error, assert_status, user_body
from stack import HTTP_TIMEOUT, Stack

GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


def new_app(stack: Stack, prefix: str):
    name = f"{prefix}-{uuid.uuid4().hex[:8]}"
    stack.create_app(name)
    return name, stack.client(name)


def scrape(stack: Stack) -> dict[tuple[str, tuple], float]:
    """Every sample of /metrics, by (name, sorted labels), parsed by prometheus_client."""
    r = requests.get(f"{stack.origin}/metrics", timeout=HTTP_TIMEOUT)
    assert_status(r, 200)
    assert r.headers["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(r.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def total(samples: dict, name: str, **labels) -> float:
    """The sum of `name` over every series whose labels include `labels` (pid, say, varies)."""
    wanted = set(labels.items())
    return sum(v for (n, ls), v in samples.items() if n == name and wanted <= set(ls))


# ----- rate limits --------------------------------------------------------------------------

def test_an_app_past_its_rate_limit_gets_429_with_retry_after_and_another_app_does_not(stack):
    limited, client = new_app(stack, "limited")
    other, other_client = new_app(stack, "unlimited")
    stack.cli("app", "set-rate-limit", limited, "--per-second", "1", "--burst", "5")
    statuses = []
    refused = None
    started = time.monotonic()
    for _ in range(12):
        r = client.get("/Users")
        statuses.append(r.status_code)
        if r.status_code == 429:
            refused = r
            break
    elapsed = time.monotonic() - started
    assert refused is not None, f"no 429 in {len(statuses)} requests at 1/s with a burst of 5: {statuses}"
    # The burst passes whole, and no more than the bucket refilled meanwhile (one a second).
    assert statuses[:5] == [200] * 5, statuses
    assert len(statuses) - 1 <= 5 + int(elapsed) + 1, (statuses, elapsed)
    body = assert_scim_error(refused, 429)
    assert "scimType" not in body
    assert "(limit rateLimitPerSecond = 1)" in body["detail"], body
    retry_after = refused.headers.get("Retry-After")
    assert retry_after is not None and retry_after.isdigit() and int(retry_after) >= 1, refused.headers
    assert refused.headers.get("X-Request-Id")

    # Another app, at the same moment, is not limited by it.
    for _ in range(6):
        assert_status(other_client.get("/Users"), 200)

    # After Retry-After the app is served again.
    time.sleep(int(retry_after))
    assert_status(client.get("/Users"), 200)

    stats = {s["app"]: s for s in stack.cli_json("stats")}
    sent = len(statuses) + 1
    assert stats[limited]["requests"] == sent
    assert stats[limited]["rateLimited"] == 1
    assert stats[limited]["errors"] == 0
    assert stats[limited]["rateLimit"] == {"perSecond": 1, "burst": 5}
    assert stats[other]["requests"] == 6 and stats[other]["rateLimited"] == 0
    assert stats[other]["rateLimit"] is None  # the responder's default
    client.close()
    other_client.close()


def test_rate_limit_settings_are_checked_and_audited(stack):
    name, client = new_app(stack, "settings")
    bad = stack.cli("app", "set-rate-limit", name, "--per-second", "0", check=False)
    assert bad.returncode != 0 and "--per-second" in bad.stderr
    stack.cli("app", "set-rate-limit", name, "--per-second", "7")
    assert "Rate limit:    7 requests per second, in bursts of 14" in stack.cli("app", "show", name).stdout
    stack.cli("app", "set-rate-limit", name, "--default")
    assert "Rate limit:    the responder's default (50 requests per second, in bursts of 100" in stack.cli("app", "show", name).stdout
    operations = [e["operation"] for e in stack.cli_json("audit", "--app", name)]
    assert operations.count("app.set-rate-limit") == 2
    client.close()


# ----- health -------------------------------------------------------------------------------

def health(stack: Stack) -> requests.Response:
    return requests.get(f"{stack.origin}/health", timeout=HTTP_TIMEOUT)


def wait_for_health(stack: Stack, status: int) -> requests.Response:
    # The responder checks at most once a second.
    deadline = time.monotonic() + 10
    while True:
        r = health(stack)
        if r.status_code == status or time.monotonic() > deadline:
            return r
        time.sleep(0.3)


def test_health_says_whether_the_database_can_be_written(stack):
    r = health(stack)
    assert_status(r, 200)
    assert r.headers["Content-Type"] == "application/json"
    assert r.json() == {"status": "ok", "readable": True, "writable": True, "schemaCurrent": True}

    # Root writes through permission bits: make the file immutable instead.
    subprocess.run(["chattr", "+i", str(stack.db)], check=True)
    try:
        r = wait_for_health(stack, 503)
        assert_status(r, 503)
        assert r.json() == {"status": "unavailable", "readable": True, "writable": False, "schemaCurrent": True}
    finally:
        subprocess.run(["chattr", "-i", str(stack.db)], check=True)
    assert_status(wait_for_health(stack, 200), 200)


# ----- metrics ------------------------------------------------------------------------------

def test_metrics_counters_move_by_exactly_the_requests_sent(stack):
    name, client = new_app(stack, "metered")
    assert_status(client.post("/Users", user_body(f"m-{uuid.uuid4().hex[:6]}")), 201)
    before = scrape(stack)
    for _ in range(7):
        assert_status(client.get("/Users"), 200)
    for _ in range(3):
        assert_status(client.get(f"/Users/{uuid.uuid4()}"), 404)
    assert_status(client.get("/Users", token="scs_not-a-token"), 401)
    after = scrape(stack)

    # Installation-wide, from the shared traffic file: exact whichever process answers.
    # The refused token counts for the app its URL names too.
    assert total(after, "scimsync_app_requests_total", app=name) - total(before, "scimsync_app_requests_total", app=name) == 11
    assert total(after, "scimsync_app_errors_total", app=name) - total(before, "scimsync_app_errors_total", app=name) == 4
    assert total(after, "scimsync_app_rate_limited_total", app=name) == 0
    assert total(after, "scimsync_app_users", app=name) == 1
    assert total(after, "scimsync_directory_users", directory="corp") >= 1
    last = total(after, "scimsync_app_last_request_timestamp_seconds", app=name)
    assert abs(last - time.time()) < 60, last

    if stack.frontend != "apache-fcgid":
        # One responder process: its own series are the whole story too.
        def moved(metric, **labels):
            return total(after, metric, **labels) - total(before, metric, **labels)

        assert moved("scimsync_http_requests_total", app=name, endpoint="Users", method="GET", status="200") == 7
        assert moved("scimsync_http_requests_total", app=name, endpoint="Users/{id}", method="GET", status="404") == 3
        # 7 answered, and the one whose token was refused.
        assert moved("scimsync_http_request_duration_seconds_count", app=name, endpoint="Users") == 8
        assert moved("scimsync_auth_failures_total") == 1
        assert moved("scimsync_http_requests_total", app=name, status="401") == 1
        assert total(after, "scimsync_db_commit_seconds_count") >= 1
        assert total(after, "scimsync_db_write_lock_wait_seconds_count") >= 1
    client.close()


def test_metrics_answer_only_loopback(stack):
    # Loopback is 127.0.0.0/8: a client bound to 127.0.0.2 stands for any other address.
    with socket.create_connection(("127.0.0.1", stack.port), timeout=HTTP_TIMEOUT, source_address=("127.0.0.2", 0)) as s:
        s.sendall(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 403"), answer[:300]
    head, _, body = answer.partition(b"\r\n\r\n")
    assert b"content-type: application/scim+json" in head.lower(), head
    assert b"scimsync_" not in answer and b'"status":"403"' in body, answer[:600]


# ----- logs ---------------------------------------------------------------------------------

def test_one_json_log_line_per_request_without_token_or_filter_values(stack):
    if stack.frontend == "apache-fcgid":
        pytest.skip("mod_fcgid copies the responder's standard error into Apache's error log, line by line")
    name, client = new_app(stack, "logged")
    secret_value = f"filter-value-{uuid.uuid4().hex}"
    request_id = f"log-test-{uuid.uuid4().hex[:12]}"
    r = client.get("/Users", params={"filter": f'userName eq "{secret_value}"'}, headers={"X-Request-Id": request_id})
    assert_status(r, 200)
    log = stack.log_dir / "responder-1.log"
    # Every line of the responder's log is one JSON object: jq reads the whole file.
    everything = subprocess.run(["jq", "-c", "."], stdin=open(log, "rb"), capture_output=True, text=True, check=True)
    lines = [json.loads(line) for line in everything.stdout.splitlines()]
    found = subprocess.run(["jq", "-c", f'select(.request_id == "{request_id}")', str(log)],
                           capture_output=True, text=True, check=True).stdout.splitlines()
    assert len(found) == 1, found
    line = json.loads(found[0])
    assert line["message"] == "request" and line["level"] == "info"
    assert line["app"] == name and line["method"] == "GET" and line["status"] == 200
    assert line["path"] == f"/scim/{name}/v2/Users"
    assert isinstance(line["duration_ms"], (int, float)) and line["duration_ms"] >= 0
    assert isinstance(line["db_ms"], (int, float)) and 0 <= line["db_ms"] <= line["duration_ms"]
    assert line["time"].endswith("Z")
    text = log.read_text()
    assert secret_value not in text
    assert stack.apps[name].token not in text
    assert "filter=" not in text
    assert any(entry.get("message") == "request" for entry in lines)
    client.close()


# ----- scimsync stats -----------------------------------------------------------------------

def test_stats_count_what_the_idp_sent(stack):
    name, client = new_app(stack, "counted")
    for i in range(2):
        assert_status(client.post("/Users", user_body(f"s-{i}-{uuid.uuid4().hex[:6]}")), 201)
    assert_status(client.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": f"g-{uuid.uuid4().hex[:6]}"}), 201)
    assert_status(client.get(f"/Groups/{uuid.uuid4()}"), 404)
    (stats,) = stack.cli_json("stats", "--app", name)
    assert {k: stats[k] for k in ("app", "requests", "errors", "rateLimited", "users", "groups")} == {
        "app": name, "requests": 4, "errors": 1, "rateLimited": 0, "users": 2, "groups": 1}
    assert stats["lastContact"] is not None
    (recent,) = stack.cli_json("stats", "--app", name, "--since", "1h")
    assert recent["requests"] == 4
    text = stack.cli("stats", "--app", name).stdout
    assert name in text and "REQUESTS" in text
    bad = stack.cli("stats", "--since", "30d", check=False)
    assert bad.returncode != 0 and "--since" in bad.stderr
    client.close()


def test_rate_limits_travel_in_the_configuration_export(stack):
    name, client = new_app(stack, "exported")
    stack.cli("app", "set-rate-limit", name, "--per-second", "3", "--burst", "4")
    document = json.loads(stack.cli("export", "--redact").stdout)
    (app,) = [a for a in document["apps"] if a["name"] == name]
    assert app["rateLimit"] == {"perSecond": 3, "burst": 4}
    app["rateLimit"] = {"perSecond": 9, "burst": 18}
    path = stack.dir / f"{name}.json"  # readable by the mod_fcgid stack's admin user, www-data
    path.write_text(json.dumps(document))
    path.chmod(0o644)
    stack.cli("import", str(path))
    assert "Rate limit:    9 requests per second, in bursts of 18" in stack.cli("app", "show", name).stdout
    client.close()


def test_two_responder_processes_share_one_bucket_and_one_count(two_responders):
    """nginx alternates between two responder processes: the burst is the app's, not each
    process's, and the counts add up across them."""
    s = two_responders
    name, client = new_app(s, "shared")
    s.cli("app", "set-rate-limit", name, "--per-second", "1", "--burst", "6")
    statuses = [client.get("/Users").status_code for _ in range(8)]
    # A bucket per process would have let all 8 through (4 each).
    assert statuses.count(200) in (6, 7), statuses
    assert statuses[:6] == [200] * 6 and 429 in statuses, statuses
    pids = set()
    for _ in range(4):
        samples = scrape(s)
        assert total(samples, "scimsync_app_requests_total", app=name) == 8
        assert total(samples, "scimsync_app_rate_limited_total", app=name) == statuses.count(429)
        pids |= {dict(labels)["pid"] for (n, labels) in samples if n == "scimsync_http_requests_total"}
    assert len(pids) == 2, f"the scrapes should have reached both processes: {pids}"
    (stats,) = s.cli_json("stats", "--app", name)
    assert stats["requests"] == 8 and stats["rateLimited"] == statuses.count(429)
    client.close()
