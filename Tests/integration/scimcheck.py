"""SCIM assertions and request bodies shared by the integration tests."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import requests

from stack import ERROR_SCHEMA, LIST_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, Scim

ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
CUSTOM = "urn:example:custom:2.0:User"


def show(r: requests.Response) -> str:
    """The exchange, for assertion messages."""
    req = r.request
    body = req.body if isinstance(req.body, (bytes, str)) else b"<stream>"
    if isinstance(body, bytes):
        body = body[:600].decode("utf-8", "replace")
    return (f"\n>>> {req.method} {req.url}\n>>> Content-Type: {req.headers.get('Content-Type')}\n"
            f">>> {str(body)[:600]}\n<<< {r.status_code} {dict(r.headers)}\n<<< {r.text[:1500]}")


def json_of(r: requests.Response):
    try:
        return r.json()
    except ValueError:
        raise AssertionError(f"response body is not JSON{show(r)}") from None


def assert_scim_json(r: requests.Response) -> None:
    ct = r.headers.get("Content-Type", "")
    assert ct.split(";")[0].strip() in ("application/scim+json", "application/json"), \
        f"Content-Type {ct!r} is not SCIM JSON{show(r)}"


def assert_status(r: requests.Response, *expected: int) -> None:
    assert r.status_code in expected, f"expected {expected}, got {r.status_code}{show(r)}"


def assert_scim_error(r: requests.Response, status: int | tuple[int, ...],
                      scim_type: str | tuple[str, ...] | None = None) -> dict:
    """A SCIM error response (RFC 7644 §3.12): the status, the Error schema, "status" as a
    string equal to the HTTP status, and the scimType when one is expected."""
    statuses = (status,) if isinstance(status, int) else status
    assert_status(r, *statuses)
    assert_scim_json(r)
    body = json_of(r)
    assert isinstance(body, dict), show(r)
    assert ERROR_SCHEMA in body.get("schemas", []), f"no Error schema{show(r)}"
    assert body.get("status") == str(r.status_code), \
        f"error \"status\" must be the string {str(r.status_code)!r}, got {body.get('status')!r}{show(r)}"
    if scim_type is not None:
        types = (scim_type,) if isinstance(scim_type, str) else scim_type
        assert body.get("scimType") in types, f"scimType {body.get('scimType')!r}, expected {types}{show(r)}"
    return body


def user_body(user_name: str, **extra) -> dict:
    body = {
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "name": {"givenName": "Ada", "familyName": "Lovelace"},
        "displayName": "Ada Lovelace",
        "emails": [{"value": "ada@example.com", "type": "work", "primary": True}],
        "active": True,
    }
    body.update(extra)
    return body


def patch_body(*operations: dict) -> dict:
    return {"schemas": [PATCH_SCHEMA], "Operations": list(operations)}


def create_user(client: Scim, user_name: str, **extra) -> dict:
    r = client.post("/Users", user_body(user_name, **extra))
    assert_status(r, 201)
    return json_of(r)


def get_user(client: Scim, user_id: str) -> dict:
    r = client.get(f"/Users/{user_id}")
    assert_status(r, 200)
    return json_of(r)


def list_response(r: requests.Response) -> dict:
    """A ListResponse (RFC 7644 §3.4.2); returns it with "Resources" always present."""
    assert_status(r, 200)
    assert_scim_json(r)
    body = json_of(r)
    assert LIST_SCHEMA in body.get("schemas", []), f"not a ListResponse{show(r)}"
    assert isinstance(body.get("totalResults"), int), f"totalResults missing{show(r)}"
    resources = body.get("Resources", [])
    assert isinstance(resources, list), show(r)
    if body["totalResults"] > 0 and resources:
        assert body.get("itemsPerPage") == len(resources), f"itemsPerPage != len(Resources){show(r)}"
        assert isinstance(body.get("startIndex"), int), f"startIndex missing{show(r)}"
    body["Resources"] = resources
    return body


def query_users(client: Scim, filter_: str | None = None, **params) -> dict:
    if filter_ is not None:
        params["filter"] = filter_
    return list_response(client.get("/Users", params=params))


def parse_time(value: str) -> datetime:
    assert isinstance(value, str) and "T" in value, f"not an RFC 3339 date-time: {value!r}"
    t = datetime.fromisoformat(value.replace("Z", "+00:00"))
    assert t.tzinfo is not None, f"date-time without a time zone: {value!r}"
    return t


def assert_recent(value: str, slack: timedelta = timedelta(minutes=5)) -> datetime:
    t = parse_time(value)
    now = datetime.now(timezone.utc)
    assert now - slack <= t <= now + slack, f"{value} is not the current time ({now.isoformat()})"
    return t
