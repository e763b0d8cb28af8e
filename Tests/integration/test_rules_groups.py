"""Group sync rules (SPEC §5, "Group sync settings"), scenario by scenario through nginx.

Each test makes a fresh app on a fresh directory, sets its rules with `scimsync rules set`, pushes
groups the way the IdPs do (POST /Groups with members; PATCH add "members"; Okta's remove
members[value eq "…"] and path-less rename; Entra's "Remove" with a value array) and checks the
directory with `scimsync group members G --directory D --json`, `scimsync user show U --directory D
--json` (memberships with their origins), `scimsync group list` and `scimsync audit`.
"""

from __future__ import annotations

from idp_support import NGINX_ONLY
from rules_support import (ADMIN, add_members, audit, create_group, create_user, delete, group_members, group_names,
                           new_rules_app, okta_push, remove_member, rename_group, rules_set, rules_show, says,
                           scim_user, sync, user_memberships, via_default, via_default_new, via_group)

pytestmark = NGINX_ONLY


def user(name: str, *origins: str) -> tuple[str, list[str]]:
    return ("user", sorted(origins))


# ----- on-the-fly -------------------------------------------------------------------------------------

def test_on_the_fly_membership_follows_the_idp_group(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    assert rules_show(stack, app)["groupSync"]["mode"] == "onTheFly", "the default mode"
    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    bob = create_user(app.idp, scim_user("bob", "Bob", "Builder"))

    gid = create_group(app.idp, "Engineering", alice)
    eng = via_group(app.name, "Engineering")
    assert group_members(stack, app.directory, "Engineering") == {"alice": user("alice", eng)}, "created with its member"
    assert user_memberships(stack, app.directory, "alice") == {"Engineering": [eng]}

    add_members(app.idp, gid, bob)
    assert group_members(stack, app.directory, "Engineering") == {"alice": user("alice", eng), "bob": user("bob", eng)}
    remove_member(app.idp, gid, alice)
    assert group_members(stack, app.directory, "Engineering") == {"bob": user("bob", eng)}
    assert user_memberships(stack, app.directory, "alice") == {}

    # Renamed in the IdP: the members move to the new name; the old group (the app's, now empty) goes.
    rename_group(app.idp, gid, "Platform")
    assert group_members(stack, app.directory, "Platform") == {"bob": user("bob", via_group(app.name, "Platform"))}
    assert group_names(stack, app.directory) == ["Platform"], "the emptied group the app created is removed"

    delete(app.idp, f"/Groups/{gid}")
    assert group_names(stack, app.directory) == [], "the IdP group is deleted and the directory group is empty"
    assert user_memberships(stack, app.directory, "bob") == {}

    entries = audit(stack, app)
    created = [e for e in entries if e["operation"] == "group.create"]
    assert len(created) == 1 and created[0]["outcome"] == "ok", entries
    assert says(created[0], "membership added", "alice in Engineering"), created[0]


def test_on_the_fly_group_filter_and_name_transform(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--allow-group", "^team-", "--deny-group", "(?i)-test$",
              "--group-pattern", "^team-(.*)$", "--group-replacement", "jira-$1")
    group_sync = rules_show(stack, app)["groupSync"]
    assert group_sync["filter"] == {"allow": ["^team-"], "deny": ["(?i)-test$"]}, group_sync
    assert group_sync["nameTransform"] == {"pattern": "^team-(.*)$", "replacement": "jira-$1"}, group_sync

    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    create_group(app.idp, "team-web", alice)
    sales = create_group(app.idp, "sales", alice)            # not allowed
    create_group(app.idp, "team-web-TEST", alice)            # denied, (?i)
    create_group(app.idp, "Team-ops", alice)                 # allow is case-sensitive
    assert group_names(stack, app.directory) == ["jira-web"]
    assert user_memberships(stack, app.directory, "alice") == {"jira-web": [via_group(app.name, "team-web")]}

    read = app.idp.get(f"/Groups/{sales}")
    assert [m["value"] for m in read.get("members", [])] == [alice], "a filtered group stays in the IdP view"

    # Renamed so that it passes the filter: now it makes its directory changes.
    rename_group(app.idp, sales, "team-sales")
    assert group_members(stack, app.directory, "jira-sales") == {"alice": user("alice", via_group(app.name, "team-sales"))}
    assert group_names(stack, app.directory) == ["jira-sales", "jira-web"]


# ----- manual mapping ---------------------------------------------------------------------------------

def test_manual_mapping_without_importing_unmapped_groups(stack, uniq):
    app = new_rules_app(stack, uniq, "entra")
    rules_set(stack, app, "--group-mode", "manual", "--map-group", "Engineering=jira-users,devs")
    group_sync = rules_show(stack, app)["groupSync"]
    assert (group_sync["mode"], group_sync["mappings"], group_sync["importUnmappedGroups"]) == (
        "manual", [{"idpGroup": "Engineering", "directoryGroups": ["jira-users", "devs"]}], False), group_sync

    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    bob = create_user(app.idp, scim_user("bob", "Bob", "Builder"))
    eng = create_group(app.idp, "Engineering", alice)
    add_members(app.idp, eng, bob)
    create_group(app.idp, "Sales", alice)

    origin = via_group(app.name, "Engineering")
    assert group_names(stack, app.directory) == ["devs", "jira-users"], "no directory group for Engineering or Sales"
    assert user_memberships(stack, app.directory, "alice") == {"jira-users": [origin], "devs": [origin]}
    assert group_members(stack, app.directory, "devs") == {"alice": user("alice", origin), "bob": user("bob", origin)}

    remove_member(app.idp, eng, alice)   # Entra's default job: "Remove" with a value array
    assert user_memberships(stack, app.directory, "alice") == {}, "exactly the memberships the IdP group produced go"
    assert user_memberships(stack, app.directory, "bob") == {"jira-users": [origin], "devs": [origin]}


def test_manual_mapping_importing_unmapped_groups_under_their_transformed_name(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--group-mode", "manual", "--map-group", "Engineering=jira-users", "--import-unmapped", "on",
              "--group-pattern", "^(.*)$", "--group-replacement", "idp-$1")
    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    create_group(app.idp, "Engineering", alice)
    sales = create_group(app.idp, "Sales", alice)

    assert group_names(stack, app.directory) == ["idp-Sales", "jira-users"], "mapped names are used as they are"
    assert user_memberships(stack, app.directory, "alice") == {
        "jira-users": [via_group(app.name, "Engineering")], "idp-Sales": [via_group(app.name, "Sales")]}

    delete(app.idp, f"/Groups/{sales}")
    assert group_names(stack, app.directory) == ["jira-users"], "the imported group goes with its IdP group"
    assert user_memberships(stack, app.directory, "alice") == {"jira-users": [via_group(app.name, "Engineering")]}


def test_manual_mapping_replacing_and_removing_a_row(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--group-mode", "manual", "--map-group", "Engineering=jira-users,devs",
              "--map-group", "Sales=crm-users")
    rules_set(stack, app, "--map-group", "Engineering=confluence-users")
    rows = sorted(rules_show(stack, app)["groupSync"]["mappings"], key=lambda row: row["idpGroup"])
    assert rows == [{"idpGroup": "Engineering", "directoryGroups": ["confluence-users"]},
                    {"idpGroup": "Sales", "directoryGroups": ["crm-users"]}], "--map-group replaces that IdP group's row"
    rules_set(stack, app, "--unmap-group", "Sales")
    assert rules_show(stack, app)["groupSync"]["mappings"] == [
        {"idpGroup": "Engineering", "directoryGroups": ["confluence-users"]}]

    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    create_group(app.idp, "Engineering", alice)
    create_group(app.idp, "Sales", alice)
    assert user_memberships(stack, app.directory, "alice") == {"confluence-users": [via_group(app.name, "Engineering")]}


# ----- keepExistingMemberships ------------------------------------------------------------------------

def test_keep_existing_memberships_on_keeps_the_admins_memberships(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    assert rules_show(stack, app)["groupSync"]["keepExistingMemberships"] is True, "the default"
    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    create_group(app.idp, "Engineering", alice)
    stack.cli("group", "create", "wiki", "--directory", app.directory)
    stack.cli("group", "add-member", "wiki", "--user", "alice", "--directory", app.directory)

    okta_push(app.idp, alice, displayName="Alice P. Liddell")
    assert user_memberships(stack, app.directory, "alice") == {
        "wiki": [ADMIN], "Engineering": [via_group(app.name, "Engineering")]}


def test_keep_existing_memberships_off_removes_admin_memberships_but_not_other_apps(stack, uniq):
    okta = new_rules_app(stack, uniq, "okta")
    entra = new_rules_app(stack, uniq, "entra", directory=okta.directory)
    d = okta.directory
    rules_set(stack, okta, "--keep-existing", "off")
    rules_set(stack, entra, "--existing-users", "adopt")   # so that both apps manage alice
    a = create_user(okta.idp, scim_user("alice", "Alice", "Liddell"))
    b = create_user(entra.idp, scim_user("alice", "Alice", "Liddell"))   # both apps manage alice
    create_group(entra.idp, "Ops", b)
    create_group(okta.idp, "Engineering", a)
    stack.cli("user", "create", "lee", "--directory", d)
    stack.cli("group", "create", "wiki", "--directory", d)
    for group, member in (("wiki", "alice"), ("wiki", "lee"), ("Ops", "alice"), ("Engineering", "alice")):
        stack.cli("group", "add-member", group, "--user", member, "--directory", d)
    ops, eng = via_group(entra.name, "Ops"), via_group(okta.name, "Engineering")
    assert user_memberships(stack, d, "alice") == {
        "wiki": [ADMIN], "Ops": sorted([ADMIN, ops]), "Engineering": sorted([ADMIN, eng])}

    okta_push(okta.idp, a, displayName="Alice P. Liddell")   # the okta app syncs alice
    assert user_memberships(stack, d, "alice") == {"Ops": [ops], "Engineering": [eng]}, \
        "the admin's memberships go; the other app's and the app's own stay"
    assert group_members(stack, d, "wiki") == {"lee": user("lee", ADMIN)}, "a user the app does not manage is untouched"


# ----- default groups ---------------------------------------------------------------------------------

def test_default_groups_for_new_users_are_joined_once_at_creation(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    for g in ("welcome", "later"):
        stack.cli("group", "create", g, "--directory", app.directory)
    stack.cli("user", "create", "bob", "--directory", app.directory)
    rules_set(stack, app, "--default-group-new", "welcome", "--existing-users", "adopt")

    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    create_user(app.idp, scim_user("bob", "Bob", "Builder"))   # adopted, not created by the app
    new = via_default_new(app.name)
    assert user_memberships(stack, app.directory, "alice") == {"welcome": [new]}
    assert user_memberships(stack, app.directory, "bob") == {}, "an adopted user was not created by the app"

    okta_push(app.idp, alice, displayName="Alice P.")
    assert group_members(stack, app.directory, "welcome") == {"alice": user("alice", new)}, "joined once"

    rules_set(stack, app, "--default-group-new", "later")
    assert rules_show(stack, app)["groupSync"]["defaultGroupsForNewUsers"] == ["welcome", "later"], "repeatable, adds"
    okta_push(app.idp, alice, displayName="Alice Q.")
    out = sync(stack, app).stdout
    assert "alice in later" not in out, out
    assert user_memberships(stack, app.directory, "alice") == {"welcome": [new]}, "only at creation"

    create_user(app.idp, scim_user("carol", "Carol", "Danvers"))
    assert user_memberships(stack, app.directory, "carol") == {"welcome": [new], "later": [new]}


def test_default_group_for_new_users_removed_by_the_admin_is_not_re_added(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    stack.cli("group", "create", "welcome", "--directory", app.directory)
    rules_set(stack, app, "--default-group-new", "welcome")
    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    assert user_memberships(stack, app.directory, "alice") == {"welcome": [via_default_new(app.name)]}

    stack.cli("group", "remove-member", "welcome", "--user", "alice", "--directory", app.directory)
    assert user_memberships(stack, app.directory, "alice") == {}, "the admin removed it"
    okta_push(app.idp, alice, displayName="Alice P.")
    sync(stack, app)
    assert user_memberships(stack, app.directory, "alice") == {}, "never re-added"


def test_default_groups_for_all_users_are_always_present(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    stack.cli("group", "create", "staff", "--directory", app.directory)
    stack.cli("user", "create", "bob", "--directory", app.directory)
    rules_set(stack, app, "--default-group-all", "staff", "--existing-users", "adopt")
    assert rules_show(stack, app)["groupSync"]["defaultGroupsForAllUsers"] == ["staff"]

    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    create_user(app.idp, scim_user("bob", "Bob", "Builder"))   # adopted: managed, so in staff too
    every = via_default(app.name)
    assert group_members(stack, app.directory, "staff") == {"alice": user("alice", every), "bob": user("bob", every)}

    stack.cli("group", "add-member", "staff", "--user", "alice", "--directory", app.directory)
    assert user_memberships(stack, app.directory, "alice") == {"staff": sorted([ADMIN, every])}
    stack.cli("group", "remove-member", "staff", "--user", "alice", "--directory", app.directory)
    assert user_memberships(stack, app.directory, "alice") == {"staff": [every]}, "the admin origin only goes"
    okta_push(app.idp, alice, displayName="Alice P.")
    assert user_memberships(stack, app.directory, "alice") == {"staff": [every]}

    rules_set(stack, app, "--clear-default-groups")
    group_sync = rules_show(stack, app)["groupSync"]
    assert (group_sync["defaultGroupsForAllUsers"], group_sync["defaultGroupsForNewUsers"]) == ([], [])


# ----- nested groups and several apps -----------------------------------------------------------------

def test_nested_idp_groups_become_group_in_group_memberships(stack, uniq):
    app = new_rules_app(stack, uniq, "generic")
    alice = create_user(app.idp, scim_user("alice", "Alice", "Liddell"))
    child = create_group(app.idp, "backend", alice)
    parent = create_group(app.idp, "engineering")
    add_members(app.idp, parent, child, member_type="Group")

    assert group_members(stack, app.directory, "engineering") == {
        "backend": ("group", [via_group(app.name, "engineering")])}
    assert group_members(stack, app.directory, "backend") == {"alice": user("alice", via_group(app.name, "backend"))}
    assert user_memberships(stack, app.directory, "alice") == {"backend": [via_group(app.name, "backend")]}, \
        "direct memberships only"

    remove_member(app.idp, parent, child)
    assert group_members(stack, app.directory, "engineering") == {}
    assert group_names(stack, app.directory) == ["backend", "engineering"], "the IdP groups still exist"


def test_two_apps_on_one_directory_do_not_undo_each_others_memberships(stack, uniq):
    okta = new_rules_app(stack, uniq, "okta")
    entra = new_rules_app(stack, uniq, "entra", directory=okta.directory)
    d = okta.directory
    rules_set(stack, entra, "--existing-users", "adopt")   # both IdPs know alice: one directory user
    alice_o = create_user(okta.idp, scim_user("alice", "Alice", "Liddell"))
    bob_o = create_user(okta.idp, scim_user("bob", "Bob", "Builder"))
    alice_e = create_user(entra.idp, scim_user("alice", "Alice", "Liddell"))
    g_o = create_group(okta.idp, "Engineering", alice_o, bob_o)
    g_e = create_group(entra.idp, "Engineering", alice_e)
    by_o, by_e = via_group(okta.name, "Engineering"), via_group(entra.name, "Engineering")
    assert group_members(stack, d, "Engineering") == {"alice": user("alice", by_o, by_e), "bob": user("bob", by_o)}

    remove_member(okta.idp, g_o, alice_o)
    assert group_members(stack, d, "Engineering") == {"alice": user("alice", by_e), "bob": user("bob", by_o)}, \
        "the okta app removes only what it produced"
    okta_push(okta.idp, alice_o, displayName="Alice P.")
    delete(okta.idp, f"/Groups/{g_o}")
    assert group_members(stack, d, "Engineering") == {"alice": user("alice", by_e)}, "the entra membership stays"

    add_members(okta.idp, create_group(okta.idp, "Ops"), alice_o)
    remove_member(entra.idp, g_e, alice_e)
    assert not group_members(stack, d, "Engineering"), "no member left (the group itself may stay or go)"
    assert user_memberships(stack, d, "alice") == {"Ops": [via_group(okta.name, "Ops")]}, \
        "the entra app leaves the okta app's memberships alone"
