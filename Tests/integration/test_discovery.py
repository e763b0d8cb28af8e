"""Discovery endpoints (RFC 7644 §4, RFC 7643 §5–7)."""

from __future__ import annotations

from scimcheck import ENTERPRISE, assert_scim_json, assert_status, json_of, list_response, show
from stack import GROUP_SCHEMA, USER_SCHEMA

SPC_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
RT_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"


def test_service_provider_config(alpha):
    r = alpha.get("/ServiceProviderConfig")
    assert_status(r, 200)
    assert_scim_json(r)
    spc = json_of(r)
    assert SPC_SCHEMA in spc["schemas"]
    assert spc["patch"]["supported"] is True
    assert spc["filter"]["supported"] is True
    assert isinstance(spc["filter"].get("maxResults"), int) and spc["filter"]["maxResults"] > 0
    assert spc["bulk"]["supported"] is True
    assert spc["etag"]["supported"] is True
    assert spc["sort"]["supported"] is True
    assert spc["changePassword"]["supported"] in (True, False)
    schemes = spc["authenticationSchemes"]
    assert any(s.get("type", "").lower() == "oauthbearertoken" for s in schemes), show(r)
    # Optional (RFC 7643 §5); left out rather than naming a site that does not exist.
    assert "documentationUri" not in spc, show(r)


def test_resource_types(alpha):
    lr = list_response(alpha.get("/ResourceTypes"))
    by_name = {rt["name"]: rt for rt in lr["Resources"]}
    assert set(by_name) >= {"User", "Group"}, lr
    user, group = by_name["User"], by_name["Group"]
    assert RT_SCHEMA in user["schemas"]
    assert user["endpoint"] == "/Users" and user["schema"] == USER_SCHEMA
    assert group["endpoint"] == "/Groups" and group["schema"] == GROUP_SCHEMA
    assert any(e["schema"] == ENTERPRISE for e in user.get("schemaExtensions", [])), user

    r = alpha.get("/ResourceTypes/User")
    assert_status(r, 200)
    assert json_of(r)["endpoint"] == "/Users"


def test_schemas(alpha):
    lr = list_response(alpha.get("/Schemas"))
    by_id = {s["id"]: s for s in lr["Resources"]}
    assert set(by_id) >= {USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE}, sorted(by_id)
    user = by_id[USER_SCHEMA]
    attrs = {a["name"]: a for a in user["attributes"]}
    assert attrs["userName"]["required"] is True
    assert attrs["userName"]["uniqueness"] == "server"
    assert attrs["userName"]["caseExact"] is False
    assert {"name", "emails", "active", "displayName", "groups"} <= set(attrs)
    assert attrs["groups"]["mutability"] == "readOnly"
    group_attrs = {a["name"] for a in by_id[GROUP_SCHEMA]["attributes"]}
    assert {"displayName", "members"} <= group_attrs
    assert "manager" in {a["name"] for a in by_id[ENTERPRISE]["attributes"]}

    r = alpha.get(f"/Schemas/{USER_SCHEMA}")
    assert_status(r, 200)
    assert json_of(r)["id"] == USER_SCHEMA
