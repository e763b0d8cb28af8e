"""RFC 7643/7644 conformance, checked by scim2-tester against the service behind nginx.

scim2-tester (PyPI `scim2-tester`, the python-scim project's RFC checker; installed with its
`httpx2` extra, which brings scim2-client's HTTP engine) reads /ServiceProviderConfig,
/ResourceTypes and /Schemas, builds models from what the server publishes, and then, for every
resource type, creates, reads, lists, searches (with attributes/excludedAttributes), replaces,
PATCHes (add, replace, remove on every attribute, extension attributes included) and deletes,
validating every response payload against the published schemas (`returned`, `mutability`…).

Its Python API is used (`check_server`; the package's README points to the separate scim2-cli
package for a command-line front end), so that each result comes back as a `CheckResult` the test
can match against the documented exceptions. Pinned in scripts/install-deps.sh:
`scim2-tester[httpx2]==0.5.2`.

Every check must pass (SUCCESS, COMPLIANT or ACCEPTABLE), except the documented exceptions below,
each with the RFC clause that makes the server's behaviour correct. An exception that no longer
occurs fails `test_documented_exceptions_still_occur`, so that the list does not go stale.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any, Callable

import pytest

from idp_support import NGINX_ONLY

pytestmark = NGINX_ONLY

try:  # a missing checker fails these tests (below), it does not stop the collection of the others
    import httpx2
    from scim2_client.engines.httpx2 import SyncSCIMClient
    from scim2_tester import check_server
except ImportError as missing:  # pragma: no cover
    MISSING = f"{missing}: pip install 'scim2-tester[httpx2]' (see scripts/install-deps.sh)"
else:
    MISSING = None

PASSING = {"SUCCESS", "COMPLIANT", "ACCEPTABLE"}


def _dump(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump()
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


@dataclass(frozen=True)
class DocumentedException:
    name: str
    clause: str
    matches: Callable[[Any, dict], bool]


def _members_display_filled_by_server(result, context: dict) -> bool:
    """scim2-tester PATCHes `members` with elements whose `display` it leaves empty, and then
    compares the whole element, `display` included. The server fills `display` in (the member's
    display name). The server's /Schemas declare `members.display` readOnly: RFC 7643 §7 ("readOnly:
    The attribute SHALL NOT be modified" by clients; its value is the service provider's) and
    RFC 7643 §2.4 ("display: A human-readable name, primarily used for display purposes"; the
    Group example of RFC 7643 §8.4 shows it on members the server returns). Every other part of
    each element (value, $ref, type) must be exactly what was written."""
    if result.status.name != "ERROR" or result.resource_type != "Group":
        return False
    if result.title not in ("check_add_attribute", "check_replace_attribute"):
        return False
    data = result.data if isinstance(result.data, dict) else {}
    if data.get("urn") != "members" or not context.get("members_display_read_only"):
        return False
    expected = _dump(data.get("expected"))
    actual = _dump(data.get("actual", data.get("modify_actual")))
    if not isinstance(expected, list) or not isinstance(actual, list) or len(expected) != len(actual):
        return False
    for want, got in zip(expected, actual):
        if want.get("display") is not None or not isinstance(got.get("display"), str) or not got["display"]:
            return False
        if {k: v for k, v in want.items() if k != "display"} != {k: v for k, v in got.items() if k != "display"}:
            return False
    return True


DOCUMENTED_EXCEPTIONS = [
    DocumentedException(
        name="Group members: display is filled in by the server",
        clause="RFC 7643 §7 (readOnly) with the server's /Schemas marking members.display readOnly; RFC 7643 §2.4, §8.4",
        matches=_members_display_filled_by_server,
    ),
]


def _cause(result) -> str:
    """The first line of what went wrong: the validation error when the payload was refused."""
    data = result.data if isinstance(result.data, dict) else {}
    error = data.get("error")
    notes = getattr(error, "__notes__", None) or []
    if notes:
        return " ".join(str(notes[0]).split("\n")[1:2]).strip() or str(notes[0])[:200]
    return (result.reason or "").split("\n")[0][:200]


def _describe(result) -> str:
    lines = [f"[{result.status.name}] {result.resource_type or '-'} {result.title}: {result.reason}"]
    data = result.data if isinstance(result.data, dict) else {"data": result.data}
    for key, value in data.items():
        if isinstance(value, BaseException):
            notes = " | ".join(getattr(value, "__notes__", []) or [])
            source = getattr(value, "source", None)
            body = getattr(source, "text", None)
            lines.append(f"    {key}: {type(value).__name__}: {value} {notes}")
            if body:
                lines.append(f"    response: {str(body)[:400]}")
        else:
            lines.append(f"    {key}: {str(_dump(value))[:600]}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def conformance(stack):
    """One scim2-tester run against a fresh app (generic provider profile) behind nginx."""
    if MISSING:
        pytest.fail(MISSING)
    name = f"conformance-{uuid.uuid4().hex[:8]}"
    app = stack.create_app(name, "corp", "generic")
    http = httpx2.Client(base_url=stack.base_url(name), headers={"Authorization": f"Bearer {app.token}"},
                         timeout=30)
    try:
        schemas = http.get("/Schemas/urn:ietf:params:scim:schemas:core:2.0:Group").json()
        members = next(a for a in schemas["attributes"] if a["name"] == "members")
        display = next((s for s in members.get("subAttributes", []) if s["name"] == "display"), {})
        context = {"members_display_read_only": display.get("mutability") == "readOnly"}
        results = check_server(SyncSCIMClient(http))
    finally:
        http.close()
    return results, context


def test_scim2_tester_ran_the_full_suite(conformance):
    results, _ = conformance
    titles = {(r.resource_type, r.title) for r in results}
    for resource in ("User", "Group"):
        for check in ("object_creation", "object_query", "object_query_without_id", "object_replacement",
                      "object_deletion", "check_add_attribute", "check_replace_attribute", "check_remove_attribute",
                      "search_with_attributes", "object_list_with_attributes"):
            assert (resource, check) in titles, f"scim2-tester did not run {check} on {resource}"
    for check in ("service_provider_config_endpoint", "query_all_resource_types", "query_all_schemas", "random_url"):
        assert (None, check) in titles, f"scim2-tester did not run {check}"
    assert len(results) >= 100, f"only {len(results)} checks ran"


def test_every_check_passes_except_documented_exceptions(conformance):
    results, context = conformance
    failures = []
    for result in results:
        if result.status.name in PASSING:
            continue
        if any(e.matches(result, context) for e in DOCUMENTED_EXCEPTIONS):
            continue
        failures.append(result)
    if failures:
        causes = Counter(_cause(r) for r in failures)
        summary = "\n".join(f"  {n} x {cause}" for cause, n in causes.most_common())
        details = "\n".join(_describe(r) for r in failures)
        pytest.fail(f"{len(failures)} scim2-tester checks failed. By cause:\n{summary}\nEach check:\n{details}",
                    pytrace=False)


def test_documented_exceptions_still_occur(conformance):
    results, context = conformance
    stale = [e.name for e in DOCUMENTED_EXCEPTIONS if not any(e.matches(r, context) for r in results)]
    assert not stale, f"documented exceptions that no longer occur (remove them): {stale}"
