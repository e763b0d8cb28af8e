"""A 201 means the user is on disk: two responder processes on one database, concurrent
writers through nginx, then `kill -9` of both in the middle of the load."""

from __future__ import annotations

import time
import uuid
from collections import Counter

from load import CreateLoad, integrity_check
from scimcheck import assert_status, get_user, query_users, show, user_body

CLIENTS = 8
LOAD_SECONDS = 3.0


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
        elif outcome.status_code != 503:  # 503: nginx found no responder listening (its 502)
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
