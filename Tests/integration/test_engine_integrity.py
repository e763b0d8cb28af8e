"""The directory stays consistent whatever the IdPs do (issue 10), through nginx and the admin tool.

- Memberships know the app (and IdP group) that made them: every way an app lets go of a user (IdP
  DELETE, app delete, import --mode replace, a move to another directory) removes exactly that app's
  memberships, also when another app still links the user; app ids are never reused.
- No group contains itself, directly or through others: refused on the IdP path (400 invalidValue
  naming the groups) and on the admin path; the nesting expansion makes no cycle.
- Leavers leave: an IdP deactivation deactivates the directory user even when the rules refuse the
  rest of the write, and the refusal is audited.
- Names: one NFC + case-folded key; a case-only group rename is applied.
"""

from __future__ import annotations

import json
import unicodedata

from idp_support import NGINX_ONLY
from rules_support import (ADMIN, add_members, audit, create_group, create_user, delete, group_members, must_user,
                           new_rules_app, okta_set_active, refused_entries, rename_group, rules_set, scim_error,
                           scim_user, sync, user_memberships, via_default, via_group)

pytestmark = NGINX_ONLY


def two_apps_on_one_directory(stack, uniq):
    first = new_rules_app(stack, uniq, "okta")
    second = new_rules_app(stack, uniq, "entra", directory=first.directory)
    for app in (first, second):
        rules_set(stack, app, "--existing-users", "adopt", "--default-group-all", f"{app.name}-all")
    return first, second


def shared_alice(stack, uniq):
    """alice provisioned by two apps, each giving her its IdP group and its default group."""
    first, second = two_apps_on_one_directory(stack, uniq)
    ids = {}
    for app, group in ((first, "Engineering"), (second, "Contractors")):
        ids[app.name] = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
        create_group(app.idp, group, ids[app.name])
    expected = {"Engineering": [via_group(first.name, "Engineering")], f"{first.name}-all": [via_default(first.name)],
                "Contractors": [via_group(second.name, "Contractors")], f"{second.name}-all": [via_default(second.name)]}
    assert user_memberships(stack, first.directory, "alice") == expected
    return first, second, ids


def second_apps_memberships(second) -> dict:
    return {"Contractors": [via_group(second.name, "Contractors")], f"{second.name}-all": [via_default(second.name)]}


# ----- memberships know their app ------------------------------------------------------------------

def test_an_idp_delete_of_a_shared_user_removes_exactly_that_apps_memberships(stack, uniq):
    first, second, ids = shared_alice(stack, uniq)
    delete(first.idp, f"/Users/{ids[first.name]}")
    assert user_memberships(stack, first.directory, "alice") == second_apps_memberships(second)
    assert must_user(stack, first.directory, "alice")["active"] is True, "the other app still vouches for her"


def test_deleting_an_app_removes_its_memberships_and_its_id_is_not_reused(stack, uniq):
    first, second, _ = shared_alice(stack, uniq)
    stack.cli("group", "create", "Admins", "--directory", first.directory)
    stack.cli("group", "add-member", "Admins", "--user", "alice", "--directory", first.directory)
    stack.cli("app", "delete", first.name)
    assert user_memberships(stack, first.directory, "alice") == {**second_apps_memberships(second), "Admins": [ADMIN]}

    # A new app of the same name starts with nothing of the old one's.
    again = new_rules_app(stack, lambda _: first.name, "okta", directory=first.directory)
    rules_set(stack, again, "--existing-users", "adopt")
    create_user(again.idp, scim_user("alice", "Alice", "Liddell"))
    assert user_memberships(stack, first.directory, "alice") == {**second_apps_memberships(second), "Admins": [ADMIN]}


def test_an_import_that_replaces_removes_the_dropped_apps_memberships(stack, uniq, tmp_path):
    first, second, _ = shared_alice(stack, uniq)
    document = json.loads(stack.cli("export").stdout)
    document["apps"] = [a for a in document["apps"] if a["name"] != first.name]
    path = tmp_path / "without-first.json"
    path.write_text(json.dumps(document))
    path.chmod(0o644)
    stack.cli("import", str(path), "--mode", "replace")
    assert user_memberships(stack, first.directory, "alice") == second_apps_memberships(second)


def test_moving_an_app_to_another_directory_removes_its_memberships_in_the_old_one(stack, uniq):
    first, second, _ = shared_alice(stack, uniq)
    elsewhere = uniq("dir")
    stack.cli("app", "set-directory", first.name, elsewhere, "--create-directory")
    sync(stack, first)
    assert user_memberships(stack, first.directory, "alice") == second_apps_memberships(second)
    assert user_memberships(stack, elsewhere, "alice") == {
        "Engineering": [via_group(first.name, "Engineering")], f"{first.name}-all": [via_default(first.name)]}


# ----- no cycles -------------------------------------------------------------------------------------

def test_an_idp_group_cycle_is_refused_naming_the_groups(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    a = create_group(app.idp, "A")
    b = create_group(app.idp, "B")
    c = create_group(app.idp, "C")
    add_members(app.idp, a, b, member_type="Group")
    add_members(app.idp, b, c, member_type="Group")
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": a, "type": "Group"}]}]}
    error = scim_error(app.idp, app.idp.send("PATCH", f"/Groups/{c}", body, expect=(400,)))
    assert error["scimType"] == "invalidValue"
    assert "'C'" in error["detail"] and "'A'" in error["detail"] and "itself" in error["detail"], error
    assert [m["value"] for m in app.idp.get(f"/Groups/{c}").get("members", [])] == [], "nothing stored"
    assert group_members(stack, app.directory, "B") == {"C": ("group", [via_group(app.name, "B")])}
    assert group_members(stack, app.directory, "C") == {}


def test_mappings_that_would_nest_two_groups_in_each_other_are_refused(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--group-mode", "manual", "--map-group", "P=X", "--map-group", "C=Y",
              "--map-group", "Q=Y", "--map-group", "D=X")
    p, c = create_group(app.idp, "P"), create_group(app.idp, "C")
    add_members(app.idp, p, c, member_type="Group")           # X contains Y
    q, d = create_group(app.idp, "Q"), create_group(app.idp, "D")
    body = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members", "value": [{"value": d, "type": "Group"}]}]}
    error = scim_error(app.idp, app.idp.send("PATCH", f"/Groups/{q}", body, expect=(400,)))
    assert "'X'" in error["detail"] and "'Y'" in error["detail"], error   # Y would contain X
    assert group_members(stack, app.directory, "X") == {"Y": ("group", [via_group(app.name, "P")])}
    assert group_members(stack, app.directory, "Y") == {}


def test_two_idp_groups_filling_the_same_directory_groups_nest_no_cycle(stack, uniq):
    """P→[X,Y], C→[X,Y], C∈P: C's members are in X and Y already; nesting Y in X and X in Y would
    only make each group hold the other's access."""
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--group-mode", "manual", "--map-group", "P=X,Y", "--map-group", "C=X,Y")
    alice = create_user(app.idp, scim_user("alice"))
    p, c = create_group(app.idp, "P"), create_group(app.idp, "C", alice)
    add_members(app.idp, p, c, member_type="Group")
    assert group_members(stack, app.directory, "X") == {"alice": ("user", [via_group(app.name, "C")])}
    assert group_members(stack, app.directory, "Y") == {"alice": ("user", [via_group(app.name, "C")])}


def test_the_admin_cannot_make_a_cycle(stack, uniq):
    directory = uniq("dir")
    stack.cli("directory", "create", directory)
    for name in ("A", "B", "C"):
        stack.cli("group", "create", name, "--directory", directory)
    stack.cli("group", "add-member", "A", "--group", "B", "--directory", directory)
    stack.cli("group", "add-member", "B", "--group", "C", "--directory", directory)
    cp = stack.cli("group", "add-member", "C", "--group", "A", "--directory", directory, check=False)
    assert cp.returncode != 0 and "group 'A' already contains group 'C'" in cp.stderr, cp
    assert group_members(stack, directory, "C") == {}


# ----- leavers leave ---------------------------------------------------------------------------------

def test_a_leaver_is_deactivated_even_when_the_rules_refuse_the_rest(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    create_user(app.idp, scim_user("alice", external_id="alice"))
    bob = create_user(app.idp, scim_user("bob", external_id="alice"))
    # From now on bob's directory name would be alice's: every change to bob is refused.
    rules_set(stack, app, "--map", "username=externalId")
    assert "user refused: bob" in sync(stack, app).stdout
    okta_set_active(app.idp, bob, False)
    assert must_user(stack, app.directory, "bob")["active"] is False, "the leaver lost access"
    assert must_user(stack, app.directory, "alice")["active"] is True
    last = audit(stack, app)[-1]
    assert last["outcome"] == "ok", last
    assert "user deactivated: bob" in last["detail"] and "user refused: bob" in last["detail"], last


# ----- names -----------------------------------------------------------------------------------------

def test_nfc_and_nfd_spellings_are_one_user(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    nfc = unicodedata.normalize("NFC", "José")
    nfd = unicodedata.normalize("NFD", "José")
    assert nfc != nfd
    create_user(app.idp, scim_user(nfc))
    error = scim_error(app.idp, app.idp.send("POST", "/Users", scim_user(nfd.upper()), expect=(409,)))
    assert error["scimType"] == "uniqueness"
    assert must_user(stack, app.directory, nfd)["name"] == nfc


def test_a_case_only_group_rename_is_applied(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    alice = create_user(app.idp, scim_user("alice"))
    gid = create_group(app.idp, "Eng", alice)
    rename_group(app.idp, gid, "ENG")
    assert "ENG" in [m["group"] for m in must_user(stack, app.directory, "alice")["memberships"]]
    assert group_members(stack, app.directory, "ENG") == {"alice": ("user", [via_group(app.name, "ENG")])}
    assert any("group renamed: Eng to ENG" in (e.get("detail") or "") for e in audit(stack, app))
    assert not refused_entries(audit(stack, app))


# ----- the audit records every change ---------------------------------------------------------------

def test_the_audit_records_every_directory_change_of_a_write(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    users = [create_user(app.idp, scim_user(f"user{i}")) for i in range(7)]
    create_group(app.idp, "Everyone7", *users)
    entry = next(e for e in stack.cli_json("audit", "--app", app.name) if e["operation"] == "group.create")
    assert "and 3 more" in entry["detail"], entry["detail"]
    changes = entry["changes"]
    assert [c["change"] for c in changes] == ["groupCreated"] + ["membershipAdded"] * 7, changes
    assert sorted(c["member"] for c in changes[1:]) == [f"user{i}" for i in range(7)]
    assert {c["group"] for c in changes} == {"Everyone7"} and {c["app"] for c in changes} == {app.name}
    assert all(c["origin"] == "IdP group Everyone7" and c["memberKind"] == "user" for c in changes[1:]), changes


# ----- scimsync doctor -------------------------------------------------------------------------------

def test_doctor_reports_repairs_and_names_what_needs_the_admin(stack, uniq):
    import sqlite3
    directory = uniq("dir")
    stack.cli("directory", "create", directory)
    for name in ("A", "B"):
        stack.cli("group", "create", name, "--directory", directory)
    stack.cli("group", "add-member", "A", "--group", "B", "--directory", directory)
    con = sqlite3.connect(stack.db)
    ids = dict(con.execute("SELECT name, id FROM dir_group WHERE directory_id = (SELECT id FROM directory WHERE name = ?)",
                           (directory,)).fetchall())
    with con:   # what an older schema let through: B contains A, and a member that is gone
        con.execute("INSERT INTO dir_membership (group_id, member_kind, member_id, rule) VALUES (?, 'group', ?, 'admin')",
                    (ids["B"], ids["A"]))
        con.execute("INSERT INTO dir_membership (group_id, member_kind, member_id, rule) VALUES (?, 'user', 987654, 'admin')",
                    (ids["A"],))
    con.close()

    cp = stack.cli("doctor", check=False)
    assert cp.returncode == 1, cp
    assert "orphanMemberships: 1 (to fix: run scimsync doctor --repair to remove them)" in cp.stdout, cp.stdout
    assert "groups 'A' ⊃ 'B' ⊃ 'A'" in cp.stdout and "problems remain" in cp.stdout, cp.stdout

    cp = stack.cli("doctor", "--repair", "--json", check=False)
    assert cp.returncode == 1, cp
    report = json.loads(cp.stdout)
    assert {f["check"]: f["repaired"] for f in report["findings"]} == {"orphanMemberships": True, "groupCycles": False}
    assert group_members(stack, directory, "A") == {"B": ("group", [ADMIN])}

    stack.cli("group", "remove-member", "B", "--group", "A", "--directory", directory)
    assert "no problems found" in stack.cli("doctor").stdout


# ----- a dry run is the real run ---------------------------------------------------------------------

def test_a_dry_run_over_apps_sharing_a_directory_is_the_real_run(stack, uniq):
    """The first app's rename frees the name the second app's user then takes: a dry run that
    previewed each app alone (rolling back the first before the second) refused the second."""
    tag = uniq("t")
    first = new_rules_app(stack, lambda _: f"a-{tag}", "okta")
    second = new_rules_app(stack, lambda _: f"b-{tag}", "entra", directory=first.directory)
    create_user(first.idp, scim_user("carol"))
    rules_set(stack, second, "--username-pattern", "^carol$", "--username-replacement", "carol2")
    create_user(second.idp, scim_user("carol", "Carol", "Two"))
    rules_set(stack, first, "--username-pattern", "^carol$", "--username-replacement", "carol.old")
    rules_set(stack, second, "--no-username-transform")

    preview = json.loads(stack.cli("sync", "--dry-run", "--json").stdout)
    before = stack.cli_json("audit", "--limit", "1")
    done = json.loads(stack.cli("sync", "--json").stdout)
    assert preview["dryRun"] is True and done["dryRun"] is False
    mine = lambda doc: [c for c in doc["changes"] if c["app"] in (first.name, second.name)]  # noqa: E731
    assert mine(preview) == mine(done), (mine(preview), mine(done))
    assert {"app": second.name, "change": "userUpdated", "user": "carol", "fields": ["username"]}.items() <= \
        next(c for c in mine(done) if c["app"] == second.name).items(), mine(done)
    assert before != stack.cli_json("audit", "--limit", "1"), "the real run is audited"
    assert must_user(stack, first.directory, "carol")["lastName"] == "Two"
    assert must_user(stack, first.directory, "carol.old")["firstName"] == "Ada"
