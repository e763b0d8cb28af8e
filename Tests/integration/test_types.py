"""Values of the wrong JSON type (RFC 7643 §2.3, §7) are refused with 400 invalidValue naming the
attribute, through nginx, and nothing is stored: POST leaves no resource, PUT and PATCH leave the
resource exactly as it was."""

from __future__ import annotations

import pytest

from idp_support import NGINX_ONLY
from scimcheck import assert_scim_error, assert_status, create_user, get_user, json_of, patch_body, query_users, user_body
from stack import ENTERPRISE_SCHEMA, GROUP_SCHEMA, USER_SCHEMA

pytestmark = NGINX_ONLY

# (attribute path named in the detail, the members to put in a user body)
USER_CATALOGUE = [
    ("emails", {"emails": {"value": "a@b.example"}}),
    ("emails", {"emails": "a@b.example"}),
    ("emails[0]", {"emails": ["a@b.example"]}),
    ("emails[0].primary", {"emails": [{"value": "a@b.example", "primary": "maybe"}]}),
    ("phoneNumbers", {"phoneNumbers": 5}),
    ("addresses[0].locality", {"addresses": [{"locality": 7}]}),
    ("active", {"active": "yes"}),
    ("active", {"active": {"value": True}}),
    ("displayName", {"displayName": 42}),
    ("displayName", {"displayName": ["Ada"]}),
    ("name", {"name": "Ada Lovelace"}),
    ("name.givenName", {"name": {"givenName": False}}),
    ("externalId", {"externalId": 12}),
    ("userName", {"userName": {"x": 1}}),
    ("x509Certificates[0].value", {"x509Certificates": [{"value": 1}]}),
    (f"{ENTERPRISE_SCHEMA}:department", {ENTERPRISE_SCHEMA: {"department": ["Sales"]}}),
    (f"{ENTERPRISE_SCHEMA}:manager.value", {ENTERPRISE_SCHEMA: {"manager": {"value": 3}}}),
    (ENTERPRISE_SCHEMA, {ENTERPRISE_SCHEMA: "Sales"}),
]


def refused(r, path: str) -> None:
    body = assert_scim_error(r, 400, "invalidValue")
    assert path in body.get("detail", ""), f"detail should name {path!r}: {body}"


@pytest.mark.parametrize("path,members", USER_CATALOGUE)
def test_post_user_of_the_wrong_type_is_refused_and_nothing_stored(alpha, uniq, path, members):
    name = uniq("types")
    body = {**user_body(name), "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA], **members}
    if "userName" in members:
        name = None
    refused(alpha.post("/Users", body), path)
    if name:
        assert query_users(alpha, f'userName eq "{name}"')["totalResults"] == 0


@pytest.mark.parametrize("path,members", USER_CATALOGUE)
def test_put_user_of_the_wrong_type_leaves_it_unchanged(alpha, uniq, path, members):
    created = create_user(alpha, uniq("types-put"))
    before = get_user(alpha, created["id"])
    body = {**user_body(created["userName"]), "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA], "title": "changed", **members}
    refused(alpha.put(f"/Users/{created['id']}", body), path)
    assert get_user(alpha, created["id"]) == before


PATCH_CATALOGUE = [
    ("emails", {"op": "add", "path": "emails", "value": {"value": "c@d.example"}}),
    ("emails", {"op": "replace", "path": "emails", "value": "c@d.example"}),
    ("active", {"op": "replace", "path": "active", "value": {"x": 1}}),
    ("active", {"op": "replace", "value": {"active": "maybe"}}),
    ("name.givenName", {"op": "replace", "path": "name.givenName", "value": 5}),
    ("displayName", {"op": "add", "value": {"displayName": ["x"]}}),
    ("emails[0].value", {"op": "replace", "path": 'emails[type eq "work"].value', "value": 5}),
    (f"{ENTERPRISE_SCHEMA}:department", {"op": "add", "value": {ENTERPRISE_SCHEMA: {"department": 1}}}),
]


@pytest.mark.parametrize("path,operation", PATCH_CATALOGUE)
def test_patch_user_of_the_wrong_type_leaves_it_unchanged(alpha, uniq, path, operation):
    created = create_user(alpha, uniq("types-patch"))
    before = get_user(alpha, created["id"])
    # A valid operation first: the request is all or nothing.
    ops = [{"op": "replace", "path": "title", "value": "changed"}, operation]
    refused(alpha.patch(f"/Users/{created['id']}", patch_body(*ops)), path)
    assert get_user(alpha, created["id"]) == before


def test_entra_boolean_strings_and_bare_manager_are_converted_for_entra_only(stack, alpha, uniq):
    name = uniq("types-entra")
    stack.create_app(name, "corp", "entra")
    entra = stack.client(name)
    try:
        created = create_user(entra, uniq("types-dialect"), active="False")
        assert get_user(entra, created["id"])["active"] is False
        r = entra.patch(f"/Users/{created['id']}", patch_body(
            {"op": "Replace", "path": "active", "value": "True"},
            {"op": "Add", "path": f"{ENTERPRISE_SCHEMA}:manager", "value": "boss-1"}))
        assert_status(r, 200, 204)
        read = get_user(entra, created["id"])
        assert read["active"] is True and read[ENTERPRISE_SCHEMA]["manager"] == {"value": "boss-1"}
    finally:
        entra.close()
    # The generic profile checks RFC 7643 types: neither conversion applies, nothing is stored.
    refused(alpha.post("/Users", user_body(uniq("types-generic"), active="False")), "active")
    plain = create_user(alpha, uniq("types-generic"))
    r = alpha.patch(f"/Users/{plain['id']}", patch_body(
        {"op": "add", "path": f"{ENTERPRISE_SCHEMA}:manager", "value": "boss-1"}))
    refused(r, f"{ENTERPRISE_SCHEMA}:manager")
    assert ENTERPRISE_SCHEMA not in get_user(alpha, plain["id"])


GROUP_CATALOGUE = [
    ("members", {"members": {"value": "u1"}}),
    ("members", {"members": "u1"}),
    ("members[0]", {"members": ["u1"]}),
    ("members[0].value", {"members": [{"value": 1}]}),
    ("displayName", {"displayName": ["g"]}),
]


def group_named(alpha, name):
    r = alpha.get("/Groups", params={"filter": f'displayName eq "{name}"'})
    assert_status(r, 200)
    return json_of(r)["totalResults"]


@pytest.mark.parametrize("path,members", GROUP_CATALOGUE)
def test_group_of_the_wrong_type_is_refused_on_post_put_and_patch(alpha, uniq, path, members):
    name = uniq("types-group")
    body = {"schemas": [GROUP_SCHEMA], "displayName": name, **members}
    refused(alpha.post("/Groups", body), path)
    assert group_named(alpha, name) == 0 or "displayName" in members
    r = alpha.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": name + "-ok"})
    assert_status(r, 201)
    gid = json_of(r)["id"]
    before = json_of(alpha.get(f"/Groups/{gid}"))
    refused(alpha.put(f"/Groups/{gid}", {**body, "displayName": members.get("displayName", name + "-ok")}), path)
    (key, value), = members.items()
    refused(alpha.patch(f"/Groups/{gid}", patch_body({"op": "add", "path": key, "value": value})), path)
    refused(alpha.patch(f"/Groups/{gid}", patch_body({"op": "replace", "value": {key: value}})), path)
    assert json_of(alpha.get(f"/Groups/{gid}")) == before
