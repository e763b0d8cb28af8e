"""Bad input gets a correct SCIM error (RFC 7644 §3.12), never a crash or a half-applied change."""

from __future__ import annotations

import json

import pytest

from scimcheck import (CUSTOM, assert_scim_error, assert_status, create_user, get_user, patch_body, query_users,
                       user_body)
from stack import USER_SCHEMA


def nothing_named(alpha, name):
    return query_users(alpha, f'userName eq "{name}"')["totalResults"] == 0


def test_malformed_json_is_400_invalid_syntax(alpha, uniq):
    name = uniq("malformed")
    r = alpha.post("/Users", data=('{"schemas":["%s"],"userName":"%s",' % (USER_SCHEMA, name)).encode())
    assert_scim_error(r, 400, "invalidSyntax")
    assert nothing_named(alpha, name)


def test_empty_body_is_400_invalid_syntax(alpha):
    assert_scim_error(alpha.post("/Users", data=b""), 400, "invalidSyntax")


def test_json_that_is_not_an_object_is_400(alpha):
    assert_scim_error(alpha.post("/Users", data=b'["not", "a", "user"]'), 400, ("invalidSyntax", "invalidValue"))


def test_wrong_content_type_is_refused(alpha, uniq):
    name = uniq("plain")
    r = alpha.post("/Users", data=json.dumps(user_body(name)).encode(), content_type="text/plain")
    assert_scim_error(r, (415, 400))
    assert nothing_named(alpha, name)


def test_missing_schemas_is_400(alpha, uniq):
    name = uniq("noschemas")
    body = user_body(name)
    del body["schemas"]
    assert_scim_error(alpha.post("/Users", body), 400, ("invalidSyntax", "invalidValue"))
    assert nothing_named(alpha, name)


def test_missing_username_is_400(alpha):
    body = user_body("x")
    del body["userName"]
    assert_scim_error(alpha.post("/Users", body), 400, ("invalidValue", "invalidSyntax"))


def test_invalid_utf8_is_400(alpha):
    data = b'{"schemas":["' + USER_SCHEMA.encode() + b'"],"userName":"bad-\xff\xfe-utf8"}'
    assert_scim_error(alpha.post("/Users", data=data), 400)
    assert_status(alpha.get("/ServiceProviderConfig"), 200)


def test_deeply_nested_json_is_400_and_the_service_lives_on(alpha):
    depth = 100_000
    data = b'{"schemas":["' + USER_SCHEMA.encode() + b'"],"userName":"deep","x":' + b"[" * depth + b"]" * depth + b"}"
    assert_scim_error(alpha.post("/Users", data=data), 400)
    assert_status(alpha.get("/ServiceProviderConfig"), 200)


def test_invalid_filter_is_400_invalid_filter(alpha):
    for bad in ('userName eq', 'userName xx "a"', '(userName eq "a"', 'userName eq "unterminated'):
        assert_scim_error(alpha.get("/Users", params={"filter": bad}), 400, "invalidFilter")


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE"])
def test_unknown_id_is_404(alpha, method):
    missing = "00000000-0000-0000-0000-000000000000"
    body = {"PUT": user_body("nobody-at-all"),
            "PATCH": patch_body({"op": "replace", "path": "active", "value": False})}.get(method)
    r = alpha.request(method, f"/Users/{missing}", body)
    assert_scim_error(r, 404)
    assert nothing_named(alpha, "nobody-at-all"), "PUT on an unknown id creates nothing"


def test_unknown_endpoint_is_404(alpha):
    assert_scim_error(alpha.get("/NoSuchResource"), 404)


def test_duplicate_username_is_409_uniqueness(alpha, uniq):
    name = uniq("Dup.User") + "@Example.com"
    first = create_user(alpha, name)
    for variant in (name, name.lower(), name.upper()):
        assert_scim_error(alpha.post("/Users", user_body(variant)), 409, "uniqueness")
    lr = query_users(alpha, f'userName eq "{name}"')
    assert [u["id"] for u in lr["Resources"]] == [first["id"]]
    # Renaming another user onto the name is refused as well, and leaves it unchanged.
    other = create_user(alpha, uniq("dup-other"))
    r = alpha.patch(f"/Users/{other['id']}", patch_body({"op": "replace", "path": "userName", "value": name.lower()}))
    assert_scim_error(r, 409, "uniqueness")
    assert get_user(alpha, other["id"])["userName"] == other["userName"]


def _huge_user(name: str) -> bytes:
    body = user_body(name)
    body["schemas"].append(CUSTOM)
    body[CUSTOM] = {"blob": "y" * (2 * 1024 * 1024)}
    return json.dumps(body).encode()


def test_body_over_the_limit_is_413(alpha, uniq):
    name = uniq("huge")
    r = alpha.post("/Users", data=_huge_user(name))
    # The web server refuses it (deploy/ gives its 413 a SCIM error body) or the responder does.
    assert_scim_error(r, 413)
    assert nothing_named(alpha, name)
    assert_status(alpha.get("/ServiceProviderConfig"), 200)


def test_chunked_body_over_the_limit_is_413(stack, alpha, uniq):
    if stack.frontend == "apache-fcgid":
        pytest.skip("mod_fcgid answers 500 itself to a chunked body over FcgidMaxRequestLen "
                    "(a SCIM 500: test_webserver_errors.py)")
    name = uniq("huge-chunked")
    data = _huge_user(name)

    def chunks():
        for i in range(0, len(data), 64 * 1024):
            yield data[i:i + 64 * 1024]

    r = alpha.post("/Users", data=chunks())
    assert_scim_error(r, 413)
    assert nothing_named(alpha, name)
