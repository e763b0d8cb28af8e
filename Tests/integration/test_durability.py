"""A 201 means the user is on disk: two responder processes on one database, concurrent
writers through nginx, then `kill -9` of both in the middle of the load."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections import Counter

import pytest
import requests

from scimcheck import assert_status, get_user, query_users, show, user_body
from stack import HTTP_TIMEOUT, SCIM_JSON, Stack

CLIENTS = 8
LOAD_SECONDS = 3.0
MAX_POSTS_PER_CLIENT = 2000


@pytest.fixture
def two_responders():
    s = Stack("nginx", responders=2, workers=4)
    try:
        s.start(apps=(("alpha", "corp", "generic"),))
        yield s
    finally:
        s.cleanup()


class CreateLoad:
    """Client threads POSTing new users (`<prefix>-<client>-<n>`) through nginx until stopped.
    Every outcome, a response or a `requests` exception, goes to `record(name, outcome, finished)`,
    called under a lock."""

    def __init__(self, s: Stack, app: str, prefix: str, clients: int, record):
        self.url = s.base_url(app) + "/Users"
        self.headers = {"Authorization": f"Bearer {s.apps[app].token}", "Content-Type": SCIM_JSON}
        self.prefix, self.record = prefix, record
        self.lock, self.stopping = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(clients)]
        for t in self.threads:
            t.start()

    def _client(self, n: int) -> None:
        with requests.Session() as http:
            for i in range(MAX_POSTS_PER_CLIENT):
                if self.stopping.is_set():
                    return
                name = f"{self.prefix}-{n}-{i}"
                try:
                    outcome = http.post(self.url, data=json.dumps(user_body(name)), headers=self.headers,
                                        timeout=HTTP_TIMEOUT)
                except requests.RequestException as e:
                    outcome = e
                finished = time.monotonic()
                with self.lock:
                    self.record(name, outcome, finished)

    def stop(self) -> None:
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=2 * HTTP_TIMEOUT)
        assert not any(t.is_alive() for t in self.threads), "a client hung"


def integrity_check(db) -> str:
    con = sqlite3.connect(str(db), timeout=10)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()


def test_acknowledged_creates_survive_kill9_of_every_responder(two_responders):
    s = two_responders
    run = uuid.uuid4().hex[:8]
    acked: list[tuple[str, str]] = []          # (id, userName) of every 201
    failed_before_kill: list[str] = []         # any non-201 answered while both responders ran
    outcomes = Counter()
    kill_time = [float("inf")]

    def record(name, outcome, finished):
        if isinstance(outcome, Exception):
            outcomes[type(outcome).__name__] += 1
            return
        outcomes[outcome.status_code] += 1
        if outcome.status_code == 201:
            acked.append((outcome.json()["id"], name))
        elif finished < kill_time[0]:
            failed_before_kill.append(show(outcome))

    load = CreateLoad(s, "alpha", f"durable-{run}", CLIENTS, record)
    time.sleep(LOAD_SECONDS)
    kill_time[0] = time.monotonic()
    for p in s.responders:
        p.kill9()
    time.sleep(0.5)  # clients keep sending into the dead upstreams
    load.stop()

    print(f"durability: {len(acked)} acknowledged creates; outcomes {dict(outcomes)}")
    assert len(acked) >= 20, f"too little load to mean anything: {outcomes}"
    assert sum(n for k, n in outcomes.items() if k != 201) > 0, \
        f"no request failed after the kill: the responders were not killed mid-load? {outcomes}"
    assert not failed_before_kill, f"{len(failed_before_kill)} writes failed while both responders ran " \
                                   f"({outcomes}); first:{failed_before_kill[0]}"
    assert len({i for i, _ in acked}) == len(acked), "ids are unique"

    # The database as the crash left it (crash recovery included) is sound.
    assert integrity_check(s.db) == "ok"

    s.start_responder(0)
    alpha = s.client("alpha")
    for user_id, name in acked:
        assert get_user(alpha, user_id)["userName"] == name, f"acknowledged user {name} lost"
    lr = query_users(alpha, f'userName sw "durable-{run}-"', count=0)
    assert lr["totalResults"] >= len(acked)
    names = [n for _, n in acked]
    assert len(set(names)) == len(names)
    # The service still writes after the restart.
    r = alpha.post("/Users", user_body(f"durable-{run}-after-restart"))
    assert_status(r, 201)
    s.stop()
    assert integrity_check(s.db) == "ok"


def test_sigterm_drains_and_exits_0(two_responders):
    """SIGTERM (systemd stop, mod_fcgid, Ctrl-C): requests in flight finish, the process exits 0
    and removes its socket; what it acknowledged is there after a restart."""
    s = two_responders
    run = uuid.uuid4().hex[:8]
    acked, bad = [], []

    def record(name, outcome, finished):
        if isinstance(outcome, Exception):
            bad.append(repr(outcome))
        elif outcome.status_code == 201:
            acked.append((outcome.json()["id"], name))
        elif outcome.status_code != 502:  # 502: nginx found no responder listening
            bad.append(show(outcome))

    load = CreateLoad(s, "alpha", f"term-{run}", 4, record)
    time.sleep(1.0)
    codes = [p.stop() for p in s.responders]
    load.stop()
    assert codes == [0, 0], f"exit status after SIGTERM: {codes}"
    assert not any(s.socket_path(i).exists() for i in range(2)), "socket files left behind"
    assert not bad, f"{len(bad)} bad answers during shutdown; first: {bad[0]}"
    assert len(acked) >= 5, "too little load to mean anything"

    s.start_responder(1)
    alpha = s.client("alpha")
    for user_id, name in acked:
        assert get_user(alpha, user_id)["userName"] == name
