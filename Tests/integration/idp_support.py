"""Replaying the request sequences that real identity providers send (Okta, Microsoft Entra ID,
OneLogin), request by request, through nginx, with the checks each IdP makes on the answers.

What an IdP does after every write is read the resource back (GET by id, or a filter on its
matching attribute) and compare the attributes *it* wrote with what it read. Any difference is
"drift", and the IdP pushes again on its next cycle, forever. `drift()` is that comparison, with the
IdP's own notion of equality (Entra's "False" equals false, Entra's bare manager id equals
`manager.value`, OneLogin's empty template values equal an absent attribute, group members
compare by id only: `display`, `$ref` and `type` are the server's).

The stack fixture (conftest.py) is parametrized over the web servers; these tests pin it to nginx
with `NGINX_ONLY` (an indirect parametrization, so they share the session's nginx stack).
"""

from __future__ import annotations

import json
import os
import re
import uuid
from typing import Any, Iterable
from urllib.parse import quote, quote_plus

import pytest
import requests

from stack import (ENTERPRISE_SCHEMA, ERROR_SCHEMA, GROUP_SCHEMA, HTTP_TIMEOUT, LIST_SCHEMA, PATCH_SCHEMA,
                   USER_SCHEMA, Stack)

SCIM_JSON = "application/scim+json"
ADSCIM_GROUP_SCHEMA = "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"


def _nginx_selected() -> bool:
    wanted = [f.strip() for f in os.environ.get("SCIMSYNC_FRONTENDS", "").split(",") if f.strip()]
    return not wanted or "nginx" in wanted


# Module-level `pytestmark = NGINX_ONLY` in each IdP test file.
NGINX_ONLY = [
    pytest.mark.parametrize("stack", ["nginx"], indirect=True),
    pytest.mark.skipif(not _nginx_selected(), reason="these tests run behind nginx only; SCIMSYNC_FRONTENDS excludes it"),
]


# ----- an IdP's HTTP client -------------------------------------------------------------------------

class IdpClient:
    """The requests one IdP sends to one app's SCIM base URL, with a transcript for failures.

    `content_type` is what the IdP puts on bodies; queries are passed as raw strings so that each
    IdP's own encoding of the filter (`%20`, `+`, unquoted values) reaches the server unchanged.
    """

    def __init__(self, name: str, base_url: str, token: str, content_type: str = SCIM_JSON,
                 user_agent: str = "scimsync-idp-replay"):
        self.name = name
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.content_type = content_type
        self.session = requests.Session()
        self.session.headers.update({"Authorization": f"Bearer {token}", "Accept": SCIM_JSON,
                                     "User-Agent": user_agent})
        self.transcript: list[str] = []

    def close(self) -> None:
        self.session.close()

    def tail(self, n: int = 8) -> str:
        return "\n" + "\n".join(self.transcript[-n:])

    def send(self, method: str, path: str, body: Any = None, *, query: str | None = None,
             expect: Iterable[int] = (200,), headers: dict | None = None) -> requests.Response:
        url = self.base_url + path + (f"?{query}" if query else "")
        h = dict(headers or {})
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            h["Content-Type"] = self.content_type
        r = self.session.request(method, url, data=data, headers=h, timeout=HTTP_TIMEOUT, allow_redirects=False)
        sent = data.decode() if data else ""
        self.transcript.append(f">>> {self.name}: {method} {path}{'?' + query if query else ''}"
                               f"{' ' + sent[:700] if sent else ''}\n<<< {r.status_code} "
                               f"{r.headers.get('Content-Type', '')} {r.text[:1200]}")
        expected = tuple(expect)
        assert r.status_code in expected, \
            f"{self.name}: {method} {path} answered {r.status_code}, expected {expected}{self.tail()}"
        if r.status_code != 204 and r.content:
            ct = r.headers.get("Content-Type", "").split(";")[0].strip()
            assert ct in (SCIM_JSON, "application/json"), f"{self.name}: Content-Type {ct!r}{self.tail()}"
        return r

    def json(self, r: requests.Response) -> Any:
        try:
            return r.json()
        except ValueError:
            raise AssertionError(f"{self.name}: response is not JSON{self.tail()}") from None

    # The calls every IdP makes.
    def get(self, path: str, query: str | None = None, expect: Iterable[int] = (200,)) -> Any:
        return self.json(self.send("GET", path, query=query, expect=expect))

    def list(self, path: str, query: str) -> dict:
        """A query the IdP reads as a ListResponse (RFC 7644 §3.4.2)."""
        body = self.get(path, query)
        assert LIST_SCHEMA in body.get("schemas", []), f"{self.name}: not a ListResponse{self.tail()}"
        assert isinstance(body.get("totalResults"), int), f"{self.name}: totalResults{self.tail()}"
        resources = body.get("Resources", [])
        assert isinstance(resources, list), self.tail()
        body["Resources"] = resources
        return body

    def patch(self, path: str, *operations: dict, expect: Iterable[int] = (200, 204)) -> dict | None:
        r = self.send("PATCH", path, {"schemas": [PATCH_SCHEMA], "Operations": list(operations)}, expect=expect)
        return self.json(r) if r.status_code == 200 else None


def okta_filter(expression: str, *, start_index: int = 1, count: int = 100) -> str:
    """Okta's query string: %20-encoded filter, then startIndex and count."""
    return f"filter={quote(expression, safe='')}&startIndex={start_index}&count={count}"


def plus_filter(expression: str, extra: str = "") -> str:
    """Entra ID's query string: form-encoded filter (spaces as '+', quotes as %22)."""
    return f"filter={quote_plus(expression)}" + (f"&{extra}" if extra else "")


def random_guid() -> str:
    return str(uuid.uuid4())


# ----- drift: the IdP's comparison --------------------------------------------------------------------

# Never compared: the IdP does not read these back as it wrote them (RFC 7643 §3.1 id/meta are the
# server's; password is writeOnly/returned "never"; groups is readOnly on User; schemas is only a
# declaration). Their handling has tests of its own.
NOT_COMPARED = {"id", "meta", "password", "groups", "schemas"}


def _find_key(obj: dict, key: str) -> str | None:
    if key in obj:
        return key
    low = key.lower()
    return next((k for k in obj if k.lower() == low), None)


def _empty(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {}


def _same_scalar(w: Any, r: Any) -> bool:
    if isinstance(w, str) and isinstance(r, bool):
        return w.strip().lower() == ("true" if r else "false")
    return w == r


def drift(written: Any, read: Any, where: str = "") -> list[str]:
    """Differences between what an IdP wrote and what it read back, for what it wrote."""
    here = where or "<resource>"
    if _empty(written):
        return [] if _empty(read) else [f"{here}: wrote {written!r}, read {read!r}"]
    if isinstance(written, dict):
        if not isinstance(read, dict):
            return [f"{here}: wrote an object, read {read!r}"]
        out: list[str] = []
        for key, value in written.items():
            if not where and key in NOT_COMPARED:
                continue
            rk = _find_key(read, key)
            out += drift(value, read.get(rk) if rk else None, f"{where}.{key}" if where else key)
        return out
    if isinstance(written, list):
        if not isinstance(read, list):
            return [f"{here}: wrote a list, read {read!r}"]
        if where.split(".")[-1].lower() == "members":
            w_ids = sorted(str(m.get("value")) for m in written)
            r_ids = sorted(str(m.get("value")) for m in read)
            return [] if w_ids == r_ids else [f"{here}: wrote members {w_ids}, read {r_ids}"]
        out = []
        if len(read) != len(written):
            out.append(f"{here}: wrote {len(written)} values, read {len(read)}: {read!r}")
        for i, element in enumerate(written):
            if not any(not drift(element, candidate, f"{here}[{i}]") for candidate in read):
                out.append(f"{here}[{i}]: wrote {element!r}, no such value in {read!r}")
        return out
    if isinstance(written, str) and isinstance(read, dict) and "value" in read:
        # Entra ID writes the enterprise manager as a bare id; it reads it back as manager.value.
        return drift(written, read["value"], where + ".value")
    return [] if _same_scalar(written, read) else [f"{here}: wrote {written!r}, read {read!r}"]


def assert_no_drift(idp: IdpClient, written: dict, read: dict, step: str) -> None:
    diffs = drift(written, read)
    assert not diffs, f"{idp.name} sees drift after {step}:\n  " + "\n  ".join(diffs) + idp.tail(4)


def assert_never_returns_password(idp: IdpClient, resource: dict, step: str) -> None:
    assert "password" not in {k.lower() for k in resource}, \
        f"{idp.name}: password returned after {step} (RFC 7643 §4.1.1: returned \"never\"){idp.tail(2)}"


# ----- comparing two replays --------------------------------------------------------------------------

class Labels:
    """Server-assigned ids replaced by stable labels, so two replays can be compared."""

    def __init__(self):
        self.by_id: dict[str, str] = {}

    def add(self, resource_id: str, label: str) -> None:
        self.by_id[resource_id] = label

    def normalize(self, value: Any) -> Any:
        if isinstance(value, dict):
            out = {k: self.normalize(v) for k, v in value.items() if k != "meta"}
            if isinstance(out.get("members"), list):
                out["members"] = sorted(out["members"], key=lambda m: json.dumps(m, sort_keys=True))
            if isinstance(out.get("groups"), list):
                out["groups"] = sorted(out["groups"], key=lambda m: json.dumps(m, sort_keys=True))
            return out
        if isinstance(value, list):
            return [self.normalize(v) for v in value]
        if isinstance(value, str):
            for rid, label in self.by_id.items():
                if rid in value:
                    value = value.replace(rid, f"<{label}>")
            return re.sub(r"^https?://[^/]+/scim/[^/]+/v2", "<base>", value)
        return value


class Observations:
    """What the IdP read at each checkpoint of a replay, normalized."""

    def __init__(self, labels: Labels):
        self.labels = labels
        self.seen: list[tuple[str, Any]] = []

    def record(self, step: str, resource: Any) -> None:
        self.seen.append((step, self.labels.normalize(resource)))


def assert_replays_identically(replay, idp: IdpClient, names: dict, name: str) -> None:
    """Runs an IdP's sequence twice with the same identities; the second must read back exactly
    what the first did (no drift, so the IdP would not re-push)."""
    labels = Labels()
    first, second = Observations(labels), Observations(labels)
    replay(idp, names, first)
    replay(idp, names, second)
    assert_same_observations(first, second, name)


def assert_same_observations(first: Observations, second: Observations, idp: str) -> None:
    a = dict(first.seen)
    b = dict(second.seen)
    assert [s for s, _ in first.seen] == [s for s, _ in second.seen], \
        f"{idp}: the second replay took other steps: {[s for s, _ in first.seen]} vs {[s for s, _ in second.seen]}"
    diffs = [f"  {step}:\n    first:  {json.dumps(a[step], sort_keys=True)}\n    second: {json.dumps(b[step], sort_keys=True)}"
             for step in a if a[step] != b[step]]
    assert not diffs, f"{idp}: the second replay read back something else than the first:\n" + "\n".join(diffs)


# ----- apps ---------------------------------------------------------------------------------------------

def new_app_client(stack: Stack, provider: str, content_type: str = SCIM_JSON, user_agent: str | None = None) -> IdpClient:
    """A fresh app with this provider profile on directory "corp", and the IdP's client for it."""
    name = f"{provider}-{uuid.uuid4().hex[:8]}"
    app = stack.create_app(name, "corp", provider)
    return IdpClient(provider, stack.base_url(name), app.token, content_type, user_agent or f"{provider}-replay")


__all__ = [
    "ADSCIM_GROUP_SCHEMA", "ENTERPRISE_SCHEMA", "ERROR_SCHEMA", "GROUP_SCHEMA", "LIST_SCHEMA", "NGINX_ONLY",
    "PATCH_SCHEMA", "SCIM_JSON", "USER_SCHEMA", "IdpClient", "Labels", "Observations", "assert_never_returns_password",
    "assert_no_drift", "assert_same_observations", "drift", "new_app_client", "okta_filter", "plus_filter",
    "random_guid",
]
