"""What a hostile request can do, through the real web server and responder (issue 9, items 1, 2,
8 and 9): request text never reaches SQL text (refused with 400, never 500), one set of named
limits guards every road into the filter parser, a huge filter leaves the responder answering,
list pages stop at a byte budget, request ids and Host headers are checked, and --listen takes
loopback addresses only."""

from __future__ import annotations

import json
import re
import socket
import subprocess

import pytest

from scimcheck import assert_scim_error, assert_status, create_user, json_of, patch_body, query_users, user_body
from stack import GROUP_SCHEMA, HTTP_TIMEOUT, SCIM_JSON

SEARCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:SearchRequest"
BULK_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"

# Each of these once reached the SQL text (a 500) or must be refused before it could.
INJECTED_FILTERS = [
    'name[a__element__b eq "x"]',
    "name.givenName' OR 1=1 -- eq \"x\"",
    'name."givenName" eq "x"',
    'emails[type\') eq "work"]',
    'urn:evil\'):title eq "x"',
    'urn:ietf:params:scim:schemas:extension:unknown:2.0:User:title eq "x"',
    'ne\u0301\'x eq "y"',           # a letter, a combining mark, then a quote
    'na\u00efve eq "x"',            # a letter outside ASCII
    'title\u0000 eq "x"',
    'emails[value eq "x"]]',
    'emails[type[value eq "a"] eq "b"]',
]


@pytest.mark.parametrize("filter_", INJECTED_FILTERS)
def test_filters_that_aim_at_the_sql_text_get_400_never_500(alpha, filter_):
    r = alpha.get("/Users", params={"filter": filter_})
    if filter_.startswith("name[a__element__b"):
        # A well-formed sub-attribute no user has: no error at all, and no match.
        assert_status(r, 200)
        assert json_of(r)["totalResults"] == 0
        return
    assert_scim_error(r, 400, ("invalidFilter", "invalidPath"))


@pytest.mark.parametrize("parameter,value", [
    ("sortBy", "name.givenName') DESC --"),
    ("sortBy", 'urn:x"y:title'),
    ("sortBy", "title\u202e"),
    ("attributes", "userName,name.givenName'"),
    ("excludedAttributes", 'emails"'),
])
def test_sort_and_projection_names_are_checked(alpha, parameter, value):
    r = alpha.get("/Users", params={parameter: value})
    assert_scim_error(r, 400, ("invalidValue", "invalidPath", "invalidFilter"))


def test_known_names_in_any_case_still_match(alpha, uniq):
    name = uniq("casey")
    create_user(alpha, name, name={"givenName": "Casey", "familyName": "Case"})
    found = query_users(alpha, f'userName eq "{name}" and NAME.GIVENNAME eq "casey"')
    assert found["totalResults"] == 1
    sorted_ = alpha.get("/Users", params={"filter": f'userName eq "{name}"', "sortBy": "Name.FamilyName"})
    assert_status(sorted_, 200)


def or_chain(terms: int) -> str:
    return " or ".join(f'value eq "{i}"' for i in range(terms))


def test_filter_term_limit_is_named_on_every_road(alpha, uniq):
    too_many = " or ".join(f'userName eq "u{i}"' for i in range(101))
    # The query string.
    body = assert_scim_error(alpha.get("/Users", params={"filter": too_many}), 400, "invalidFilter")
    assert "filterMaxTerms = 100" in body["detail"]
    # A .search body.
    search = alpha.post("/Users/.search", {"schemas": [SEARCH_SCHEMA], "filter": too_many})
    assert "filterMaxTerms" in assert_scim_error(search, 400, "invalidFilter")["detail"]
    # A PATCH path.
    group = alpha.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": uniq("limits")})
    assert_status(group, 201)
    gid = json_of(group)["id"]
    patch = alpha.patch(f"/Groups/{gid}", patch_body({"op": "remove", "path": f"members[{or_chain(101)}]"}))
    assert "filterMaxTerms" in assert_scim_error(patch, 400, "invalidPath")["detail"]
    # A PATCH inside a Bulk request.
    bulk = alpha.post("/Bulk", {"schemas": [BULK_SCHEMA], "Operations": [
        {"method": "PATCH", "path": f"/Groups/{gid}",
         "data": patch_body({"op": "remove", "path": f"members[{or_chain(101)}]"})}]})
    assert_status(bulk, 200)
    result = json_of(bulk)["Operations"][0]
    assert result["status"] == "400"
    assert "filterMaxTerms" in result["response"]["detail"]
    # At the limit, all of them are accepted.
    assert_status(alpha.patch(f"/Groups/{gid}", patch_body({"op": "remove", "path": f"members[{or_chain(100)}]"})),
                  200, 204)


def test_a_huge_patch_filter_is_refused_and_the_responder_answers_the_next_request(alpha, uniq):
    group = alpha.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": uniq("huge")})
    gid = json_of(group)["id"]
    huge = alpha.patch(f"/Groups/{gid}", patch_body({"op": "remove", "path": f"members[{or_chain(20000)}]"}))
    body = assert_scim_error(huge, 400, "invalidPath")
    assert "filterMaxBytes = 4096" in body["detail"]
    deep = alpha.patch(f"/Groups/{gid}", patch_body(
        {"op": "remove", "path": "members[" + "(" * 5000 + 'value eq "a"' + ")" * 5000 + "]"}))
    assert_scim_error(deep, 400, "invalidPath")
    assert_status(alpha.get(f"/Groups/{gid}"), 200)


def test_patch_operations_and_member_changes_are_limited(alpha, uniq):
    name = uniq("ops")
    user = create_user(alpha, name)
    many_ops = patch_body(*[{"op": "replace", "path": "title", "value": str(i)} for i in range(1001)])
    body = assert_scim_error(alpha.patch(f"/Users/{user['id']}", many_ops), 413)
    assert "patchMaxOperations = 1000" in body["detail"]
    group = alpha.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": uniq("members")})
    gid = json_of(group)["id"]
    # Two operations of 5,001 members: each array within jsonMaxArrayElements, the request not.
    halves = [{"op": "add", "path": "members", "value": [{"value": f"m{h}-{i}"} for i in range(5001)]} for h in range(2)]
    body = assert_scim_error(alpha.patch(f"/Groups/{gid}", patch_body(*halves)), 413)
    assert "membersMaxPerRequest = 10000" in body["detail"]
    one_array = patch_body({"op": "add", "path": "members", "value": [{"value": f"m{i}"} for i in range(10001)]})
    assert "jsonMaxArrayElements = 10000" in assert_scim_error(alpha.patch(f"/Groups/{gid}", one_array), 400)["detail"]
    assert_status(alpha.get(f"/Users/{user['id']}"), 200)


def test_a_list_page_stops_at_its_byte_budget(stack, uniq):
    app = stack.create_app(uniq("big"))
    client = stack.client(app.name)
    big = "x" * 900_000
    for i in range(6):
        assert_status(client.post("/Users", user_body(f"big-{i}", title=big)), 201)
    page = client.get("/Users", params={"count": "10"})
    assert_status(page, 200)
    listed = json_of(page)
    assert listed["totalResults"] == 6
    assert 1 <= listed["itemsPerPage"] < 6, "a 5.4 MB page is cut at 4 MiB"
    assert listed["itemsPerPage"] == len(listed["Resources"])
    assert len(page.content) <= 4 << 20
    rest = client.get("/Users", params={"count": "10", "startIndex": str(listed["itemsPerPage"] + 1)})
    seen = [u["userName"] for u in listed["Resources"]] + [u["userName"] for u in json_of(rest)["Resources"]]
    assert len(seen) >= min(6, 2 * listed["itemsPerPage"])
    assert len(set(seen)) == len(seen)
    # Cursor pages continue where the cut page stopped.
    first = json_of(client.get("/Users", params={"count": "10", "cursor": ""}))
    cursor_names = [u["userName"] for u in first["Resources"]]
    while "nextCursor" in first:
        first = json_of(client.get("/Users", params={"count": "10", "cursor": first["nextCursor"]}))
        cursor_names += [u["userName"] for u in first["Resources"]]
    assert sorted(cursor_names) == [f"big-{i}" for i in range(6)]


# ----- request ids and Host ------------------------------------------------------------------

def raw_request(stack, lines: list[str], body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """Sends header lines as written (no client library to tidy them) and reads the answer."""
    with socket.create_connection(("127.0.0.1", stack.port), timeout=HTTP_TIMEOUT) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status_line.split()[1]), headers, body


def test_a_safe_request_id_is_echoed_and_an_unsafe_one_replaced(stack, alpha):
    r = alpha.get("/Users", headers={"X-Request-Id": "okta-abc.123:X"})
    assert r.headers["X-Request-Id"] == "okta-abc.123:X"
    for bad in ["x" * 5000, "a b", "evil\u00e9", "id;rm -rf", "a%0d%0aSet-Cookie: x=y"]:
        r = alpha.get("/Users", headers={"X-Request-Id": bad.encode("utf-8")})
        assert_status(r, 200, 400, 431)
        if r.status_code == 200:
            made = r.headers["X-Request-Id"]
            assert made.startswith("scimsync-") and len(made) == 25, made
            assert "Set-Cookie" not in r.headers
    # Without one, the web server makes it (test_webserver_errors.py follows it to the audit).
    r = alpha.get("/Users")
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,}", r.headers["X-Request-Id"]), r.headers["X-Request-Id"]


def test_a_configured_base_url_wins_over_the_host_header(stack, uniq):
    name = uniq("based")
    stack.create_app(name)
    stack.cli("app", "set-base-url", name, "https://scim.example.com/")
    token = stack.apps[name].token
    body = json.dumps(user_body(uniq("host"))).encode()
    status, headers, payload = raw_request(stack, [
        f"POST /scim/{name}/v2/Users HTTP/1.0", "Host: evil.example", f"Authorization: Bearer {token}",
        f"Content-Type: {SCIM_JSON}", f"Content-Length: {len(body)}", "Connection: close",
    ], body)
    assert status == 201, payload
    created = json.loads(payload)
    assert headers["location"] == f"https://scim.example.com/scim/{name}/v2/Users/{created['id']}"
    assert created["meta"]["location"] == headers["location"]
    assert "evil.example" not in payload.decode()
    shown = stack.cli_json("app", "show", name)
    assert shown["baseURL"] == f"https://scim.example.com/scim/{name}/v2"
    exported = json.loads(stack.cli("export").stdout)
    assert next(a for a in exported["apps"] if a["name"] == name)["baseURL"] == "https://scim.example.com"
    assert stack.cli("app", "set-base-url", name, "javascript:alert(1)", check=False).returncode != 0
    stack.cli("app", "set-base-url", name, "--clear")
    client = stack.client(name)
    again = client.post("/Users", user_body(uniq("host")), headers={"Host": "evil.example"})
    assert_status(again, 201)
    assert again.headers["Location"].startswith("http://evil.example/"), "without a base URL, Host is used"


def test_a_malformed_host_is_not_put_into_urls(stack, alpha, uniq):
    r = alpha.post("/Users", user_body(uniq("badhost")), headers={"Host": 'a"b'})
    if r.status_code == 201:
        assert '"' not in r.headers["Location"].split("//", 1)[1].split("/", 1)[0]
    else:
        assert_status(r, 400)


# ----- the FastCGI port ------------------------------------------------------------------------

@pytest.mark.parametrize("address", ["0.0.0.0:9999", ":9999", "10.1.2.3:9999", "[::]:9999", "example.com:9999",
                                     "127.0.0.1:0", "127.0.0.1"])
def test_listen_takes_loopback_addresses_only(stack, address):
    if stack.frontend != "nginx":
        pytest.skip("one frontend is enough for a flag of the responder")
    cp = subprocess.run([str(stack.responder_bin), "--listen", address, "--database", str(stack.db)],
                        capture_output=True, text=True, timeout=30, stdin=subprocess.DEVNULL)
    assert cp.returncode != 0
    assert "loopback" in cp.stderr, cp.stderr


def test_bodies_that_once_stalled_or_crashed_a_responder_are_refused(alpha, uniq):
    user = create_user(alpha, uniq("wide"))
    wide = user_body(user["userName"], **{f"a{i:05d}": 0 for i in range(60_000)})
    body = assert_scim_error(alpha.put(f"/Users/{user['id']}", wide), 400, "invalidSyntax")
    assert "jsonMaxObjectMembers = 1000" in body["detail"]
    for fail_on_errors in ("1e19", "1e400"):
        r = alpha.post("/Bulk", data=('{"schemas":["%s"],"failOnErrors":%s,"Operations":[]}'
                                      % (BULK_SCHEMA, fail_on_errors)).encode())
        assert_scim_error(r, 400, "invalidValue")
    assert_status(alpha.get(f"/Users/{user['id']}"), 200)
