"""The admin tool `scimsync` against the running service: apps, tokens, directory users."""

from __future__ import annotations

import json

from scimcheck import assert_scim_error, assert_status, create_user
from stack import App, parse_json_output


def works(stack, app: str, token: str) -> bool:
    r = stack.client(app, token=token).get("/Users", params={"count": 1})
    if r.status_code == 401:
        assert_scim_error(r, 401)
        assert r.headers.get("WWW-Authenticate", "").lower().startswith("bearer")
        return False
    assert_status(r, 200)
    return True


def new_app(stack, uniq, provider="generic") -> App:
    return stack.create_app(uniq("app"), provider=provider)


def test_app_create_prints_a_working_base_url_and_token(stack, uniq):
    app = new_app(stack, uniq)
    assert app.printed_base_url == stack.base_url(app.name), "base URL from SCIMSYNC_PUBLIC_URL"
    assert len(app.token) >= 32, "a long random secret"
    assert works(stack, app.name, app.token)

    listed = stack.cli_json("app", "list")
    names = [a.get("name", a.get("app")) for a in (listed if isinstance(listed, list) else listed.get("apps", []))]
    assert app.name in names, listed


def test_tokens_are_stored_hashed(stack, uniq):
    app = new_app(stack, uniq)
    listing = stack.cli("token", "list", app.name, "--json").stdout
    assert app.token not in listing, "token list must not show the secret"
    for path in stack.db_dir.iterdir():
        if path.is_file():
            assert app.token.encode() not in path.read_bytes(), f"plaintext token found in {path.name}"


def test_token_rotation_with_grace_then_revoke(stack, uniq):
    app = new_app(stack, uniq)
    old = app.token
    rotated = stack.rotate_token(app.name, grace_minutes=60)
    new = rotated["token"]
    assert new != old
    assert works(stack, app.name, new), "the new token works at once"
    assert works(stack, app.name, old), "the old token keeps working during the grace period"

    tokens = parse_json_output(stack.cli("token", "list", app.name, "--json").stdout)
    assert isinstance(tokens, (list, dict)), tokens
    assert app.token_id is not None, "app create --json reports tokenId"
    stack.cli("token", "revoke", app.name, "--token-id", str(app.token_id))
    assert not works(stack, app.name, old), "a revoked token is refused"
    assert works(stack, app.name, new)


def test_token_rotation_without_grace_refuses_the_old_token_at_once(stack, uniq):
    app = new_app(stack, uniq)
    new = stack.rotate_token(app.name, grace_minutes=0)["token"]
    assert not works(stack, app.name, app.token)
    assert works(stack, app.name, new)


def test_revoke_all_tokens(stack, uniq):
    app = new_app(stack, uniq)
    new = stack.rotate_token(app.name, grace_minutes=60)["token"]
    stack.cli("token", "revoke", app.name, "--all")
    assert not works(stack, app.name, app.token)
    assert not works(stack, app.name, new)


def test_disable_and_enable_an_app(stack, uniq):
    app = new_app(stack, uniq)
    client = stack.client(app.name)
    u = create_user(client, uniq("before-disable"))
    stack.cli("app", "disable", app.name)
    assert not works(stack, app.name, app.token), "a disabled app's token gets 401"
    assert_scim_error(client.get(f"/Users/{u['id']}"), 401)
    stack.cli("app", "enable", app.name)
    assert works(stack, app.name, app.token)
    assert_status(client.get(f"/Users/{u['id']}"), 200)


def test_user_list_shows_provisioned_users(stack, alpha, uniq):
    name = uniq("Provisioned.User") + "@example.com"
    create_user(alpha, name)
    out = stack.cli_json("user", "list", "--directory", "corp")
    users = out if isinstance(out, list) else out.get("users", [])
    usernames = [u.get("username", u.get("userName", u.get("name"))) for u in users]
    assert name in usernames, f"{name} not in `user list`: {json.dumps(out)[:2000]}"


def test_unknown_app_is_a_clear_error(stack):
    for args in (("app", "show", "no-such-app"), ("app", "disable", "no-such-app"),
                 ("token", "rotate", "no-such-app", "--grace-minutes", "0")):
        cp = stack.cli(*args, check=False)
        assert cp.returncode == 1, f"scimsync {' '.join(args)} exited {cp.returncode}"
        assert "no-such-app" in cp.stderr, f"stderr should name the app: {cp.stderr!r}"
        assert "Fatal error" not in cp.stderr and "Stack dump" not in cp.stderr, cp.stderr


def test_duplicate_app_is_a_clear_error_and_keeps_the_existing_token(stack):
    cp = stack.cli("app", "create", "alpha", "--provider", "generic", "--directory", "corp", check=False)
    assert cp.returncode == 1, cp
    assert "alpha" in cp.stderr, cp.stderr
    assert "Bearer token" not in cp.stdout, "no new token was issued"
    assert works(stack, "alpha", stack.apps["alpha"].token)


def test_unknown_directory_is_a_clear_error(stack, uniq):
    cp = stack.cli("app", "create", uniq("orphan"), "--provider", "generic", "--directory", "no-such-dir",
                   check=False)
    assert cp.returncode == 1, cp
    assert "no-such-dir" in cp.stderr, cp.stderr


def test_init_on_an_existing_database_keeps_its_data(stack):
    # `make run` runs `scimsync init` on every start, on the database it kept.
    cp = stack.cli("init", check=False)
    assert cp.returncode == 0, f"init on an initialised database: exit {cp.returncode}\n{cp.stderr}"
    assert works(stack, "alpha", stack.apps["alpha"].token)


def test_audit_lists_each_change_with_its_app_and_filters(stack, uniq):
    app = new_app(stack, uniq)
    other = new_app(stack, uniq)
    scim = stack.client(app.name, token=app.token)
    name = uniq("audited") + "@example.com"
    created = scim.post("/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name},
                        headers={"X-Request-Id": "req-audit-1"})
    assert_status(created, 201)
    uid = created.json()["id"]
    assert_status(scim.patch(f"/Users/{uid}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                                "Operations": [{"op": "replace", "value": {"active": False}}]}), 200)
    assert_status(scim.delete(f"/Users/{uid}"), 204)
    create_user(stack.client(other.name, token=other.token), uniq("elsewhere") + "@example.com")

    everything = stack.cli_json("audit", "--app", app.name)
    # The IdP's requests have no actor (the app acts); the admin's creating the app has one.
    entries = [e for e in everything if e.get("actor") is None]
    assert [e["operation"] for e in everything if e.get("actor")] == ["token.issue", "app.create"], everything
    assert [e["operation"] for e in entries] == ["user.delete", "user.update", "user.create"], entries
    assert all(e["app"] == app.name and e["outcome"] == "ok" and name in e["target"] for e in entries)
    assert entries[2]["requestId"] == "req-audit-1"
    assert entries[1]["detail"] == f"directory: user deactivated: {name}", "the detail says what the rules did"

    assert [e["operation"] for e in stack.cli_json("audit", "--user", name)] == ["user.delete", "user.update", "user.create"]
    assert len(stack.cli_json("audit", "--user", uid)) == 3, "a user is found by SCIM id too"
    assert stack.cli_json("audit", "--app", app.name, "--since", "1h", "--limit", "1")[0]["operation"] == "user.delete"
    assert stack.cli_json("audit", "--app", app.name, "--since", "2999-01-01T00:00:00Z") == []

    bad = stack.cli("audit", "--since", "yesterday", check=False)
    assert bad.returncode != 0 and "--since" in bad.stderr
    missing = stack.cli("audit", "--app", uniq("nope"), check=False)
    assert missing.returncode == 1 and "does not exist" in missing.stderr
