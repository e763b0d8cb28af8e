"""Helpers for the sync-rules tests (test_rules_*.py): a fresh app on a fresh directory, the
IdP-shaped requests those tests send, and the admin's view of the directory through `scimsync`.

The admin tool's JSON forms these helpers read (docs/RULES.md describes the rules):

- `scimsync user show NAME --directory D --json`: a list with one user
  ({"name", "email", "displayName", "firstName", "lastName", "active", "memberships": [{"group", "origins"}], ...});
  exit 1 "user 'NAME' does not exist" when there is none;
- `scimsync group members G --directory D --json`: [{"member", "kind", "origins"}];
- `scimsync group list --directory D --json`: [{"name", "directory", "memberCount"}];
- `scimsync audit --app A --json`: newest first, {"at", "app", "requestId", "operation", "target", "outcome", "detail"}.

Membership origins read "admin", "app A: IdP group G", "app A: default group",
"app A: default group for new users".
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from typing import Any

from idp_support import ENTERPRISE_SCHEMA, GROUP_SCHEMA, PATCH_SCHEMA, USER_SCHEMA, IdpClient
from stack import Stack, StackError, parse_json_output

OKTA_JSON = "application/json; charset=utf-8"
SCIM_JSON = "application/scim+json"
CONTENT_TYPES = {"okta": OKTA_JSON, "entra": SCIM_JSON}
USER_AGENTS = {"okta": "Okta SCIM Client 1.0.0", "entra": "Microsoft.Identity.Provisioning"}


# ----- origins ----------------------------------------------------------------------------------------

ADMIN = "admin"


def via_group(app: str, idp_group: str) -> str:
    return f"app {app}: IdP group {idp_group}"


def via_default(app: str) -> str:
    return f"app {app}: default group"


def via_default_new(app: str) -> str:
    return f"app {app}: default group for new users"


# ----- a fresh app on a fresh directory ---------------------------------------------------------------

@dataclass
class RulesApp:
    """One IdP connection under test: its name, its directory, and the IdP's HTTP client."""
    name: str
    directory: str
    provider: str
    idp: IdpClient


def new_rules_app(stack: Stack, uniq, provider: str = "okta", directory: str | None = None) -> RulesApp:
    """A fresh app; on a fresh directory (`app create … --create-directory`) unless `directory` is given."""
    name = uniq(provider)
    args = ["app", "create", name, "--provider", provider]
    if directory is None:
        directory = uniq("dir")
        args += ["--directory", directory, "--create-directory"]
    else:
        args += ["--directory", directory]
    out = stack.cli_json(*args)
    if not isinstance(out, dict) or not out.get("token"):
        raise StackError(f"app create --json printed no token: {out!r}")
    idp = IdpClient(provider, stack.base_url(name), out["token"], CONTENT_TYPES.get(provider, SCIM_JSON),
                    USER_AGENTS.get(provider, f"{provider}-rules-test"))
    return RulesApp(name=name, directory=directory, provider=provider, idp=idp)


# ----- the admin tool -----------------------------------------------------------------------------------

def rules_set(stack: Stack, app: RulesApp | str, *options: str):
    return stack.cli("rules", "set", app if isinstance(app, str) else app.name, *options)


def rules_show(stack: Stack, app: RulesApp | str) -> dict:
    cp = stack.cli("rules", "show", app if isinstance(app, str) else app.name, "--json")
    return json.loads(cp.stdout)


def rules_show_ordered(stack: Stack, app: RulesApp | str) -> list:
    """`rules show --json` with the key order kept: [(key, value-or-nested-pairs), …]."""
    cp = stack.cli("rules", "show", app if isinstance(app, str) else app.name, "--json")
    return json.loads(cp.stdout, object_pairs_hook=lambda pairs: pairs)


def json_unless_missing(stack: Stack, *args: str) -> Any:
    """`scimsync ARGS --json` parsed, or None when the command says what it names does not exist (exit 1)."""
    cp = stack.cli(*args, "--json", check=False)
    if cp.returncode != 0:
        assert cp.returncode == 1 and "does not exist" in cp.stderr, \
            f"{' '.join(args)}: exit {cp.returncode}\n{cp.stdout}\n{cp.stderr}"
        return None
    return parse_json_output(cp.stdout)


def dir_user(stack: Stack, directory: str, name: str) -> dict | None:
    """`scimsync user show NAME --directory D --json`: the user, or None when it does not exist."""
    users = json_unless_missing(stack, "user", "show", name, "--directory", directory)
    if users is None:
        return None
    assert isinstance(users, list) and len(users) == 1, f"user show {name} --directory {directory}: {users!r}"
    return users[0]


def must_user(stack: Stack, directory: str, name: str) -> dict:
    user = dir_user(stack, directory, name)
    assert user is not None, f"directory {directory} has no user {name!r}; it has {dir_usernames(stack, directory)}"
    return user


def dir_users(stack: Stack, directory: str) -> list[dict]:
    """`scimsync user list --json`, narrowed to one directory by the test (the listing is of all)."""
    out = stack.cli_json("user", "list")
    users = out if isinstance(out, list) else out.get("users", [])
    return [u for u in users if u.get("directory") == directory]


def dir_usernames(stack: Stack, directory: str) -> list[str]:
    return sorted(u["name"] for u in dir_users(stack, directory))


def memberships(user: dict) -> dict[str, list[str]]:
    """A user's memberships as {group: sorted origins}."""
    return {m["group"]: sorted(m["origins"]) for m in user.get("memberships", [])}


def user_memberships(stack: Stack, directory: str, name: str) -> dict[str, list[str]]:
    return memberships(must_user(stack, directory, name))


def group_members(stack: Stack, directory: str, group: str) -> dict[str, tuple[str, list[str]]] | None:
    """`scimsync group members G --directory D --json` as {member: (kind, sorted origins)}, or None
    when the group does not exist (exit 1)."""
    rows = json_unless_missing(stack, "group", "members", group, "--directory", directory)
    if rows is None:
        return None
    assert isinstance(rows, list), rows
    return {r["member"]: (r["kind"], sorted(r["origins"])) for r in rows}


def group_names(stack: Stack, directory: str) -> list[str]:
    out = stack.cli_json("group", "list", "--directory", directory)
    groups = out if isinstance(out, list) else out.get("groups", [])
    return sorted(g["name"] for g in groups)


def audit(stack: Stack, app: RulesApp | str) -> list[dict]:
    """The app's audit entries of IdP requests and synchronizations, oldest first (the other admin
    actions, such as creating the app or `rules.set`, are left out: tests look at what
    provisioning did)."""
    entries = stack.cli_json("audit", "--app", app if isinstance(app, str) else app.name)
    assert isinstance(entries, list), entries
    return [e for e in reversed(entries) if e.get("actor") is None or e["operation"] == "sync"]


def says(entry: dict, change: str, subject: str) -> bool:
    """Whether an audit entry's detail reports `change` of `subject`: "user created alice"
    (the interface's example) or "user created: alice" (the wording of `scimsync sync`)."""
    return re.search(rf"\b{re.escape(change)}:? {re.escape(subject)}(?![\w.@-])", entry.get("detail") or "") is not None


def refused_entries(entries: list[dict]) -> list[dict]:
    return [e for e in entries if e.get("outcome") == "refused"]


def sync(stack: Stack, app: RulesApp | str, *extra: str):
    return stack.cli("sync", "--app", app if isinstance(app, str) else app.name, *extra)


def change_lines(stdout: str, app: RulesApp | str) -> list[str]:
    prefix = f"{app if isinstance(app, str) else app.name}: "
    return [line.strip() for line in stdout.splitlines() if line.strip().startswith(prefix)]


def snapshot(stack: Stack, directory: str) -> dict:
    """Everything the admin sees of a directory: users (with memberships) and groups (with members)."""
    users = {}
    for u in dir_users(stack, directory):
        full = must_user(stack, directory, u["name"])
        users[full["name"]] = {k: full.get(k) for k in ("email", "displayName", "firstName", "lastName", "active")}
        users[full["name"]]["memberships"] = memberships(full)
    groups = {g: group_members(stack, directory, g) for g in group_names(stack, directory)}
    return {"users": users, "groups": groups}


# ----- IdP-shaped requests ----------------------------------------------------------------------------

def scim_user(user_name: str, given: str = "Ada", family: str = "Lovelace", *, email: str | None = None,
              display: str | None = "", active: bool = True, external_id: str | None = None, **extra) -> dict:
    """A user as Okta / Entra write it; `display=""` means "given family", None leaves it out."""
    body: dict[str, Any] = {
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": True, "value": email or f"{given.lower()}@mail.test", "type": "work"}],
        "active": active,
        "externalId": external_id or uuid.uuid4().hex[:12],
    }
    if display is not None:
        body["displayName"] = display or f"{given} {family}"
    body.update(extra)
    return body


def create_user(idp: IdpClient, body: dict) -> str:
    created = idp.json(idp.send("POST", "/Users", body, expect=(201,)))
    assert created.get("userName") == body["userName"], f"the IdP reads back what it wrote{idp.tail(2)}"
    return created["id"]


def okta_push(idp: IdpClient, uid: str, **changes) -> dict:
    """Okta's profile push: read the user, PUT it back whole with the changes."""
    current = idp.get(f"/Users/{uid}")
    body = {**current, **changes}
    return idp.json(idp.send("PUT", f"/Users/{uid}", body))


def okta_set_active(idp: IdpClient, uid: str, active: bool) -> None:
    idp.patch(f"/Users/{uid}", {"op": "replace", "value": {"active": active}})


def entra_replace(idp: IdpClient, uid: str, path: str, value: Any, expect=(200, 204)) -> None:
    idp.patch(f"/Users/{uid}", {"op": "Replace", "path": path, "value": value}, expect=expect)


def lookup_user(idp: IdpClient, user_name: str) -> list[dict]:
    from idp_support import okta_filter
    return idp.list("/Users", okta_filter(f'userName eq "{user_name}"'))["Resources"]


def create_group(idp: IdpClient, name: str, *member_ids: str, member_type: str | None = None) -> str:
    members = [{"value": m} | ({"type": member_type} if member_type else {}) for m in member_ids]
    body = {"schemas": [GROUP_SCHEMA], "displayName": name, "members": members}
    return idp.json(idp.send("POST", "/Groups", body, expect=(201,)))["id"]


def add_members(idp: IdpClient, gid: str, *member_ids: str, member_type: str | None = None) -> None:
    op = "Add" if idp.name == "entra" else "add"
    value = [{"value": m} | ({"type": member_type} if member_type else {}) for m in member_ids]
    idp.patch(f"/Groups/{gid}", {"op": op, "path": "members", "value": value})


def remove_member(idp: IdpClient, gid: str, member_id: str) -> None:
    if idp.name == "entra":   # the default job: a value array on path "members"
        idp.patch(f"/Groups/{gid}", {"op": "Remove", "path": "members", "value": [{"$ref": None, "value": member_id}]})
    else:                     # Okta: a value-filtered path
        idp.patch(f"/Groups/{gid}", {"op": "remove", "path": f'members[value eq "{member_id}"]'})


def rename_group(idp: IdpClient, gid: str, new_name: str) -> None:
    if idp.name == "entra":
        idp.patch(f"/Groups/{gid}", {"op": "Replace", "path": "displayName", "value": new_name})
    else:                     # Okta: a path-less replace carrying id and displayName
        idp.patch(f"/Groups/{gid}", {"op": "replace", "value": {"id": gid, "displayName": new_name}})


def delete(idp: IdpClient, path: str) -> None:
    idp.send("DELETE", path, expect=(204,))
    idp.send("GET", path, expect=(404,))


def scim_error(idp: IdpClient, r) -> dict:
    body = idp.json(r)
    assert "urn:ietf:params:scim:api:messages:2.0:Error" in body.get("schemas", []), f"a SCIM error{idp.tail(1)}"
    assert body.get("status") == str(r.status_code), f"error status{idp.tail(1)}"
    return body


__all__ = [
    "ADMIN", "ENTERPRISE_SCHEMA", "PATCH_SCHEMA", "RulesApp", "add_members", "audit", "change_lines", "create_group",
    "create_user", "delete", "dir_user", "dir_usernames", "dir_users", "entra_replace", "group_members",
    "group_names", "lookup_user", "memberships", "must_user", "new_rules_app", "okta_push", "okta_set_active",
    "refused_entries", "remove_member", "rename_group", "rules_set", "rules_show", "rules_show_ordered",
    "says", "scim_error", "scim_user", "snapshot", "sync", "user_memberships", "via_default", "via_default_new",
    "via_group",
]
