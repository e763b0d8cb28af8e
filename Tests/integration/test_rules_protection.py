"""Safe defaults for new apps and protected directory groups (issue 9, item 5), through nginx,
the real responder and the real `scimsync`.

- A new app refuses to take over an account the admin made (`existingUsers: refuse`; the 409 says
  how to allow it) and keeps, deactivated, a user its IdP deletes (`onDelete: deactivate`).
- A protected directory group is filled by an app only through a manual mapping naming it (or a
  default group): an IdP group of the same name fills nothing, and `group protect` takes away at
  once what the apps had put in it by name.
"""

from __future__ import annotations

from idp_support import NGINX_ONLY
from rules_support import (ADMIN, add_members, audit, change_lines, create_group, create_user, delete, dir_user,
                           dir_usernames, group_members, group_names, lookup_user, must_user, new_rules_app,
                           okta_push, refused_entries, remove_member, rules_set, rules_show, says, scim_error,
                           scim_user, sync, user_memberships, via_group)

pytestmark = NGINX_ONLY

ADMIN_GROUP = "jira-administrators"


def user(*origins: str) -> tuple[str, list[str]]:
    return ("user", sorted(origins))


# ----- safe defaults --------------------------------------------------------------------------------------

def test_a_new_app_refuses_to_take_over_a_local_account_until_its_rules_say_adopt(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    assert rules_show(stack, app)["userSync"]["existingUsers"] == "refuse", "a new app's default"
    stack.cli("user", "create", "root", "--directory", app.directory, "--email", "root@corp.test",
              "--display-name", "Root Admin")
    before = must_user(stack, app.directory, "root")

    body = scim_user("root", "Mallory", "Evil", email="mallory@evil.test")
    r = app.idp.send("POST", "/Users", body, expect=(409,))
    error = scim_error(app.idp, r)
    assert error.get("scimType") == "uniqueness", app.idp.tail(1)
    assert "existingUsers" in error["detail"] and "--existing-users adopt" in error["detail"], error
    assert lookup_user(app.idp, "root") == [], "nothing of the refused request stays in the IdP view"
    assert must_user(stack, app.directory, "root") == before, "the local account is unchanged (its email too)"
    refused = refused_entries(audit(stack, app))
    assert [e["detail"] for e in refused] == [error["detail"]], refused

    # Nor can the IdP reach it by renaming another user into its name, and so delete it.
    other = create_user(app.idp, scim_user("mallory", "Mallory", "Evil", email="mallory@evil.test"))
    r = app.idp.send("PUT", f"/Users/{other}", {**app.idp.get(f"/Users/{other}"), "userName": "root"}, expect=(409,))
    assert scim_error(app.idp, r).get("scimType") == "uniqueness", app.idp.tail(1)
    delete(app.idp, f"/Users/{other}")
    assert must_user(stack, app.directory, "root") == before, "an IdP DELETE cannot delete it"

    rules_set(stack, app, "--existing-users", "adopt")
    create_user(app.idp, body)
    adopted = must_user(stack, app.directory, "root")
    assert (adopted["id"], adopted["originApp"], adopted["email"]) == (before["id"], app.name, "mallory@evil.test"), \
        "once the rules say adopt, the same POST links the local account"
    assert sorted(dir_usernames(stack, app.directory)) == ["mallory", "root"], "linked, not copied"


def test_a_new_apps_idp_delete_deactivates_the_directory_user(stack, uniq):
    app = new_rules_app(stack, uniq, "entra")
    assert rules_show(stack, app)["userSync"]["onDelete"] == "deactivate", "a new app's default"
    uid = create_user(app.idp, scim_user("sam", "Sam", "Spade", email="sam@corp.test"))
    create_group(app.idp, "Engineering", uid)
    stack.cli("group", "create", "wiki", "--directory", app.directory)
    stack.cli("group", "add-member", "wiki", "--user", "sam", "--directory", app.directory)

    delete(app.idp, f"/Users/{uid}")
    kept = must_user(stack, app.directory, "sam")
    assert (kept["active"], kept["email"]) == (False, "sam@corp.test"), "kept, inactive, its data intact"
    assert user_memberships(stack, app.directory, "sam") == {"wiki": [ADMIN]}, \
        "the IdP group's membership goes with the IdP's vouching; the admin's stays"
    assert says(audit(stack, app)[-1], "user deactivated", "sam"), audit(stack, app)[-1]


# ----- protected groups -----------------------------------------------------------------------------------

def protected_admin_group(stack, directory: str) -> None:
    """The admin's protected group with the admin's own member `root`."""
    created = stack.cli("group", "create", ADMIN_GROUP, "--directory", directory, "--protected").stdout
    assert created.startswith(f"Created protected group '{ADMIN_GROUP}'"), created
    stack.cli("user", "create", "root", "--directory", directory)
    stack.cli("group", "add-member", ADMIN_GROUP, "--user", "root", "--directory", directory)


def test_an_idp_group_named_like_a_protected_admin_group_does_not_fill_it(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    protected_admin_group(stack, app.directory)
    listed = {g["name"]: g for g in stack.cli_json("group", "list", "--directory", app.directory)}
    assert listed[ADMIN_GROUP]["protected"] is True, listed
    text = stack.cli("group", "list", "--directory", app.directory).stdout.splitlines()
    assert text[0].split()[-1] == "PROTECTED" and text[1].split()[-1] == "yes", text

    mallory = create_user(app.idp, scim_user("mallory", "Mallory", "Evil"))
    gid = create_group(app.idp, ADMIN_GROUP, mallory)
    add_members(app.idp, gid, create_user(app.idp, scim_user("trudy", "Trudy", "Evil")))
    assert group_members(stack, app.directory, ADMIN_GROUP) == {"root": user(ADMIN)}, "only the admin's member"
    assert user_memberships(stack, app.directory, "mallory") == {}
    created = next(e for e in audit(stack, app) if e["operation"] == "group.create")
    assert f"protected group skipped: {ADMIN_GROUP} (IdP group {ADMIN_GROUP};" in created["detail"], created

    out = sync(stack, app).stdout
    assert change_lines(out, app) == [
        f"{app.name}: protected group skipped: {ADMIN_GROUP} (IdP group {ADMIN_GROUP}; "
        "only a manual mapping naming the group fills it)"], out
    assert group_members(stack, app.directory, ADMIN_GROUP) == {"root": user(ADMIN)}

    # The IdP cannot empty it either: deleting its group of that name leaves the admin's member and the group.
    delete(app.idp, f"/Groups/{gid}")
    assert group_members(stack, app.directory, ADMIN_GROUP) == {"root": user(ADMIN)}


def test_a_manual_mapping_naming_a_protected_group_fills_it(stack, uniq):
    app = new_rules_app(stack, uniq, "entra")
    protected_admin_group(stack, app.directory)
    rules_set(stack, app, "--group-mode", "manual", "--map-group", f"Jira Admins={ADMIN_GROUP}")
    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    gid = create_group(app.idp, "Jira Admins", alice)
    mapped = via_group(app.name, "Jira Admins")
    assert group_members(stack, app.directory, ADMIN_GROUP) == {"root": user(ADMIN), "alice": user(mapped)}
    assert change_lines(sync(stack, app).stdout, app) == [], "the mapping is the admin's explicit rule"

    remove_member(app.idp, gid, alice)
    assert group_members(stack, app.directory, ADMIN_GROUP) == {"root": user(ADMIN)}, \
        "the app takes back what its mapping made, and only that"


def test_group_protect_takes_away_what_the_apps_put_in_by_name(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    d = app.directory
    ids = [create_user(app.idp, scim_user(n, n.title(), "Example")) for n in ("alice", "bob")]
    create_group(app.idp, "admins", *ids)
    stack.cli("user", "create", "root", "--directory", d)
    stack.cli("group", "add-member", "admins", "--user", "root", "--directory", d)
    by_name = via_group(app.name, "admins")
    assert group_members(stack, d, "admins") == {"alice": user(by_name), "bob": user(by_name), "root": user(ADMIN)}

    out = stack.cli("group", "protect", "admins", "--directory", d).stdout
    lines = change_lines(out, app)
    assert {f"{app.name}: membership removed: {n} from admins (IdP group admins)" for n in ("alice", "bob")} <= set(lines)
    assert out.splitlines()[-1] == f"Group 'admins' in directory '{d}' is protected.", out
    assert group_members(stack, d, "admins") == {"root": user(ADMIN)}, "at once; the admin's member stays"
    entry = next(e for e in stack.cli_json("audit") if e["operation"] == "directory.group.protect")
    assert entry["target"] == f"Group admins (directory {d})" and "membership removed: alice" in entry["detail"], entry

    okta_push(app.idp, ids[0], displayName="Alice P.")
    again = sync(stack, app).stdout
    assert not [line for line in change_lines(again, app) if "membership" in line], again
    assert group_members(stack, d, "admins") == {"root": user(ADMIN)}
    stack.cli("group", "remove-member", "admins", "--user", "root", "--directory", d)
    sync(stack, app)
    assert "admins" in group_names(stack, d), "an app never deletes a protected group, even one it created"

    stack.cli("group", "unprotect", "admins", "--directory", d)
    assert group_members(stack, d, "admins") == {}, "lifting the protection adds nothing by itself"
    preview = change_lines(sync(stack, app, "--dry-run").stdout, app)
    assert sorted(preview) == [f"{app.name}: membership added: {n} in admins (IdP group admins)" for n in ("alice", "bob")]
    sync(stack, app)
    assert group_members(stack, d, "admins") == {"alice": user(by_name), "bob": user(by_name)}
    assert dir_user(stack, d, "root") is not None

    report = stack.cli_json("group", "protect", "admins", "--directory", d)
    removed = sorted(c["member"] for c in report["changes"] if c["change"] == "membershipRemoved")
    assert report["dryRun"] is False and removed == ["alice", "bob"], report
    assert stack.cli_json("group", "protect", "admins", "--directory", d) == {"dryRun": False, "changes": []}, \
        "already protected: nothing to do"
