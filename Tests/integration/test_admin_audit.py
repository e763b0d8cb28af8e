"""Every admin action is in the audit with the operating-system user who ran it, and a refused
SCIM request leaves a bounded entry there: through the real `scimsync`, nginx and responder."""

from __future__ import annotations

import os
import pwd
import sqlite3

from idp_support import NGINX_ONLY
from scimcheck import assert_scim_error, create_user, user_body

# AuditEntry.idpTextLimit: the most bytes of a refused request's target, and of its detail.
REFUSED_TEXT_LIMIT = 2048


# The admin tool and the audit do not depend on the web server: checked behind nginx.
pytestmark = NGINX_ONLY


def cli_user(stack) -> str:
    """Who the admin tool runs as in these tests (root, when they run as root), as the audit names it."""
    name = pwd.getpwuid(os.geteuid()).pw_name
    sudo = os.environ.get("SUDO_USER")
    return f"{name} (sudo: {sudo})" if sudo and sudo != name else name


def admin_entries(stack, *args: str) -> list[dict]:
    return [e for e in stack.cli_json("audit", *args) if e.get("actor") is not None]


def test_token_rotation_is_audited_with_the_os_user_and_no_secret(stack, uniq):
    app = stack.create_app(uniq("audited"))
    rotated = stack.rotate_token(app.name, grace_minutes=5)
    stack.cli("token", "revoke", app.name, "--token-id", str(app.token_id))

    entries = admin_entries(stack, "--app", app.name)
    assert [e["operation"] for e in entries] == ["token.revoke", "token.rotate", "token.issue", "app.create"], entries
    assert {e["actor"] for e in entries} == {cli_user(stack)}
    if os.geteuid() == 0 and "SUDO_USER" not in os.environ:
        assert entries[0]["actor"] == "root"
    assert entries[1]["detail"].startswith(f"token {rotated['tokenId']} ({rotated['token'][:8]}…) issued; 1 earlier token(s)")
    assert entries[0]["detail"] == f"token {app.token_id} ({app.token[:8]}…)"
    every = stack.cli("audit", "--app", app.name, "--json").stdout
    assert app.token not in every and rotated["token"] not in every, "the audit names tokens by hint only"

    text = stack.cli("audit", "--app", app.name).stdout
    header, *lines = text.splitlines()
    assert header.split()[:4] == ["TIME", "APP", "ACTOR", "OPERATION"]
    assert any("token.rotate" in line and f"  {cli_user(stack)}  " in line for line in lines), text
    by_actor = stack.cli_json("audit", "--app", app.name, "--actor", cli_user(stack).split()[0])
    assert [e["operation"] for e in by_actor] == [e["operation"] for e in entries]


def test_app_lifecycle_and_directory_changes_are_audited(stack, uniq):
    app = stack.create_app(uniq("doomed"))
    directory = uniq("dir")
    stack.cli("app", "disable", app.name)
    stack.cli("app", "enable", app.name)
    stack.cli("app", "set-directory", app.name, directory, "--create-directory")
    stack.cli("directory", "rename", directory, directory + "-renamed")
    stack.cli("app", "delete", app.name)

    entries = admin_entries(stack, "--app", app.name)
    assert [e["operation"] for e in entries] == [
        "app.delete", "app.set-directory", "app.enable", "app.disable", "token.issue", "app.create"], entries
    assert entries[0]["target"] == f"App {app.name}" and entries[0]["actor"] == cli_user(stack)
    renamed = [e for e in admin_entries(stack, "--since", "1h") if e["target"] == f"Directory {directory}-renamed"]
    assert [e["operation"] for e in renamed] == ["directory.rename"], renamed
    assert renamed[0]["detail"] == f"renamed from {directory}"


def test_directory_groups_users_and_settings_are_audited(stack, uniq):
    user, group = uniq("local"), uniq("admins")
    stack.cli("user", "create", user, "--directory", "corp")
    stack.cli("group", "create", group, "--directory", "corp")
    stack.cli("group", "add-member", group, "--user", user, "--directory", "corp")
    stack.cli("group", "remove-member", group, "--user", user, "--directory", "corp")
    entries = [e for e in admin_entries(stack, "--since", "1h") if user in e["target"] or group in e["target"]]
    assert [e["operation"] for e in entries] == [
        "directory.group.remove-member", "directory.group.add-member", "directory.group.create",
        "directory.user.create"], entries
    assert [e["operation"] for e in stack.cli_json("audit", "--user", user)] == ["directory.user.create"]


def test_retention_removes_admin_entries_too(stack, uniq):
    app = stack.create_app(uniq("old"))
    create_user(stack.client(app.name, token=app.token), uniq("old-user"))
    with sqlite3.connect(stack.db) as db:
        db.execute("UPDATE audit SET at = '2000-01-01T00:00:00.000Z' WHERE app_name = ?", (app.name,))
    assert {e.get("actor") is None for e in stack.cli_json("audit", "--app", app.name)} == {True, False}
    try:
        stack.cli("settings", "set", "audit-retention-days", "3650")
        assert stack.cli_json("audit", "--app", app.name) == [], "IdP and admin entries alike"
        newest = stack.cli_json("audit", "--limit", "1")[0]
        assert newest["operation"] == "settings.set" and newest["actor"] == cli_user(stack)
    finally:
        stack.cli("settings", "set", "audit-retention-days", "none")


def test_a_refused_900_kB_request_leaves_a_few_kB_in_the_audit(stack, uniq):
    app = stack.create_app(uniq("flood"))
    # The directory username comes from externalId: a second IdP user mapping to the same one is
    # refused (409), with a detail quoting its userName.
    stack.cli("rules", "set", app.name, "--map", "username=externalId")
    scim = stack.client(app.name, token=app.token)
    victim = uniq("victim")
    create_user(scim, uniq("first"), externalId=victim)
    huge = "a" * 900_000
    r = scim.post("/Users", user_body(huge, externalId=victim), headers={"X-Request-Id": "req-flood-1"})
    assert_scim_error(r, 409)
    assert r.json()["detail"].startswith("userName '" + "a" * 40 + "…' (900000 characters) becomes"), \
        "the IdP is told the reason, quoting the start of its value and its length"

    refused = [e for e in stack.cli_json("audit", "--app", app.name) if e["outcome"] == "refused"]
    assert len(refused) == 1, refused
    entry = refused[0]
    assert entry["requestId"] == "req-flood-1"
    assert entry["operation"] == "user.create" and entry.get("actor") is None
    assert entry["target"].startswith("User (aaaa") and entry["detail"].startswith("userName 'aaaa")
    assert len(entry["target"].encode()) <= REFUSED_TEXT_LIMIT, len(entry["target"].encode())
    assert entry["target"].endswith(" more bytes not recorded)"), entry["target"][-80:]
    assert entry["detail"] == r.json()["detail"] and len(entry["detail"]) < 200, "the reason quotes a bounded part"
    with sqlite3.connect(stack.db) as db:
        stored = db.execute(
            "SELECT length(CAST(target AS BLOB)) + length(CAST(coalesce(detail, '') AS BLOB)) FROM audit "
            "WHERE app_name = ? AND outcome = 'refused'", (app.name,)).fetchall()
    assert len(stored) == 1 and stored[0][0] <= 2 * REFUSED_TEXT_LIMIT, stored
