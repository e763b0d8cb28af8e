"""A FastCGI connection whose request the responder read to its end closes at once: no
shutdown(2) and poll for the web server's EOF (libfcgi's default close), and every answer still
arrives whole. A connection whose body was left unread (over the responder's limit) keeps
libfcgi's close, so that the unread input cannot reset the connection under the 413; and a
connection the web server keeps (FCGI_KEEP_CONN) carries request after request. Watched with
strace attached to the responder behind nginx."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import time
from collections import Counter

import pytest

from scimcheck import user_body
from stack import REPO, Stack, wait_until


def _bench_fcgi_client():
    """The benchmark's FastCGI client, which frames the records of the kept-connection test.
    Loaded by path: putting bench/ on sys.path would let bench/crowd.py shadow the Crowd client."""
    spec = importlib.util.spec_from_file_location("bench_fcgi_client", REPO / "bench" / "fcgi_client.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_fcgi_client = _bench_fcgi_client()
name_value, record = _fcgi_client.name_value, _fcgi_client.record

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


def calls_while(stack: Stack, out, names: tuple[str, ...], action) -> Counter:
    """How many times the responder made each of these system calls while `action` ran."""
    tracer = subprocess.Popen(["strace", "-f", "-e", "trace=" + ",".join(names), "-o", str(out),
                               "-p", str(stack.responders[0].pid)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_until("strace to attach", lambda: out.exists() or tracer.poll() is not None, 10)
    time.sleep(0.5)
    try:
        action()
    finally:
        tracer.send_signal(signal.SIGINT)
        tracer.wait(timeout=20)
    # Each call starts a line "PID NAME(..." (its end may follow as "<... NAME resumed>").
    lines = out.read_text(errors="replace").splitlines()
    return Counter({name: sum(1 for line in lines if f" {name}(" in line) for name in names})


def shutdowns_while(stack: Stack, out, action) -> int:
    """The shutdown(2) calls the responder makes while `action` runs."""
    return calls_while(stack, out, ("shutdown",), action)["shutdown"]


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


def kept_get(connection: socket.socket, request_id: int, uri: str, token: str, host: str) -> bytes:
    """One GET on a connection kept open (FCGI_KEEP_CONN): the answer's stdout, up to its FCGI_END_REQUEST."""
    params = {"REQUEST_METHOD": "GET", "REQUEST_URI": uri, "QUERY_STRING": "", "REQUEST_SCHEME": "http",
              "HTTP_HOST": host, "REMOTE_ADDR": "127.0.0.1", "HTTP_AUTHORIZATION": "Bearer " + token}
    pairs = b"".join(name_value(k.encode(), v.encode()) for k, v in params.items())
    # FCGI_BEGIN_REQUEST as a responder with FCGI_KEEP_CONN, the parameters, an empty stdin.
    connection.sendall(record(1, struct.pack(">HB5x", 1, 1), request_id) + record(4, pairs, request_id)
                       + record(4, b"", request_id) + record(5, b"", request_id))
    stdout, received = b"", b""
    while True:
        while len(received) < 8 or len(received) < 8 + struct.unpack(">H", received[4:6])[0] + received[6]:
            chunk = connection.recv(65536)
            assert chunk, "the responder closed a connection it was asked to keep"
            received += chunk
        _, kind, rid, length, padding, _ = struct.unpack(">BBHHBB", received[:8])
        content, received = received[8:8 + length], received[8 + length + padding:]
        assert rid == request_id
        if kind == 6:
            stdout += content
        if kind == 3:
            assert not received, "nothing follows the end of a request"
            return stdout


def test_a_kept_connection_carries_request_after_request(stack):
    alpha = stack.client("alpha")
    user = alpha.post("/Users", user_body("kept")).json()
    token = stack.apps["alpha"].token
    host = stack.origin.split("://", 1)[1]
    with socket.socket(socket.AF_UNIX) as connection:
        connection.settimeout(20)
        connection.connect(str(stack.socket_path(0)))
        for request_id in (1, 2, 3):
            answer = kept_get(connection, request_id, f"/scim/alpha/v2/Users/{user['id']}", token, host)
            head, _, body = answer.partition(b"\r\n\r\n")
            assert head.startswith(b"Status: 200"), head
            assert json.loads(body) == user
    # The worker that held it serves the web server again once it is closed.
    for _ in range(8):
        assert alpha.get(f"/Users/{user['id']}").json() == user
