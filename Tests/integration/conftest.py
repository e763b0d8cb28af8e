"""Fixtures: a real ScimSync deployment behind each web server (see stack.py).

`stack` is parametrized over the frontends (nginx, apache-proxy-fcgi, apache-fcgid) and lives
for the whole session per frontend (pytest groups the tests by frontend). It comes with a
directory "corp" and two apps on it: "alpha" (generic) and "beta" (okta). Tests that change
an app's state (tokens, disable) create their own app.

SCIMSYNC_FRONTENDS=nginx,apache-fcgid restricts the frontends.
"""

from __future__ import annotations

import os
import uuid

import pytest

from stack import FRONTENDS, Stack


def selected_frontends() -> list[str]:
    wanted = [f.strip() for f in os.environ.get("SCIMSYNC_FRONTENDS", "").split(",") if f.strip()]
    unknown = [f for f in wanted if f not in FRONTENDS]
    if unknown:
        raise pytest.UsageError(f"unknown SCIMSYNC_FRONTENDS {unknown}; choose from {FRONTENDS}")
    return wanted or list(FRONTENDS)


@pytest.fixture(scope="session", params=selected_frontends())
def stack(request):
    s = Stack(request.param)
    try:
        s.start()
        yield s
    finally:
        s.cleanup()


@pytest.fixture
def two_responders():
    """nginx in front of two responder processes (4 workers each) on one database, with one app
    "alpha": for the tests that crash, stop or back up a database under load."""
    s = Stack("nginx", responders=2, workers=4)
    try:
        s.start(apps=(("alpha", "corp", "generic"),))
        yield s
    finally:
        s.cleanup()


@pytest.fixture
def alpha(stack):
    c = stack.client("alpha")
    yield c
    c.close()


@pytest.fixture
def beta(stack):
    c = stack.client("beta")
    yield c
    c.close()


@pytest.fixture
def uniq():
    """uniq("alice") -> "alice-3f9c0a1b2d": names no other test (or earlier run) uses."""
    def make(prefix: str) -> str:
        return f"{prefix}-{uuid.uuid4().hex[:10]}"
    return make


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """On failure, attach the logs of the stack(s) the test used (web server, responder, CLI)."""
    outcome = yield
    report = outcome.get_result()
    if not report.failed:
        return
    funcargs = getattr(item, "funcargs", {}) or {}
    seen = set()
    for value in funcargs.values():
        stacks = [value] if isinstance(value, Stack) else []
        for s in stacks:
            if id(s) in seen:
                continue
            seen.add(id(s))
            report.sections.append((f"logs of stack {s.frontend}", s.logs_text()))
