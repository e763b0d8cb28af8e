"""What the web server answers by itself is a SCIM answer too (issue 11, items 1 and 7).

Each request below is one that nginx or Apache refuses before ScimSync sees it; they are sent
over a raw socket because a client library would tidy them (a NUL in the URI, an 8 KB header, a
20 KB URI, TRACE, oversized bodies with and without Content-Length). Every such answer must carry
its status, `Content-Type: application/scim+json` and a SCIM error body whose "status" is that
status. The responder down answers 503 with Retry-After (nginx, mod_proxy_fcgi, mod_fcgid with its
binary missing). Request ids: the web server makes one when the IdP sends none, and the web
server's access log, the answer and the audit name the same id.

What a front end cannot answer as SCIM JSON is asserted as it is and listed in docs/SECURITY.md
("What the web server answers itself").
"""

from __future__ import annotations

import json
import re
import socket
import time

import pytest
import requests

from scimcheck import assert_status, user_body
from stack import (ERROR_SCHEMA, HTTP_TIMEOUT, SCIM_JSON, START_TIMEOUT, Stack, port_is_open,
                   wait_until)

NGINX_ID = re.compile(r"^[0-9a-f]{32}$")            # nginx's $request_id
APACHE_ID = re.compile(r"^[A-Za-z0-9_-]{20,}$")     # mod_unique_id's UNIQUE_ID
RESPONDER_ID = re.compile(r"^scimsync-[0-9a-f]{16}$")


class Answer:
    def __init__(self, raw: bytes):
        self.raw = raw
        head, sep, self.body = raw.partition(b"\r\n\r\n")
        self.has_head = bool(sep) and head.startswith(b"HTTP/")
        lines = head.decode("latin-1").split("\r\n")
        self.status = int(lines[0].split()[1]) if self.has_head else None
        self.headers: dict[str, str] = {}
        for line in lines[1:] if self.has_head else []:
            name, _, value = line.partition(":")
            self.headers[name.strip().lower()] = value.strip()
        if self.headers.get("transfer-encoding") == "chunked":
            self.body = dechunk(self.body)
        elif "content-length" in self.headers:
            assert int(self.headers["content-length"]) == len(self.body), raw

    def __repr__(self) -> str:
        return f"Answer({self.raw[:600]!r})"


def dechunk(data: bytes) -> bytes:
    out = b""
    while True:
        size_line, _, data = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return out
        out += data[:size]
        data = data[size + 2:]


def exchange(stack, data: bytes, *, then: bytes = b"") -> Answer:
    """Sends `data` (and `then`, unless the server has already answered and closed), reads the
    answer to the end."""
    with socket.create_connection(("127.0.0.1", stack.port), timeout=HTTP_TIMEOUT) as s:
        s.sendall(data)
        if then:
            try:
                s.sendall(then)
            except OSError:
                pass  # the server answered early and closed: read what it sent
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
        except ConnectionResetError:
            pass
    return Answer(out)


def request_bytes(method: str, target: bytes, headers: list[bytes] = (), body: bytes = b"",
                  version: bytes = b"HTTP/1.1") -> bytes:
    lines = [method.encode() + b" " + target + b" " + version, b"Host: 127.0.0.1",
             *headers, b"Connection: close"]
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def assert_scim_answer(answer: Answer, status: int) -> dict:
    assert answer.has_head, answer
    assert answer.status == status, answer
    assert answer.headers.get("content-type", "").split(";")[0] == SCIM_JSON, answer
    body = json.loads(answer.body)
    assert ERROR_SCHEMA in body["schemas"], body
    assert body["status"] == str(status), body
    assert body.get("detail"), body
    return body


def users_path(stack) -> bytes:
    return b"/scim/alpha/v2/Users"


def auth(stack) -> bytes:
    return f"Authorization: Bearer {stack.apps['alpha'].token}".encode()


# ----- statuses the web server produces by itself -------------------------------------------

def test_a_nul_byte_in_the_uri_is_a_scim_400(stack):
    answer = exchange(stack, request_bytes("GET", users_path(stack) + b"\x00x"))
    assert_scim_answer(answer, 400)


def test_a_malformed_request_line_is_a_scim_400(stack):
    answer = exchange(stack, b"GARBAGE\r\n\r\n")
    assert_scim_answer(answer, 400)
    answer = exchange(stack, request_bytes("GET", users_path(stack) + b" extra"))
    assert_scim_answer(answer, 400)


def test_an_invalid_header_is_a_scim_400(stack):
    answer = exchange(stack, request_bytes("GET", users_path(stack), [b"Bad Header: x", auth(stack)]))
    assert_scim_answer(answer, 400)


def test_a_header_over_8_kb_is_a_scim_431_or_400(stack):
    answer = exchange(stack, request_bytes("GET", users_path(stack), [auth(stack), b"X-Big: " + b"a" * 9000]))
    # nginx's own 494 becomes 431 (Request Header Fields Too Large); Apache says 400 and its
    # status cannot be changed.
    assert_scim_answer(answer, 431 if stack.frontend == "nginx" else 400)


def test_a_20_kb_uri_is_a_scim_414(stack):
    answer = exchange(stack, request_bytes("GET", users_path(stack) + b"?filter=" + b"a" * 20000, [auth(stack)]))
    assert_scim_answer(answer, 414)


def test_trace_is_a_scim_405_and_carries_the_safe_client_id(stack):
    answer = exchange(stack, request_bytes("TRACE", users_path(stack), [auth(stack), b"X-Request-Id: idp-trace.1"]))
    assert_scim_answer(answer, 405)
    assert answer.headers["x-request-id"] == "idp-trace.1"
    assert b"Bearer" not in answer.body, "TRACE must not echo the token"


def test_a_declared_body_over_the_limit_is_a_scim_413_with_a_request_id(stack):
    head = request_bytes("POST", users_path(stack), [auth(stack), f"Content-Type: {SCIM_JSON}".encode(),
                                                     b"Content-Length: 2000000"])
    answer = exchange(stack, head, then=b"x" * 65536)
    assert_scim_answer(answer, 413)
    made = answer.headers["x-request-id"]
    assert (NGINX_ID if stack.frontend == "nginx" else APACHE_ID).match(made), made


def test_a_chunked_body_over_the_limit_is_a_scim_error(stack):
    head = request_bytes("POST", users_path(stack), [auth(stack), f"Content-Type: {SCIM_JSON}".encode(),
                                                     b"Transfer-Encoding: chunked"])
    chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
    answer = exchange(stack, head, then=chunk * 20 + b"0\r\n\r\n")
    # nginx counts the chunks itself (413); behind mod_proxy_fcgi the responder does (its own
    # 413); mod_fcgid stops at FcgidMaxRequestLen with a 500 of its own.
    expected = {"nginx": 413, "apache-proxy-fcgi": 413, "apache-fcgid": 500}[stack.frontend]
    assert_scim_answer(answer, expected)


def test_an_unknown_transfer_encoding_is_a_scim_error(stack):
    answer = exchange(stack, request_bytes("POST", users_path(stack), [auth(stack), b"Transfer-Encoding: gzip"]))
    assert_scim_answer(answer, 501 if stack.frontend == "nginx" else 400)


def test_content_length_with_transfer_encoding_is_refused_as_scim(stack):
    answer = exchange(stack, request_bytes("POST", users_path(stack), [
        auth(stack), f"Content-Type: {SCIM_JSON}".encode(), b"Content-Length: 5", b"Transfer-Encoding: chunked"],
        b"0\r\n\r\n"))
    # nginx refuses the pair (400); Apache drops Content-Length and passes the empty chunked body
    # to the responder, which refuses it as a SCIM 400 of its own.
    assert_scim_answer(answer, 400)


def test_an_unsupported_expectation_is_a_scim_error(stack):
    answer = exchange(stack, request_bytes("POST", users_path(stack), [
        auth(stack), f"Content-Type: {SCIM_JSON}".encode(), b"Expect: something-else", b"Content-Length: 2"], b"{}"))
    if stack.frontend == "nginx":
        # nginx ignores an expectation it does not know: the responder answers (a SCIM 400).
        assert_scim_answer(answer, 400)
    else:
        assert_scim_answer(answer, 417)


def test_a_path_outside_scim_is_a_scim_404(stack):
    answer = exchange(stack, request_bytes("GET", b"/no-such-thing"))
    assert_scim_answer(answer, 404)


def test_the_error_documents_cannot_be_requested(stack):
    if stack.frontend != "nginx":
        pytest.skip("only nginx serves its error bodies from URIs")
    answer = exchange(stack, request_bytes("GET", b"/.scimsync-error/503"))
    assert_scim_answer(answer, 404)


def test_an_http_0_9_request_gets_the_bare_scim_body(stack):
    """HTTP/0.9 has no status line nor headers: every front end passes the request on and sends
    the responder's answer (here a SCIM 401) as a bare body. No IdP speaks HTTP/0.9."""
    answer = exchange(stack, b"GET " + users_path(stack) + b"\r\n")
    assert not answer.has_head, answer
    body = json.loads(answer.raw)
    assert ERROR_SCHEMA in body["schemas"] and body["status"] == "401", body


def test_an_encoded_nul_in_the_path_is_a_scim_error(stack):
    answer = exchange(stack, request_bytes("GET", users_path(stack) + b"%00x", [auth(stack)]))
    # nginx refuses it as malformed; Apache decodes the path first and reports no such file.
    assert_scim_answer(answer, 400 if stack.frontend == "nginx" else 404)


def test_the_responders_own_errors_pass_unchanged(stack, alpha):
    """The web server's mappings never replace what the responder answered (same statuses)."""
    for r, status in [(requests.get(stack.base_url("alpha") + "/Users", timeout=HTTP_TIMEOUT), 401),
                      (alpha.get("/Users/no-such-id"), 404),
                      (alpha.delete("/Users"), 405),
                      (alpha.get("/Users", params={"filter": "userName eq"}), 400)]:
        assert_status(r, status)
        assert r.headers["Content-Type"].startswith(SCIM_JSON)
        assert RESPONDER_ID.match(r.headers["X-Request-Id"]) or r.headers["X-Request-Id"], r.headers
        body = r.json()
        assert body["status"] == str(status)
        assert "web server" not in body["detail"], body
        if status == 401:
            assert r.headers["WWW-Authenticate"].startswith("Bearer")
        assert "Retry-After" not in r.headers


# ----- the responder down ---------------------------------------------------------------------

def assert_unavailable(stack, r: requests.Response, status: int = 503) -> None:
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["Content-Type"].startswith(SCIM_JSON)
    assert int(r.headers["Retry-After"]) > 0
    body = r.json()
    assert ERROR_SCHEMA in body["schemas"]
    assert body["status"] == str(status)
    assert r.headers["X-Request-Id"]


@pytest.mark.parametrize("frontend", ["nginx", "apache-proxy-fcgi"])
def test_the_responder_stopped_is_a_scim_503_with_retry_after(frontend):
    s = Stack(frontend)
    try:
        s.start(apps=(("alpha", "corp", "generic"),))
        client = s.client("alpha")
        assert_status(client.get("/Users"), 200)
        s.responders[0].stop()
        for _ in range(2):
            assert_unavailable(s, client.get("/Users"))
            assert_unavailable(s, client.post("/Users", user_body("while-down")))
        s.start_responder(0)
        assert_status(client.get("/Users"), 200)
        client.close()
    finally:
        s.cleanup()


def fcgid_stack_with(binary_text: str | None) -> Stack:
    """A mod_fcgid stack whose responder binary is replaced (or removed) before Apache starts."""
    s = Stack("apache-fcgid")
    if binary_text is None:
        s.responder_bin.unlink()
    else:
        s.responder_bin.write_text(binary_text)
    # The usual readiness probe needs a working responder; here Apache listening is enough.
    s.wait_http_ready = lambda: wait_until("apache on its port", lambda: port_is_open(s.port), START_TIMEOUT,
                                           alive=[s.server], logs=s.logs_text)
    s.start(apps=(("alpha", "corp", "generic"),))
    return s


def test_mod_fcgid_with_its_binary_missing_is_a_scim_503_with_retry_after():
    s = fcgid_stack_with(None)
    try:
        client = s.client("alpha")
        assert_unavailable(s, client.get("/Users"))
        assert_unavailable(s, client.get("/Users/some-id"))
        client.close()
    finally:
        s.cleanup()


def test_mod_fcgid_with_a_responder_that_cannot_start_is_a_scim_500():
    """mod_fcgid answers 500 (End of script output before headers) when the process it spawns
    exits at once; Apache cannot change that status, so it is a SCIM 500 without Retry-After."""
    s = fcgid_stack_with("#!/bin/sh\nsleep 2\nexit 1\n")
    try:
        r = requests.get(s.base_url("alpha") + "/Users", timeout=HTTP_TIMEOUT)
        assert r.status_code == 500, r.text
        assert r.headers["Content-Type"].startswith(SCIM_JSON)
        body = r.json()
        assert body["status"] == "500" and ERROR_SCHEMA in body["schemas"]
        assert "mod_fcgid" in body["detail"]
    finally:
        s.cleanup()


# ----- request ids end to end -----------------------------------------------------------------

def access_log_ids(stack) -> list[str]:
    deadline = time.monotonic() + 5
    while True:
        text = stack.access_log.read_text(errors="replace")
        ids = re.findall(r"request_id=(\S+)", text)
        if ids or time.monotonic() > deadline:
            return ids
        time.sleep(0.1)


def wait_for_logged(stack, request_id: str) -> None:
    wait_until(f"{request_id} in {stack.access_log.name}", lambda: request_id in access_log_ids(stack), 5,
               logs=stack.logs_text)


def refused_audit_ids(stack, app: str) -> list[str]:
    return [e.get("requestId") for e in stack.cli_json("audit", "--app", app, "--limit", "50")
            if e.get("outcome") == "refused"]


def duplicate_post(stack, client, uniq, headers: dict | None = None) -> requests.Response:
    name = uniq("dup")
    assert_status(client.post("/Users", user_body(name)), 201)
    r = client.post("/Users", user_body(name), headers=headers)
    assert_status(r, 409)
    return r


def test_the_web_server_makes_the_request_id_the_log_and_the_audit_name(stack, alpha, uniq):
    r = duplicate_post(stack, alpha, uniq)
    made = r.headers["X-Request-Id"]
    assert (NGINX_ID if stack.frontend == "nginx" else APACHE_ID).match(made), made
    assert made in refused_audit_ids(stack, "alpha")
    wait_for_logged(stack, made)


def test_a_safe_client_id_is_kept_end_to_end(stack, alpha, uniq):
    rid = f"okta-{uniq('req')}.1:X"
    r = duplicate_post(stack, alpha, uniq, headers={"X-Request-Id": rid})
    assert r.headers["X-Request-Id"] == rid
    assert rid in refused_audit_ids(stack, "alpha")
    wait_for_logged(stack, rid)


@pytest.mark.parametrize("unsafe", ["a b", "evil;rm", "x" * 200])
def test_an_unsafe_client_id_is_replaced_by_the_responder(stack, alpha, uniq, unsafe):
    r = duplicate_post(stack, alpha, uniq, headers={"X-Request-Id": unsafe})
    made = r.headers["X-Request-Id"]
    assert RESPONDER_ID.match(made), made
    assert made in refused_audit_ids(stack, "alpha")
    # The access log names the id the request was answered with, not the client's.
    wait_for_logged(stack, made)
