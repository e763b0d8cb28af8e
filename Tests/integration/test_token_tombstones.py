"""Deleted tokens stay dead: `app delete` and `import --mode replace` leave each deleted token's
hash behind (a tombstone), and importing an export taken before the deletion brings the token
back only as revoked; through nginx, the IdP's old token keeps getting 401."""

from __future__ import annotations

import json
import uuid

import pytest

from scimcheck import assert_status
from stack import Stack


@pytest.fixture(scope="module")
def host():
    s = Stack("nginx", workers=2)
    try:
        s.start(apps=())
        yield s
    finally:
        s.cleanup()


def export_to(s: Stack, name: str) -> str:
    path = s.dir / f"{name}-{uuid.uuid4().hex[:8]}.json"
    s.cli("export", "--output", str(path))
    return str(path)


def users(s: Stack, app: str, token: str) -> int:
    return s.client(app, token=token).get("/Users", params={"count": 1}).status_code


def test_an_old_export_imported_after_app_delete_does_not_revive_its_token(host):
    s = host
    name = f"idp-{uuid.uuid4().hex[:8]}"
    old = s.create_app(name)
    assert users(s, name, old.token) == 200
    older = export_to(s, "before-delete")

    s.cli("app", "delete", name)
    new = s.create_app(name)
    assert users(s, name, old.token) == 401

    dry = s.cli("import", older, "--dry-run").stdout.splitlines()
    added = [line for line in dry if line.startswith(f"token added as revoked: {name} ")]
    assert len(added) == 1 and "a deleted token never comes back" in added[0], dry
    assert not any(line.startswith("token added: ") for line in dry), dry
    assert dry[-1] == "dry run: nothing was changed"

    out = s.cli("import", older).stdout.splitlines()
    assert added[0] in out, out
    assert users(s, name, old.token) == 401
    assert users(s, name, new.token) == 200
    assert s.cli("import", older).stdout.strip() == "no changes", "importing it again changes nothing"
    assert users(s, name, old.token) == 401


def test_a_token_removed_by_replace_stays_dead_when_an_older_export_is_imported(host):
    s = host
    name = f"idp-{uuid.uuid4().hex[:8]}"
    first = s.create_app(name)
    second = s.rotate_token(name, grace_minutes=600)["token"]
    assert users(s, name, first.token) == 200 and users(s, name, second) == 200
    older = export_to(s, "two-tokens")

    doc = json.loads(open(older).read())
    app = next(a for a in doc["apps"] if a["name"] == name)
    app["tokens"] = [t for t in app["tokens"] if not second.startswith(t["hint"].rstrip("…"))]
    assert len(app["tokens"]) == 1
    newer = s.dir / f"one-token-{uuid.uuid4().hex[:8]}.json"
    newer.write_text(json.dumps(doc))
    out = s.cli("import", str(newer), "--mode", "replace").stdout
    assert f"token removed: {name} " in out, out
    assert users(s, name, second) == 401

    out = s.cli("import", older, "--mode", "replace").stdout.splitlines()
    assert any(line.startswith(f"token added as revoked: {name} ") for line in out), out
    assert users(s, name, second) == 401
    assert users(s, name, first.token) == 200
    assert_status(s.client(name, token=second).get("/Groups"), 401)
