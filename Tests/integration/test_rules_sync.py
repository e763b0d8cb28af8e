"""`scimsync rules show|set` and `scimsync sync [--dry-run]` (SPEC §5, "Operations"): the rules
document with its defaults, validation, `rules set --dry-run`, and re-deriving the directory view
from the stored IdP views after a rules change — through nginx, with IdP-shaped requests first.
"""

from __future__ import annotations

import copy
import json

import pytest

from idp_support import NGINX_ONLY
from rules_support import (ADMIN, audit, change_lines, create_group, create_user, dir_user, group_members, must_user,
                           new_rules_app, okta_set_active, rules_set, rules_show, rules_show_ordered, scim_user,
                           snapshot, sync, user_memberships, via_default, via_group)

pytestmark = NGINX_ONLY

DEFAULTS = {
    "userSync": {"createUsers": True, "updateUsers": True, "deactivateUsers": True, "followActive": True,
                 "onDelete": "deactivate", "existingUsers": "refuse", "attributeMapping": {}, "usernameTransform": None},
    "groupSync": {"mode": "onTheFly", "defaultGroupsForNewUsers": [], "defaultGroupsForAllUsers": [], "mappings": [],
                  "importUnmappedGroups": False, "keepExistingMemberships": True,
                  "filter": {"allow": [], "deny": []}, "nameTransform": None},
}


def last_lines(stdout: str, n: int) -> list[str]:
    return [line.strip() for line in stdout.strip().splitlines()][-n:]


def summary(count: int) -> str:
    return "no changes" if count == 0 else f"{count} changes"


# ----- rules show / set -------------------------------------------------------------------------------

def test_rules_show_prints_every_setting_with_its_default_in_order(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    assert rules_show(stack, app) == DEFAULTS
    ordered = rules_show_ordered(stack, app)
    assert [k for k, _ in ordered] == ["userSync", "groupSync"]
    assert [k for k, _ in ordered[0][1]] == list(DEFAULTS["userSync"]), ordered[0]
    assert [k for k, _ in ordered[1][1]] == list(DEFAULTS["groupSync"]), ordered[1]
    text = stack.cli("rules", "show", app.name)
    assert text.returncode == 0 and text.stdout.strip(), "a readable form without --json"


def test_rules_set_changes_only_the_named_settings(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--on-delete", "delete", "--existing-users", "adopt")
    want = copy.deepcopy(DEFAULTS)
    want["userSync"].update(onDelete="delete", existingUsers="adopt")
    assert rules_show(stack, app) == want
    rules_set(stack, app, "--group-mode", "manual", "--keep-existing", "off")
    want["groupSync"].update(mode="manual", keepExistingMemberships=False)
    assert rules_show(stack, app) == want, "the earlier settings are kept"
    rules_set(stack, app, "--allow-group", "^a", "--allow-group", "^b", "--deny-group", "x$")
    assert rules_show(stack, app)["groupSync"]["filter"] == {"allow": ["^a", "^b"], "deny": ["x$"]}
    rules_set(stack, app, "--clear-group-filter", "--no-group-transform", "--no-username-transform")
    assert rules_show(stack, app) == want
    other = new_rules_app(stack, uniq, "okta")
    assert rules_show(stack, other) == DEFAULTS, "rules are per app"


def test_rules_set_from_a_file_then_options(stack, uniq):
    app = new_rules_app(stack, uniq, "entra")
    doc = copy.deepcopy(DEFAULTS)
    doc["userSync"].update(createUsers=False, onDelete="delete",
                           attributeMapping={"email": {"path": 'emails[type eq "work"].value', "fallback": "mail"}},
                           usernameTransform={"pattern": r"^([^@]+)@corp\.com$", "replacement": "$1"})
    doc["groupSync"].update(mode="manual", mappings=[{"idpGroup": "Engineering", "directoryGroups": ["jira-users", "devs"]}],
                            defaultGroupsForAllUsers=["staff"], filter={"allow": ["^E"], "deny": []})
    path = stack.dir / f"{uniq('rules')}.json"
    path.write_text(json.dumps(doc))
    rules_set(stack, app, "--file", str(path), "--follow-active", "off")
    doc["userSync"]["followActive"] = False
    assert rules_show(stack, app) == doc, "the file, then the options"

    # A second app set from the first one's `rules show --json` gets the same rules.
    other = new_rules_app(stack, uniq, "okta")
    path.write_text(stack.cli("rules", "show", app.name, "--json").stdout)
    rules_set(stack, other, "--file", str(path))
    assert rules_show(stack, other) == doc


BAD_OPTIONS = [
    (["--username-pattern", "([a-z", "--username-replacement", "$1"], ("username-pattern", "usernameTransform")),
    (["--username-pattern", r"^(\w+)@corp$", "--username-replacement", "$2"],
     ("username-replacement", "usernameTransform")),
    (["--allow-group", "(["], ("allow-group", "filter")),
    (["--deny-group", "*team"], ("deny-group", "filter")),
    (["--group-pattern", "team-(", "--group-replacement", "x"], ("group-pattern", "nameTransform")),
    (["--map", "email=emails[type eq"], ("--map", "attributeMapping")),
    (["--map", "shoeSize=title"], ("shoeSize",)),
]


@pytest.mark.parametrize("options, names", BAD_OPTIONS, ids=[" ".join(o) for o, _ in BAD_OPTIONS])
def test_rules_set_refuses_invalid_settings_naming_them(stack, uniq, options, names):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--on-delete", "delete")
    before = rules_show(stack, app)
    for dry_run in ([], ["--dry-run"]):
        cp = stack.cli("rules", "set", app.name, *options, *dry_run, check=False)
        assert cp.returncode == 1, f"exit {cp.returncode}\n{cp.stdout}\n{cp.stderr}"
        assert any(n in cp.stderr for n in names), f"the message should name the setting ({names}): {cp.stderr!r}"
        assert "Fatal error" not in cp.stderr and "Stack dump" not in cp.stderr, cp.stderr
    assert rules_show(stack, app) == before, "nothing saved"


def test_rules_set_refuses_an_invalid_file_naming_each_json_path(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    doc = copy.deepcopy(DEFAULTS)
    doc["userSync"]["onDelete"] = "explode"
    doc["groupSync"]["filter"] = {"allow": ["(["], "deny": []}
    path = stack.dir / f"{uniq('bad-rules')}.json"
    path.write_text(json.dumps(doc))
    cp = stack.cli("rules", "set", app.name, "--file", str(path), check=False)
    assert cp.returncode == 1, cp
    assert "/userSync/onDelete" in cp.stderr and "/groupSync/filter/allow/0" in cp.stderr, cp.stderr
    assert rules_show(stack, app) == DEFAULTS


# ----- sync ---------------------------------------------------------------------------------------------

def test_sync_dry_run_then_apply_after_a_rules_change(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    d, a = app.directory, app.name
    stack.cli("group", "create", "staff", "--directory", d)
    rules_set(stack, app, "--follow-active", "off")
    dave = create_user(app.idp, scim_user("dave", "Dave", "Grohl"))
    okta_set_active(app.idp, dave, False)                                  # ignored
    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    create_group(app.idp, "Engineering", alice)
    rules_set(stack, app, "--create-users", "off")
    create_user(app.idp, scim_user("carol", "Carol", "Danvers"))          # not created in the directory
    assert dir_user(stack, d, "carol") is None and must_user(stack, d, "dave")["active"] is True
    assert user_memberships(stack, d, "alice") == {"Engineering": [via_group(a, "Engineering")]}

    rules_set(stack, app, "--create-users", "on", "--follow-active", "on", "--group-mode", "manual",
              "--map-group", "Engineering=jira-users", "--default-group-all", "staff")
    before = snapshot(stack, d)
    assert dir_user(stack, d, "carol") is None, "rules set does not re-derive"

    dry = sync(stack, app, "--dry-run").stdout
    lines = change_lines(dry, app)
    expected = {
        f"{a}: user created: carol",
        f"{a}: user deactivated: dave",
        f"{a}: group created: jira-users",
        f"{a}: membership added: alice in jira-users (IdP group Engineering)",
        f"{a}: membership removed: alice from Engineering (IdP group Engineering)",
        f"{a}: membership added: alice in staff (default group)",
        f"{a}: membership added: carol in staff (default group)",
        f"{a}: membership added: dave in staff (default group)",
    }
    assert expected <= set(lines), f"missing: {sorted(expected - set(lines))}\n{dry}"
    assert set(lines) - expected <= {f"{a}: group deleted: Engineering"}, f"unexpected changes\n{dry}"
    assert len(lines) == len(set(lines)), dry
    assert last_lines(dry, 2) == [summary(len(lines)), "dry run: nothing was changed"], dry
    assert snapshot(stack, d) == before, "--dry-run changes nothing"

    applied = sync(stack, app).stdout
    assert sorted(change_lines(applied, app)) == sorted(lines), f"sync applies what --dry-run printed\n{applied}"
    assert last_lines(applied, 1) == [summary(len(lines))] and "dry run" not in applied, applied
    assert must_user(stack, d, "carol")["active"] is True
    assert must_user(stack, d, "dave")["active"] is False
    assert user_memberships(stack, d, "alice") == {"jira-users": [via_group(a, "Engineering")], "staff": [via_default(a)]}
    assert group_members(stack, d, "staff") == {n: ("user", [via_default(a)]) for n in ("alice", "carol", "dave")}

    again = sync(stack, app).stdout
    assert change_lines(again, app) == [] and last_lines(again, 1) == ["no changes"], again

    logged = stack.cli_json("audit", "--app", a)
    syncs = [e for e in logged if e["operation"] == "sync"]
    # One entry per committed batch (users, then groups); the dry run and the empty run leave none.
    assert syncs and all(e["target"] == f"App {a}" and "; directory: " in e["detail"] for e in syncs), syncs
    assert sum(int(e["detail"].split(" ", 1)[0]) for e in syncs) == len(lines), syncs
    rule_changes = [e for e in logged if e["operation"] == "rules.set"]
    assert len(rule_changes) == 3 and json.loads(rule_changes[0]["detail"])["groupSync"]["mode"] == "manual"


def test_sync_json_reports_each_change(stack, uniq):
    app = new_rules_app(stack, uniq, "entra")
    create_user(app.idp, scim_user("alice", "Alice", "Liddell", nickName="Ally"))
    create_user(app.idp, scim_user("bob", "Bob", "Builder", nickName="Bobby"))
    rules_set(stack, app, "--map", "displayName=nickName")

    text = sync(stack, app, "--dry-run").stdout
    assert sorted(change_lines(text, app)) == [f"{app.name}: user updated: alice (displayName)",
                                                f"{app.name}: user updated: bob (displayName)"], text
    want = [{"app": app.name, "change": "userUpdated", "user": u, "fields": ["displayName"]} for u in ("alice", "bob")]
    dry = stack.cli_json("sync", "--app", app.name, "--dry-run")
    assert dry["dryRun"] is True and sorted(dry["changes"], key=lambda c: c["user"]) == want, dry
    assert must_user(stack, app.directory, "alice")["displayName"] == "Alice Liddell", "nothing changed yet"

    done = stack.cli_json("sync", "--app", app.name)
    assert done["dryRun"] is False and sorted(done["changes"], key=lambda c: c["user"]) == want, done
    assert must_user(stack, app.directory, "alice")["displayName"] == "Ally"
    assert must_user(stack, app.directory, "bob")["displayName"] == "Bobby"
    assert stack.cli_json("sync", "--app", app.name) == {"dryRun": False, "changes": []}


def test_rules_set_dry_run_saves_nothing_and_rules_set_does_not_re_derive(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    d, a = app.directory, app.name
    stack.cli("group", "create", "staff", "--directory", d)
    for name in ("alice", "bob"):
        create_user(app.idp, scim_user(name, name.title(), "Example"))
    before = rules_show(stack, app)

    cp = rules_set(stack, app, "--default-group-all", "staff", "--dry-run")
    expected = [f"{a}: membership added: alice in staff (default group)", f"{a}: membership added: bob in staff (default group)"]
    assert sorted(change_lines(cp.stdout, app)) == expected, cp.stdout
    assert "dry run: nothing was changed" in cp.stdout, cp.stdout
    assert rules_show(stack, app) == before, "rules set --dry-run saves nothing"
    assert group_members(stack, d, "staff") == {}

    rules_set(stack, app, "--default-group-all", "staff")
    assert rules_show(stack, app)["groupSync"]["defaultGroupsForAllUsers"] == ["staff"]
    assert group_members(stack, d, "staff") == {}, "saved, not yet applied"
    everything = stack.cli("sync", "--dry-run").stdout
    assert set(expected) <= set(change_lines(everything, app)), "sync without --app covers every app"
    assert sorted(change_lines(sync(stack, app).stdout, app)) == expected
    assert group_members(stack, d, "staff") == {n: ("user", [via_default(a)]) for n in ("alice", "bob")}


def test_sync_with_keep_existing_off_removes_only_the_admins_memberships(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    d, a = app.directory, app.name
    ids = {n: create_user(app.idp, scim_user(n, n.title(), "Example")) for n in ("alice", "bob")}
    create_group(app.idp, "Engineering", ids["alice"])
    stack.cli("user", "create", "lee", "--directory", d)
    stack.cli("group", "create", "wiki", "--directory", d)
    for member in ("alice", "bob", "lee"):
        stack.cli("group", "add-member", "wiki", "--user", member, "--directory", d)

    rules_set(stack, app, "--keep-existing", "off")
    dry = sync(stack, app, "--dry-run").stdout
    expected = sorted([f"{a}: membership removed: alice from wiki (admin)", f"{a}: membership removed: bob from wiki (admin)"])
    assert sorted(change_lines(dry, app)) == expected, \
        f"only the admin's memberships of the app's users; alice stays in Engineering through the IdP group\n{dry}"
    assert group_members(stack, d, "wiki") == {n: ("user", [ADMIN]) for n in ("alice", "bob", "lee")}

    sync(stack, app)
    assert group_members(stack, d, "wiki") == {"lee": ("user", [ADMIN])}
    assert user_memberships(stack, d, "alice") == {"Engineering": [via_group(a, "Engineering")]}
    assert last_lines(sync(stack, app).stdout, 1) == ["no changes"]


def test_audit_retention_deletes_entries_older_than_the_setting(stack, uniq):
    import sqlite3

    app = new_rules_app(stack, uniq)
    old_name, new_name = uniq("old") + "@corp.com", uniq("new") + "@corp.com"
    old_id = create_user(app.idp, scim_user(old_name))
    new_id = create_user(app.idp, scim_user(new_name))
    entries = audit(stack, app)
    assert len(entries) == 2, entries
    # Age the first user's entry as if it had been written 40 days ago (the clock cannot be moved).
    with sqlite3.connect(stack.db, timeout=10) as db:
        aged = db.execute("UPDATE audit SET at = '2020-01-01T00:00:00.000Z' WHERE app_name = ? AND target LIKE ?",
                          (app.name, f"%{old_id}%")).rowcount
    assert aged == 1
    try:
        stack.cli("settings", "set", "audit-retention-days", "30")
        assert stack.cli_json("settings", "show") == {"auditRetentionDays": 30}
        left = audit(stack, app)
        assert [e["target"] for e in left] == [f"User {new_id} ({new_name})"], left
    finally:
        stack.cli("settings", "set", "audit-retention-days", "none")
    assert stack.cli_json("settings", "show") == {"auditRetentionDays": None}, "none clears the setting"
    bad = stack.cli("settings", "set", "audit-retention-days", "0", check=False)
    assert bad.returncode == 1 and "at least 1 day" in bad.stderr


def test_app_set_directory_then_sync_moves_what_the_app_provisioned(stack, uniq):
    from rules_support import delete, dir_usernames, group_names
    app = new_rules_app(stack, uniq)
    rules_set(stack, app, "--on-delete", "delete")   # what it leaves behind goes, rather than stays inactive
    old, new = app.directory, uniq("moved")
    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    create_group(app.idp, "Engineering", alice)
    stack.cli("app", "set-directory", app.name, new, "--create-directory")
    lines = change_lines(sync(stack, app).stdout, app)
    assert f"{app.name}: user created: alice" in lines and f"{app.name}: user deleted: alice" in lines, lines
    assert dir_usernames(stack, new) == ["alice"] and dir_usernames(stack, old) == [], "moved, not copied"
    assert group_names(stack, new) == ["Engineering"] and group_names(stack, old) == [], lines
    assert user_memberships(stack, new, "alice") == {"Engineering": [via_group(app.name, "Engineering")]}
    assert change_lines(sync(stack, app).stdout, app) == []
    delete(app.idp, f"/Users/{alice}")
    assert dir_usernames(stack, new) == [], "the IdP's delete reaches the new directory"


def test_a_user_the_app_deactivated_and_kept_is_its_own_even_when_existing_users_are_refused(stack, uniq):
    from rules_support import delete
    app = new_rules_app(stack, uniq)
    rules_set(stack, app, "--on-delete", "deactivate", "--existing-users", "refuse")
    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    create_group(app.idp, "Engineering", alice)
    delete(app.idp, f"/Users/{alice}")
    kept = must_user(stack, app.directory, "alice")
    assert kept["active"] is False and user_memberships(stack, app.directory, "alice") == {}, \
        "kept inactive, without the memberships the IdP no longer vouches for"
    again = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    assert again != alice
    assert must_user(stack, app.directory, "alice")["active"] is True, "the IdP re-creating it reactivates it"


def test_two_apps_that_know_the_same_person_converge(stack, uniq):
    first = new_rules_app(stack, uniq, "okta")
    second = new_rules_app(stack, uniq, "entra", directory=first.directory)
    rules_set(stack, second, "--existing-users", "adopt")
    create_user(first.idp, scim_user("ada", "Ada", "Lovelace", email="ada@okta.example"))
    create_user(second.idp, scim_user("ada", "Augusta", "King", email="ada@entra.example"))
    user = must_user(stack, first.directory, "ada")
    assert user["email"] == "ada@okta.example" and user["originApp"] == first.name, "the first app owns the fields"
    for app in (first, second, first, second):
        assert change_lines(sync(stack, app).stdout, app) == [], "neither app rewrites the other's user"
    assert must_user(stack, first.directory, "ada")["email"] == "ada@okta.example"


def test_audit_user_finds_refused_requests(stack, uniq):
    app = new_rules_app(stack, uniq)
    rules_set(stack, app, "--username-pattern", "^([^@]+)@.*$", "--username-replacement", "$1")
    create_user(app.idp, scim_user("eve@corp.com", "Eve", "One"))
    app.idp.send("POST", "/Users", scim_user("eve@corp.org", "Eve", "Two"), expect=(409,))
    refused = stack.cli_json("audit", "--app", app.name, "--user", "eve@corp.org")
    assert [(e["operation"], e["outcome"], e["target"]) for e in refused] == [("user.create", "refused", "User (eve@corp.org)")]
    assert "eve" in refused[0]["detail"], refused
