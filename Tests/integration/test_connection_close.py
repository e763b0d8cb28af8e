"""A FastCGI connection whose request the responder read to its end closes at once: no
shutdown(2) and poll for the web server's EOF (libfcgi's default close), and every answer still
arrives whole. A connection whose body was left unread (over the responder's limit) keeps
libfcgi's close, so that the unread input cannot reset the connection under the 413. Watched
with strace attached to the responder behind nginx."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time

import pytest

from scimcheck import user_body
from stack import Stack, wait_until

LIMIT = 64 * 1024


@pytest.fixture
def stack():
    if shutil.which("strace") is None or os.geteuid() != 0:
        pytest.skip("needs strace and the right to attach to the responder (root)")
    # The responder's body limit under nginx's, so that a body between the two reaches the
    # responder and is left unread.
    s = Stack("nginx", workers=4, env={"SCIMSYNC_MAX_BODY_BYTES": str(LIMIT)})
    try:
        s.start(apps=(("alpha", "corp", "generic"),))
        yield s
    finally:
        s.cleanup()


def shutdowns_while(stack: Stack, out, action) -> int:
    """The shutdown(2) calls the responder makes while `action` runs."""
    tracer = subprocess.Popen(["strace", "-f", "-e", "trace=shutdown", "-o", str(out), "-p", str(stack.responders[0].pid)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_until("strace to attach", lambda: out.exists() or tracer.poll() is not None, 10)
    time.sleep(0.5)
    try:
        action()
    finally:
        tracer.send_signal(signal.SIGINT)
        tracer.wait(timeout=20)
    return sum(1 for line in out.read_text(errors="replace").splitlines() if "shutdown(" in line)


def test_read_requests_close_at_once_and_their_answers_arrive_whole(stack):
    alpha = stack.client("alpha")
    created = []

    def traffic():
        for i in range(20):
            r = alpha.post("/Users", user_body(f"close-{i}"))
            assert r.status_code == 201, r.text
            created.append(r.json())
        for user in created:
            r = alpha.get(f"/Users/{user['id']}")
            assert r.status_code == 200
            assert r.headers["Content-Length"] == str(len(r.content))
            assert json.loads(r.content) == user
        listed = alpha.get("/Users", params={"count": 100}).json()
        assert listed["totalResults"] == 20 and len(listed["Resources"]) == 20

    assert shutdowns_while(stack, stack.dir / "read.strace", traffic) == 0


def test_a_body_left_unread_keeps_the_lingering_close_and_its_413(stack):
    alpha = stack.client("alpha")
    body = user_body("too-big")
    body["displayName"] = "x" * (LIMIT * 2)
    answers = []

    def oversized():
        for _ in range(3):
            answers.append(alpha.post("/Users", data=json.dumps(body).encode()))

    shutdowns = shutdowns_while(stack, stack.dir / "unread.strace", oversized)
    for r in answers:
        assert r.status_code == 413, r.text
        assert "urn:ietf:params:scim:api:messages:2.0:Error" in r.json()["schemas"]
    assert shutdowns == 3, "a connection with unread input closes as libfcgi does"
