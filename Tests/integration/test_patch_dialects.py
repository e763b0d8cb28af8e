"""PATCH by provider profile, through nginx: the `generic` profile gets RFC 7644 §3.5.2 as written,
and each dialect deviation only the profile whose IdP sends it (docs/IDP-COMPATIBILITY.md, "PATCH
dialects"). A refused request changes nothing. Group members read back exactly as written (a
`display` only if the client wrote one), while the directory view names them for the admin."""

from __future__ import annotations

import pytest

from idp_support import ENTERPRISE_SCHEMA, NGINX_ONLY
from rules_support import create_user, group_members, new_rules_app, scim_error, scim_user

pytestmark = NGINX_ONLY

WORK_EMAIL = 'emails[type eq "work"].value'


def home_only_user(app, uniq) -> str:
    body = scim_user(uniq("pat") + "@corp.test", "Pat", "Doe")
    body["emails"] = [{"value": "pat@home.test", "type": "home"}]
    return create_user(app.idp, body)


def refused(app, r, scim_type: str) -> dict:
    body = scim_error(app.idp, r)
    assert r.status_code == 400 and body.get("scimType") == scim_type, app.idp.tail(1)
    return body


@pytest.mark.parametrize("op", ["replace", "add"])
def test_a_value_filter_matching_nothing_is_no_target_for_generic(stack, uniq, op):
    app = new_rules_app(stack, uniq, "generic")
    uid = home_only_user(app, uniq)
    before = app.idp.get(f"/Users/{uid}")
    r = app.idp.send("PATCH", f"/Users/{uid}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                                "Operations": [{"op": op, "path": WORK_EMAIL, "value": "pat@work.test"}]},
                     expect=(400,))
    refused(app, r, "noTarget")
    assert app.idp.get(f"/Users/{uid}") == before, "a refused PATCH changes nothing"


def test_entra_creates_the_work_email_on_absent_then_replaces_it(stack, uniq):
    app = new_rules_app(stack, uniq, "entra")
    uid = home_only_user(app, uniq)
    app.idp.patch(f"/Users/{uid}", {"op": "Replace", "path": WORK_EMAIL, "value": "pat@work.test"})
    emails = app.idp.get(f"/Users/{uid}")["emails"]
    assert {"type": "work", "value": "pat@work.test"} in emails and len(emails) == 2, emails
    app.idp.patch(f"/Users/{uid}", {"op": "Replace", "path": WORK_EMAIL, "value": "pat2@work.test"})
    emails = app.idp.get(f"/Users/{uid}")["emails"]
    assert [e["value"] for e in emails if e.get("type") == "work"] == ["pat2@work.test"], emails


# (deviation, the operation Entra sends, scimType generic answers, check of the Entra result)
ENTRA_ONLY = [
    ("capitalised op name", {"op": "Replace", "path": "title", "value": "Boss"}, "invalidSyntax",
     lambda user: user.get("title") == "Boss"),
    ("boolean string", {"op": "replace", "path": "active", "value": "False"}, "invalidValue",
     lambda user: user.get("active") is False),
    ("bare manager id", {"op": "add", "path": f"{ENTERPRISE_SCHEMA}:manager", "value": "boss-1"}, "invalidValue",
     lambda user: user.get(ENTERPRISE_SCHEMA, {}).get("manager") == {"value": "boss-1"}),
    ("path-less value keyed by a dotted path", {"op": "replace", "value": {"name.givenName": "Patricia"}}, "invalidValue",
     lambda user: user["name"]["givenName"] == "Patricia"),
    ("path-less value keyed by a URN-qualified attribute",
     {"op": "replace", "value": {f"{ENTERPRISE_SCHEMA}:department": "Ops"}}, "invalidValue",
     lambda user: user.get(ENTERPRISE_SCHEMA, {}).get("department") == "Ops"),
    ("remove with a value list", {"op": "remove", "path": "emails", "value": [{"value": "pat@home.test"}]},
     "invalidSyntax", lambda user: "emails" not in user),
]


@pytest.mark.parametrize("deviation,operation,scim_type,holds", ENTRA_ONLY, ids=[d[0] for d in ENTRA_ONLY])
def test_each_entra_deviation_is_entras_alone(stack, uniq, deviation, operation, scim_type, holds):
    entra = new_rules_app(stack, uniq, "entra")
    uid = home_only_user(entra, uniq)
    entra.idp.patch(f"/Users/{uid}", operation)
    assert holds(entra.idp.get(f"/Users/{uid}")), f"{deviation}: {entra.idp.tail(2)}"

    generic = new_rules_app(stack, uniq, "generic")
    gid = home_only_user(generic, uniq)
    before = generic.idp.get(f"/Users/{gid}")
    r = generic.idp.send("PATCH", f"/Users/{gid}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                                    "Operations": [operation]}, expect=(400,))
    refused(generic, r, scim_type)
    assert generic.idp.get(f"/Users/{gid}") == before, f"{deviation}: nothing stored for generic"


@pytest.mark.parametrize("provider,kept", [("entra", True), ("onelogin", True), ("okta", False), ("generic", False)])
def test_member_removal_with_a_value_list(stack, uniq, provider, kept):
    """Entra's default job and OneLogin remove members with a value list; for the others it is refused
    (RFC 7644 §3.5.2.2: remove has no value), never read as "remove every member"."""
    app = new_rules_app(stack, uniq, provider)
    a = create_user(app.idp, scim_user(uniq("a") + "@corp.test", "A", "A"))
    b = create_user(app.idp, scim_user(uniq("b") + "@corp.test", "B", "B"))
    gid = app.idp.json(app.idp.send("POST", "/Groups", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
                                                         "displayName": uniq("grp"),
                                                         "members": [{"value": a}, {"value": b}]}, expect=(201,)))["id"]
    r = app.idp.send("PATCH", f"/Groups/{gid}", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
                                                 "Operations": [{"op": "remove", "path": "members",
                                                                 "value": [{"value": a}]}]},
                     expect=(204,) if kept else (400,))
    members = sorted(m["value"] for m in app.idp.get(f"/Groups/{gid}").get("members", []))
    if kept:
        assert members == [b], app.idp.tail(1)
    else:
        refused(app, r, "invalidSyntax")
        assert members == sorted([a, b]), "nothing removed"


def test_group_members_read_back_as_written_and_the_directory_names_them(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    ann = uniq("ann") + "@corp.test"
    bob = uniq("bob") + "@corp.test"
    a = create_user(app.idp, scim_user(ann, "Ann", "Lee"))
    b = create_user(app.idp, scim_user(bob, "Bob", "Ray"))
    name = uniq("Readers")
    created = app.idp.json(app.idp.send("POST", "/Groups", {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name,
        "members": [{"value": a}, {"value": b, "display": "Bobby"}]}, expect=(201,)))
    for group in (created, app.idp.get(f"/Groups/{created['id']}")):
        by_id = {m["value"]: m for m in group["members"]}
        assert "display" not in by_id[a], f"no display the client did not write: {by_id[a]}"
        assert by_id[b]["display"] == "Bobby", by_id[b]
    # Okta writes the member again with its current display: the IdP view keeps what it wrote last.
    app.idp.patch(f"/Groups/{created['id']}", {"op": "add", "path": "members", "value": [{"value": a, "display": ann}]})
    by_id = {m["value"]: m for m in app.idp.get(f"/Groups/{created['id']}")["members"]}
    assert by_id[a]["display"] == ann and by_id[b]["display"] == "Bobby", by_id

    members = group_members(stack, app.directory, name)
    assert members is not None and set(members) == {ann, bob}, f"the directory names both members: {members}"
