"""User sync rules (SPEC §5, "User sync settings"), scenario by scenario through nginx.

Each test makes a fresh app on a fresh directory, sets its rules with `scimsync rules set`, sends
the requests an IdP sends (Okta: POST, PUT profile push, PATCH {"op":"replace","value":{"active":…}};
Entra ID: "Replace" ops with paths, "False"/"True" strings), and checks what the admin sees:
`scimsync user show NAME --directory D --json`, `scimsync user list --json` and
`scimsync audit --app A --json`. Interface: docs/rules-interface (the lead's notes).
"""

from __future__ import annotations

import pytest

from idp_support import NGINX_ONLY
from rules_support import (ENTERPRISE_SCHEMA, audit, create_user, dir_user, dir_usernames, entra_replace,
                           lookup_user, must_user, new_rules_app, okta_push, okta_set_active, refused_entries,
                           rules_set, rules_show, says, scim_error, scim_user, sync)

pytestmark = NGINX_ONLY

EMPLOYEE_NUMBER = f"{ENTERPRISE_SCHEMA}:employeeNumber"


def fields(user: dict) -> dict:
    return {k: user.get(k) for k in ("name", "email", "displayName", "firstName", "lastName", "active")}


def details(entries: list[dict]) -> str:
    return "\n".join(f"{e['operation']} {e['outcome']} {e['target']} :: {e.get('detail')}" for e in entries)


# ----- createUsers ------------------------------------------------------------------------------------

def test_create_users_on_creates_the_directory_user_with_the_default_mapping(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    # email <- the primary emails value (not the first); displayName as written.
    alice = scim_user("alice", "Alice", "Liddell", display="Alice L.",
                      emails=[{"value": "alice@home.test", "type": "home"},
                              {"value": "alice@corp.test", "type": "work", "primary": True}])
    # No primary: the work email; no displayName: given + family.
    bob = scim_user("bob", "Bob", "Builder", display=None,
                    emails=[{"value": "bob@home.test", "type": "home"}, {"value": "bob@corp.test", "type": "work"}])
    # No emails at all: `mail`.
    carol = scim_user("carol", "Carol", "Danvers", emails=[], mail="carol@mail.test")
    for body in (alice, bob, carol):
        create_user(app.idp, body)

    assert fields(must_user(stack, app.directory, "alice")) == {
        "name": "alice", "email": "alice@corp.test", "displayName": "Alice L.", "firstName": "Alice",
        "lastName": "Liddell", "active": True}
    assert fields(must_user(stack, app.directory, "bob")) == {
        "name": "bob", "email": "bob@corp.test", "displayName": "Bob Builder", "firstName": "Bob",
        "lastName": "Builder", "active": True}
    assert must_user(stack, app.directory, "carol")["email"] == "carol@mail.test", "email falls back to `mail`"
    assert dir_usernames(stack, app.directory) == ["alice", "bob", "carol"], "user list --json shows the three"

    entries = audit(stack, app)
    assert [(e["operation"], e["outcome"]) for e in entries] == [("user.create", "ok")] * 3, details(entries)
    for entry, name in zip(entries, ("alice", "bob", "carol")):
        assert says(entry, "user created", name), \
            f"the audit detail says what the rules did:\n{details(entries)}"


def test_create_users_off_keeps_the_user_in_the_idp_view_only(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--create-users", "off")
    assert rules_show(stack, app)["userSync"]["createUsers"] is False

    uid = create_user(app.idp, scim_user("dora", "Dora", "Explorer"))
    assert app.idp.get(f"/Users/{uid}")["userName"] == "dora", "the IdP reads back its user"
    assert [u["id"] for u in lookup_user(app.idp, "dora")] == [uid], "Okta's existence check finds it"
    assert dir_user(stack, app.directory, "dora") is None, "no directory user is created"
    assert dir_usernames(stack, app.directory) == []

    # A profile push does not create it either (updates only change existing directory users).
    okta_push(app.idp, uid, displayName="Dora E.")
    assert dir_user(stack, app.directory, "dora") is None
    entries = audit(stack, app)
    assert [e["outcome"] for e in entries] == ["ok", "ok"], details(entries)
    assert not any("user created" in (e.get("detail") or "") for e in entries), details(entries)


@pytest.mark.parametrize("policy", ["adopt", "refuse"])
def test_create_users_off_still_applies_existing_users_to_a_local_user(stack, uniq, policy):
    app = new_rules_app(stack, uniq, "okta")
    stack.cli("user", "create", "erin", "--directory", app.directory, "--email", "erin@old.test",
              "--display-name", "Erin Old")
    rules_set(stack, app, "--create-users", "off", "--existing-users", policy)

    body = scim_user("erin", "Erin", "New", email="erin@new.test")
    if policy == "refuse":
        r = app.idp.send("POST", "/Users", body, expect=(409,))
        assert scim_error(app.idp, r).get("scimType") == "uniqueness", app.idp.tail(1)
        user = must_user(stack, app.directory, "erin")
        assert (user["email"], user["displayName"]) == ("erin@old.test", "Erin Old"), "the local user is untouched"
        assert refused_entries(audit(stack, app)), f"a refused audit entry:\n{details(audit(stack, app))}"
        return
    uid = create_user(app.idp, body)
    okta_push(app.idp, uid, displayName="Erin Adopted")
    user = must_user(stack, app.directory, "erin")
    assert user["displayName"] == "Erin Adopted", "the adopted local user is managed by the app"
    assert user["email"] == "erin@new.test"
    assert dir_usernames(stack, app.directory) == ["erin"], "adopted, not duplicated"


# ----- updateUsers ------------------------------------------------------------------------------------

def test_update_users_on_okta_profile_push_updates_the_directory_user(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    uid = create_user(app.idp, scim_user("frank", "Frank", "Castle", email="frank@corp.test"))
    okta_push(app.idp, uid, name={"givenName": "Francis", "familyName": "Castiglione"}, displayName="Francis C.",
              emails=[{"primary": True, "type": "work", "value": "francis@corp.test"}])
    assert fields(must_user(stack, app.directory, "frank")) == {
        "name": "frank", "email": "francis@corp.test", "displayName": "Francis C.", "firstName": "Francis",
        "lastName": "Castiglione", "active": True}
    update = audit(stack, app)[-1]
    assert update["operation"] == "user.update" and update["outcome"] == "ok", update
    assert "user updated" in (update.get("detail") or "") and "frank" in update["detail"], update


def test_update_users_on_entra_patches_update_and_rename_the_directory_user(stack, uniq):
    app = new_rules_app(stack, uniq, "entra")
    uid = create_user(app.idp, scim_user("grace@corp.test", "Grace", "Hopper", email="grace@corp.test"))
    app.idp.patch(f"/Users/{uid}", {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "gh@corp.test"},
                  {"op": "Replace", "path": "name.familyName", "value": "Murray"})
    user = must_user(stack, app.directory, "grace@corp.test")
    assert (user["email"], user["lastName"]) == ("gh@corp.test", "Murray"), fields(user)

    entra_replace(app.idp, uid, "userName", "grace.murray@corp.test")
    assert dir_user(stack, app.directory, "grace@corp.test") is None, "renamed, not copied"
    assert must_user(stack, app.directory, "grace.murray@corp.test")["email"] == "gh@corp.test"
    assert dir_usernames(stack, app.directory) == ["grace.murray@corp.test"]


def test_update_users_off_leaves_the_directory_user_but_not_its_active_flag(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--update-users", "off")
    uid = create_user(app.idp, scim_user("heidi", "Heidi", "Klum", email="heidi@corp.test"))
    before = fields(must_user(stack, app.directory, "heidi"))

    okta_push(app.idp, uid, name={"givenName": "Heidrun", "familyName": "Klum-Samuel"}, displayName="H. K.",
              emails=[{"primary": True, "type": "work", "value": "hk@corp.test"}])
    read = app.idp.get(f"/Users/{uid}")
    assert read["displayName"] == "H. K.", "the IdP view takes the update (the IdP must read back what it wrote)"
    assert fields(must_user(stack, app.directory, "heidi")) == before, "the directory user keeps its fields"

    # A userName change by PATCH does not rename the directory user.
    app.idp.patch(f"/Users/{uid}", {"op": "replace", "path": "userName", "value": "heidi.k"})
    assert app.idp.get(f"/Users/{uid}")["userName"] == "heidi.k"
    assert dir_usernames(stack, app.directory) == ["heidi"], "not renamed"

    # `active` is not one of the fields updateUsers governs: followActive still applies.
    okta_set_active(app.idp, uid, False)
    assert must_user(stack, app.directory, "heidi")["active"] is False, "deactivation follows the IdP"


# ----- followActive / deactivateUsers -----------------------------------------------------------------

@pytest.mark.parametrize("provider", ["okta", "entra"])
def test_follow_active_deactivates_and_reactivates(stack, uniq, provider):
    app = new_rules_app(stack, uniq, provider)
    uid = create_user(app.idp, scim_user("ivan", "Ivan", "Drago"))

    def set_active(flag: bool) -> None:
        if provider == "okta":
            okta_set_active(app.idp, uid, flag)
        else:   # Entra's default job: a capitalised op and a string boolean
            entra_replace(app.idp, uid, "active", "True" if flag else "False")

    set_active(False)
    assert must_user(stack, app.directory, "ivan")["active"] is False
    deactivation = audit(stack, app)[-1]
    assert deactivation["outcome"] == "ok" and says(deactivation, "user deactivated", "ivan"), deactivation
    set_active(True)
    assert must_user(stack, app.directory, "ivan")["active"] is True
    assert says(audit(stack, app)[-1], "user activated", "ivan"), audit(stack, app)[-1]


def test_new_user_is_created_inactive_only_when_follow_active_and_deactivate_users_are_on(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    create_user(app.idp, scim_user("judy", "Judy", "Hopps", active=False))
    assert must_user(stack, app.directory, "judy")["active"] is False, "both on: created inactive"

    rules_set(stack, app, "--deactivate-users", "off")
    create_user(app.idp, scim_user("karl", "Karl", "Marx", active=False))
    assert must_user(stack, app.directory, "karl")["active"] is True, "deactivateUsers off: created active"

    rules_set(stack, app, "--deactivate-users", "on", "--follow-active", "off")
    create_user(app.idp, scim_user("lena", "Lena", "Headey", active=False))
    assert must_user(stack, app.directory, "lena")["active"] is True, "followActive off: created active"


def test_deactivate_users_off_still_activates(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    inactive = create_user(app.idp, scim_user("mona", "Mona", "Lisa", active=False))
    active = create_user(app.idp, scim_user("nina", "Nina", "Simone"))
    assert must_user(stack, app.directory, "mona")["active"] is False

    rules_set(stack, app, "--deactivate-users", "off")
    okta_set_active(app.idp, active, False)
    assert app.idp.get(f"/Users/{active}")["active"] is False, "the IdP view keeps what the IdP wrote"
    assert must_user(stack, app.directory, "nina")["active"] is True, "no deactivation"
    okta_set_active(app.idp, inactive, True)
    assert must_user(stack, app.directory, "mona")["active"] is True, "activation always follows"


def test_follow_active_off_ignores_the_idp_active_flag(stack, uniq):
    app = new_rules_app(stack, uniq, "entra")
    otto = create_user(app.idp, scim_user("otto", "Otto", "Lilienthal", active=False))
    assert must_user(stack, app.directory, "otto")["active"] is False

    rules_set(stack, app, "--follow-active", "off")
    paul = create_user(app.idp, scim_user("paul", "Paul", "Dirac"))
    entra_replace(app.idp, paul, "active", "False")
    assert must_user(stack, app.directory, "paul")["active"] is True, "deactivation ignored"
    entra_replace(app.idp, otto, "active", "True")
    assert app.idp.get(f"/Users/{otto}")["active"] is True
    assert must_user(stack, app.directory, "otto")["active"] is False, "activation ignored"


# ----- onDelete ---------------------------------------------------------------------------------------

def test_on_delete_delete_removes_the_directory_user(stack, uniq):
    app = new_rules_app(stack, uniq, "entra")
    rules_set(stack, app, "--on-delete", "delete")
    assert rules_show(stack, app)["userSync"]["onDelete"] == "delete"
    uid = create_user(app.idp, scim_user("quinn", "Quinn", "Fabray"))
    create_user(app.idp, scim_user("rita", "Rita", "Moreno"))
    app.idp.send("DELETE", f"/Users/{uid}", expect=(204,))
    app.idp.send("GET", f"/Users/{uid}", expect=(404,))
    assert dir_user(stack, app.directory, "quinn") is None
    assert dir_usernames(stack, app.directory) == ["rita"]
    last = audit(stack, app)[-1]
    assert (last["operation"], last["outcome"]) == ("user.delete", "ok"), last
    assert says(last, "user deleted", "quinn"), last


@pytest.mark.parametrize("deactivate_users, kept_active", [("on", False), ("off", True)])
def test_on_delete_deactivate_keeps_the_directory_user(stack, uniq, deactivate_users, kept_active):
    app = new_rules_app(stack, uniq, "entra")
    rules_set(stack, app, "--on-delete", "deactivate", "--deactivate-users", deactivate_users)
    uid = create_user(app.idp, scim_user("sam", "Sam", "Spade", email="sam@corp.test"))
    app.idp.send("DELETE", f"/Users/{uid}", expect=(204,))
    app.idp.send("GET", f"/Users/{uid}", expect=(404,))
    assert lookup_user(app.idp, "sam") == [], "gone from the IdP view"
    user = must_user(stack, app.directory, "sam")
    assert user["active"] is kept_active, f"deactivateUsers {deactivate_users}: active={user['active']}"
    assert user["email"] == "sam@corp.test"


def test_on_delete_delete_keeps_a_user_another_app_still_links(stack, uniq):
    okta = new_rules_app(stack, uniq, "okta")
    entra = new_rules_app(stack, uniq, "entra", directory=okta.directory)
    rules_set(stack, okta, "--on-delete", "delete")
    rules_set(stack, entra, "--on-delete", "delete", "--existing-users", "adopt")
    a = create_user(okta.idp, scim_user("tina", "Tina", "Turner"))
    b = create_user(entra.idp, scim_user("tina", "Tina", "Turner"))   # adopts the okta app's user
    assert dir_usernames(stack, okta.directory) == ["tina"]

    okta.idp.send("DELETE", f"/Users/{a}", expect=(204,))
    assert must_user(stack, okta.directory, "tina")["active"] is True, "the entra app still links it"
    entra.idp.send("DELETE", f"/Users/{b}", expect=(204,))
    assert dir_user(stack, okta.directory, "tina") is None, "the last link gone: deleted"


# ----- attribute mapping ------------------------------------------------------------------------------

def test_attribute_mapping_overrides_with_extension_path_and_fallback(stack, uniq):
    app = new_rules_app(stack, uniq, "entra")
    rules_set(stack, app, "--map", f"username={EMPLOYEE_NUMBER}",
              "--map", "displayName=nickName,displayName",
              "--map", 'email=emails[type eq "work"].value,mail')
    mapping = rules_show(stack, app)["userSync"]["attributeMapping"]
    assert mapping == {"username": {"path": EMPLOYEE_NUMBER},
                       "displayName": {"path": "nickName", "fallback": "displayName"},
                       "email": {"path": 'emails[type eq "work"].value', "fallback": "mail"}}, mapping

    uma = create_user(app.idp, scim_user(
        "uma@corp.test", "Uma", "Thurman", display="Uma Thurman", nickName="Umi",
        emails=[{"value": "uma@home.test", "type": "home", "primary": True}, {"value": "uma@corp.test", "type": "work"}],
        schemas=["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE_SCHEMA],
        **{ENTERPRISE_SCHEMA: {"employeeNumber": "E1001", "department": "Film"}}))
    # No nickName: displayName; no work email: `mail` (the default would take the home one).
    create_user(app.idp, scim_user(
        "vic@corp.test", "Vic", "Vega", display="Vic Vega", emails=[{"value": "vic@home.test", "type": "home"}],
        mail="vic@mail.test", schemas=["urn:ietf:params:scim:schemas:core:2.0:User", ENTERPRISE_SCHEMA],
        **{ENTERPRISE_SCHEMA: {"employeeNumber": "E1002"}}))

    assert dir_usernames(stack, app.directory) == ["E1001", "E1002"], "usernames from the enterprise extension"
    assert fields(must_user(stack, app.directory, "E1001")) == {
        "name": "E1001", "email": "uma@corp.test", "displayName": "Umi", "firstName": "Uma", "lastName": "Thurman",
        "active": True}, "mapped fields, and the defaults for the unmapped ones"
    vic = must_user(stack, app.directory, "E1002")
    assert (vic["displayName"], vic["email"]) == ("Vic Vega", "vic@mail.test"), fields(vic)
    assert app.idp.get(f"/Users/{uma}")["userName"] == "uma@corp.test", "the IdP view keeps its userName"

    entra_replace(app.idp, uma, "nickName", "Uma T.")
    assert must_user(stack, app.directory, "E1001")["displayName"] == "Uma T.", "an update follows the mapping"

    rules_set(stack, app, "--unmap", "displayName")
    assert "displayName" not in rules_show(stack, app)["userSync"]["attributeMapping"]
    sync(stack, app)
    assert must_user(stack, app.directory, "E1001")["displayName"] == "Uma Thurman", "back to the default"


# ----- username transform -----------------------------------------------------------------------------

def test_username_transform_strips_the_domain_and_the_idp_keeps_its_user_name(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--username-pattern", r"^([^@]+)@corp\.com$", "--username-replacement", "$1")
    assert rules_show(stack, app)["userSync"]["usernameTransform"] == {
        "pattern": r"^([^@]+)@corp\.com$", "replacement": "$1"}

    uid = create_user(app.idp, scim_user("walt@corp.com", "Walt", "White"))
    create_user(app.idp, scim_user("xena@partner.org", "Xena", "Warrior"))
    assert dir_usernames(stack, app.directory) == ["walt", "xena@partner.org"], "a name that does not match is kept"
    assert app.idp.get(f"/Users/{uid}")["userName"] == "walt@corp.com", "GET returns what the IdP wrote"
    assert [u["id"] for u in lookup_user(app.idp, "walt@corp.com")] == [uid], "the IdP's lookup still finds it"
    assert lookup_user(app.idp, "walt") == [], "the directory name is not the IdP's userName"
    assert says(audit(stack, app)[0], "user created", "walt"), audit(stack, app)[0]


def test_username_transform_to_an_empty_name_is_refused_400(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--username-pattern", r"^(.*)@corp\.com$", "--username-replacement", "$1")

    r = app.idp.send("POST", "/Users", scim_user("@corp.com", "Nobody", "Atall"), expect=(400,))
    assert scim_error(app.idp, r).get("scimType") == "invalidValue", app.idp.tail(1)
    assert lookup_user(app.idp, "@corp.com") == [], "a refused request leaves nothing in the IdP view"
    assert dir_usernames(stack, app.directory) == []

    # The same through an update: a rename to a name that transforms to "".
    uid = create_user(app.idp, scim_user("yuri@corp.com", "Yuri", "Gagarin"))
    r = app.idp.send("PATCH", f"/Users/{uid}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                                "Operations": [{"op": "replace", "path": "userName",
                                                                "value": "@corp.com"}]}, expect=(400,))
    assert scim_error(app.idp, r).get("scimType") == "invalidValue", app.idp.tail(1)
    assert app.idp.get(f"/Users/{uid}")["userName"] == "yuri@corp.com", "the failed PATCH changed nothing"
    assert dir_usernames(stack, app.directory) == ["yuri"]

    refused = refused_entries(audit(stack, app))
    assert len(refused) == 2, f"both refusals are audited:\n{details(audit(stack, app))}"
    assert all("@corp.com" in (e["target"] + (e.get("detail") or "")) for e in refused), details(refused)


def test_username_transform_collision_within_the_app_is_refused_409(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--username-pattern", r"^([^@]+)@.*$", "--username-replacement", "$1")
    first = create_user(app.idp, scim_user("zoe@corp.com", "Zoe", "Saldana"))

    r = app.idp.send("POST", "/Users", scim_user("zoe@partner.org", "Zoe", "Kravitz"), expect=(409,))
    assert scim_error(app.idp, r).get("scimType") == "uniqueness", app.idp.tail(1)
    assert lookup_user(app.idp, "zoe@partner.org") == []
    other = create_user(app.idp, scim_user("zack@partner.org", "Zack", "Snyder"))
    r = app.idp.send("PUT", f"/Users/{other}", {**app.idp.get(f"/Users/{other}"), "userName": "zoe@elsewhere.net"},
                     expect=(409,))
    assert scim_error(app.idp, r).get("scimType") == "uniqueness", app.idp.tail(1)
    assert app.idp.get(f"/Users/{other}")["userName"] == "zack@partner.org"

    okta_push(app.idp, first, displayName="Zoe S.")
    assert must_user(stack, app.directory, "zoe")["displayName"] == "Zoe S.", "still the first IdP user's"
    assert dir_usernames(stack, app.directory) == ["zack", "zoe"]
    refused = refused_entries(audit(stack, app))
    assert len(refused) == 2, f"both refusals are audited:\n{details(audit(stack, app))}"
    assert "zoe@partner.org" in refused[0]["target"] + (refused[0].get("detail") or ""), details(refused)


# ----- existingUsers ----------------------------------------------------------------------------------

def test_existing_users_adopt_links_a_local_user(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--existing-users", "adopt")
    stack.cli("user", "create", "alex", "--directory", app.directory, "--email", "alex@old.test",
              "--display-name", "Alex Old", "--first-name", "Alex", "--last-name", "Old")
    stack.cli("user", "create", "Blake.Lively", "--directory", app.directory)

    alex = create_user(app.idp, scim_user("alex", "Alex", "New", email="alex@new.test"))
    create_user(app.idp, scim_user("blake.lively", "Blake", "Lively"))   # names are unique ignoring case
    assert [n.lower() for n in dir_usernames(stack, app.directory)] == ["alex", "blake.lively"], "adopted, not copied"

    okta_push(app.idp, alex, displayName="Alex Adopted")
    user = must_user(stack, app.directory, "alex")
    assert (user["displayName"], user["email"], user["lastName"]) == ("Alex Adopted", "alex@new.test", "New"), \
        "the app manages the adopted user"
    okta_set_active(app.idp, alex, False)
    assert must_user(stack, app.directory, "alex")["active"] is False
    assert not refused_entries(audit(stack, app)), audit(stack, app)


def test_existing_users_refuse_a_local_user_and_another_apps_user(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    other = new_rules_app(stack, uniq, "entra", directory=app.directory)
    rules_set(stack, app, "--existing-users", "refuse")
    stack.cli("user", "create", "casey", "--directory", app.directory, "--email", "casey@local.test",
              "--display-name", "Casey Local")
    create_user(other.idp, scim_user("drew", "Drew", "Barrymore", email="drew@entra.test"))

    for name in ("casey", "drew"):
        r = app.idp.send("POST", "/Users", scim_user(name, "X", "Y", email=f"{name}@okta.test"), expect=(409,))
        assert scim_error(app.idp, r).get("scimType") == "uniqueness", app.idp.tail(1)
        assert lookup_user(app.idp, name) == [], app.idp.tail(1)
    casey = must_user(stack, app.directory, "casey")
    assert (casey["email"], casey["displayName"]) == ("casey@local.test", "Casey Local"), "untouched"
    assert must_user(stack, app.directory, "drew")["email"] == "drew@entra.test", "untouched"

    create_user(app.idp, scim_user("eve", "Eve", "Polastri"))
    assert dir_usernames(stack, app.directory) == ["casey", "drew", "eve"], "a free name is created as usual"
    refused = refused_entries(audit(stack, app))
    assert len(refused) == 2, details(audit(stack, app))
    assert {r["operation"] for r in refused} == {"user.create"}, details(refused)
