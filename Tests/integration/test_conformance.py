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

Every check must pass (SUCCESS, COMPLIANT or ACCEPTABLE), with no exception: the IdP view reads
back exactly what the client wrote (group members included: a `display` only if the client wrote
one).
"""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

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
        return check_server(SyncSCIMClient(http))
    finally:
        http.close()


def test_scim2_tester_ran_the_full_suite(conformance):
    results = conformance
    titles = {(r.resource_type, r.title) for r in results}
    for resource in ("User", "Group"):
        for check in ("object_creation", "object_query", "object_query_without_id", "object_replacement",
                      "object_deletion", "check_add_attribute", "check_replace_attribute", "check_remove_attribute",
                      "search_with_attributes", "object_list_with_attributes"):
            assert (resource, check) in titles, f"scim2-tester did not run {check} on {resource}"
    for check in ("service_provider_config_endpoint", "query_all_resource_types", "query_all_schemas", "random_url"):
        assert (None, check) in titles, f"scim2-tester did not run {check}"
    assert len(results) >= 100, f"only {len(results)} checks ran"


def test_every_check_passes(conformance):
    failures = [r for r in conformance if r.status.name not in PASSING]
    if failures:
        causes = Counter(_cause(r) for r in failures)
        summary = "\n".join(f"  {n} x {cause}" for cause, n in causes.most_common())
        details = "\n".join(_describe(r) for r in failures)
        pytest.fail(f"{len(failures)} scim2-tester checks failed. By cause:\n{summary}\nEach check:\n{details}",
                    pytrace=False)
