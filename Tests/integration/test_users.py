"""The Users lifecycle an IdP drives (RFC 7644 §3), through each web server."""

from __future__ import annotations

from scimcheck import (CUSTOM, ENTERPRISE, assert_recent, assert_scim_error, assert_scim_json, assert_status,
                       create_user, get_user, json_of, parse_time, patch_body, query_users, show, user_body)
from stack import USER_SCHEMA


def test_create_user_returns_201_with_location_meta_and_etag(stack, alpha, uniq):
    name = uniq("ada") + "@Example.com"
    ext = uniq("ext-Ada")
    body = user_body(name, externalId=ext, password="S3cret-never-returned!", title="Countess")
    body["schemas"].append(ENTERPRISE)
    body[ENTERPRISE] = {"employeeNumber": "1815", "department": "Analytical Engines"}
    r = alpha.post("/Users", body)
    assert_status(r, 201)
    assert_scim_json(r)
    u = json_of(r)

    assert isinstance(u.get("id"), str) and u["id"], show(r)
    assert USER_SCHEMA in u["schemas"]
    assert u["userName"] == name, "the IdP reads back exactly the userName it wrote"
    assert u["externalId"] == ext
    assert u["name"]["givenName"] == "Ada" and u["name"]["familyName"] == "Lovelace"
    assert u["displayName"] == "Ada Lovelace"
    assert u["title"] == "Countess"
    assert u["active"] is True
    assert [e["value"] for e in u["emails"]] == ["ada@example.com"]
    assert u[ENTERPRISE]["employeeNumber"] == "1815"
    assert u[ENTERPRISE]["department"] == "Analytical Engines"
    assert "password" not in u, "password is writeOnly: never returned"

    meta = u["meta"]
    assert meta["resourceType"] == "User"
    created = assert_recent(meta["created"])
    assert parse_time(meta["lastModified"]) >= created
    expected_location = f"http://127.0.0.1:{stack.port}/scim/alpha/v2/Users/{u['id']}"
    assert meta["location"] == expected_location, "meta.location from the request's scheme and Host"
    assert r.headers.get("Location") == expected_location
    assert meta.get("version"), "meta.version"
    assert r.headers.get("ETag") == meta["version"], "ETag header equals meta.version"


def test_get_by_id_returns_what_was_created(alpha, uniq):
    name = uniq("grace")
    created = create_user(alpha, name, externalId=uniq("ext"), nickName="Amazing Grace")
    r = alpha.get(f"/Users/{created['id']}")
    assert_status(r, 200)
    assert_scim_json(r)
    u = json_of(r)
    for key in ("id", "userName", "externalId", "nickName", "displayName", "active", "name", "emails"):
        assert u[key] == created[key], f"{key}{show(r)}"
    assert u["meta"]["location"] == created["meta"]["location"]
    assert u["meta"]["created"] == created["meta"]["created"]
    assert u["meta"]["version"] == created["meta"]["version"]
    assert r.headers.get("ETag") == u["meta"]["version"]


def test_meta_location_follows_the_forwarded_host(alpha, uniq):
    u = create_user(alpha, uniq("hosted"))
    r = alpha.get(f"/Users/{u['id']}", headers={"Host": "scim.example.test:8443"})
    assert_status(r, 200)
    assert json_of(r)["meta"]["location"] == f"http://scim.example.test:8443/scim/alpha/v2/Users/{u['id']}", show(r)


def test_filter_by_username_is_case_insensitive(alpha, uniq):
    name = uniq("Bob.Smith") + "@Example.COM"
    u = create_user(alpha, name)
    create_user(alpha, uniq("bob.other"))  # must not match
    for variant in (name, name.lower(), name.upper()):
        lr = query_users(alpha, f'userName eq "{variant}"')
        assert lr["totalResults"] == 1, f"filter userName eq {variant!r}: {lr}"
        assert [x["id"] for x in lr["Resources"]] == [u["id"]]
        assert lr["Resources"][0]["userName"] == name, "returned as written, not case-folded"
    assert query_users(alpha, f'userName eq "{name}x"')["totalResults"] == 0


def test_filter_by_external_id_is_case_exact(alpha, uniq):
    ext = uniq("00uAbCdEf")
    u = create_user(alpha, uniq("ext-user"), externalId=ext)
    lr = query_users(alpha, f'externalId eq "{ext}"')
    assert lr["totalResults"] == 1
    assert lr["Resources"][0]["id"] == u["id"]
    assert lr["Resources"][0]["externalId"] == ext
    for other in (ext.lower(), ext.upper()):
        assert query_users(alpha, f'externalId eq "{other}"')["totalResults"] == 0, \
            f"externalId is caseExact: {other!r} must not match {ext!r}"


def test_list_paginates_with_start_index_and_count(alpha, uniq):
    prefix = uniq("page")
    ids = {create_user(alpha, f"{prefix}-{i}")["id"] for i in range(5)}
    flt = f'userName sw "{prefix}-"'

    seen = []
    for start in (1, 3, 5):
        lr = query_users(alpha, flt, startIndex=start, count=2)
        assert lr["totalResults"] == 5, lr
        assert lr["startIndex"] == start
        expected = min(2, 5 - start + 1)
        assert len(lr["Resources"]) == expected and lr["itemsPerPage"] == expected, lr
        seen += [x["id"] for x in lr["Resources"]]
    assert sorted(seen) == sorted(ids), "pages are disjoint and cover every match"

    lr = query_users(alpha, flt, startIndex=1, count=0)
    assert lr["totalResults"] == 5 and lr["Resources"] == [], "count=0 returns only totalResults"
    lr = query_users(alpha, flt, startIndex=1, count=100)
    assert lr["totalResults"] == 5 and {x["id"] for x in lr["Resources"]} == ids
    lr = query_users(alpha, flt, startIndex=6, count=10)
    assert lr["totalResults"] == 5 and lr["Resources"] == []


def test_put_replaces_the_user(alpha, uniq):
    name = uniq("put")
    u = create_user(alpha, name, externalId=uniq("ext"), title="Engineer", nickName="Putty")
    replacement = user_body(name, externalId=u["externalId"], displayName="Renamed Person",
                            name={"givenName": "Renamed", "familyName": "Person"}, active=False)
    r = alpha.put(f"/Users/{u['id']}", replacement)
    assert_status(r, 200)
    p = json_of(r)
    assert p["id"] == u["id"]
    assert p["displayName"] == "Renamed Person"
    assert p["name"]["givenName"] == "Renamed" and p["name"]["familyName"] == "Person"
    assert p["active"] is False
    assert "title" not in p and "nickName" not in p, "PUT replaces: omitted attributes are cleared"
    assert p["meta"]["created"] == u["meta"]["created"]
    assert parse_time(p["meta"]["lastModified"]) >= parse_time(u["meta"]["lastModified"])
    assert p["meta"]["version"] != u["meta"]["version"], "a change gives a new version"
    assert r.headers.get("ETag") == p["meta"]["version"]

    g = get_user(alpha, u["id"])
    assert g["displayName"] == "Renamed Person" and g["active"] is False and "title" not in g


def _patch(alpha, user_id, *ops) -> dict:
    r = alpha.patch(f"/Users/{user_id}", patch_body(*ops))
    assert_status(r, 200, 204)
    after = get_user(alpha, user_id)
    if r.status_code == 200:
        body = json_of(r)
        assert body["id"] == user_id
        assert {k: v for k, v in body.items() if k != "meta"} == {k: v for k, v in after.items() if k != "meta"}, \
            f"PATCH response differs from a GET after it{show(r)}"
    return after


def test_patch_okta_pathless_replace_deactivates(alpha, uniq):
    u = create_user(alpha, uniq("okta"))
    after = _patch(alpha, u["id"], {"op": "replace", "value": {"active": False}})
    assert after["active"] is False
    assert after["userName"] == u["userName"] and after["displayName"] == u["displayName"], "nothing else changed"
    assert after["meta"]["version"] != u["meta"]["version"]
    after = _patch(alpha, u["id"], {"op": "replace", "value": {"active": True}})
    assert after["active"] is True


def test_patch_replace_active_by_path(alpha, uniq):
    u = create_user(alpha, uniq("path"))
    after = _patch(alpha, u["id"], {"op": "replace", "path": "active", "value": False})
    assert after["active"] is False


def test_patch_capitalised_op_and_boolean_string_are_entras_dialect_only(stack, alpha, uniq):
    entra_name = uniq("entra-app")
    stack.create_app(entra_name, "corp", "entra")
    entra = stack.client(entra_name)
    try:
        u = create_user(entra, uniq("entra"))
        after = _patch(entra, u["id"], {"op": "Replace", "path": "active", "value": "False"})
        assert after["active"] is False
    finally:
        entra.close()
    # The generic profile reads RFC 7644: the op is "replace", a boolean is a boolean.
    g = create_user(alpha, uniq("generic"))
    r = alpha.patch(f"/Users/{g['id']}", patch_body({"op": "Replace", "path": "active", "value": False}))
    assert_scim_error(r, 400, "invalidSyntax")
    r = alpha.patch(f"/Users/{g['id']}", patch_body({"op": "replace", "path": "active", "value": "False"}))
    assert_scim_error(r, 400, "invalidValue")
    assert get_user(alpha, g["id"])["active"] is True, "nothing stored"


def test_patch_add_replace_remove_simple_attributes(alpha, uniq):
    u = create_user(alpha, uniq("simple"))
    after = _patch(alpha, u["id"],
                   {"op": "add", "path": "title", "value": "Boss"},
                   {"op": "add", "value": {"nickName": "Bossy"}},
                   {"op": "replace", "path": "displayName", "value": "Ada L."},
                   {"op": "replace", "path": "name.givenName", "value": "Augusta"})
    assert after["title"] == "Boss"
    assert after["nickName"] == "Bossy"
    assert after["displayName"] == "Ada L."
    assert after["name"]["givenName"] == "Augusta" and after["name"]["familyName"] == "Lovelace"

    after = _patch(alpha, u["id"], {"op": "remove", "path": "title"})
    assert "title" not in after
    assert after["nickName"] == "Bossy", "remove touches only its path"


def test_delete_then_404(alpha, uniq):
    u = create_user(alpha, uniq("gone"))
    r = alpha.delete(f"/Users/{u['id']}")
    assert_status(r, 204)
    assert r.content == b"", "204 has no body"
    assert_scim_error(alpha.get(f"/Users/{u['id']}"), 404)
    assert query_users(alpha, f'userName eq "{u["userName"]}"')["totalResults"] == 0
    assert_scim_error(alpha.delete(f"/Users/{u['id']}"), 404)
    # The userName is free again.
    create_user(alpha, u["userName"])


def test_unknown_extension_attributes_are_kept(alpha, uniq):
    custom = {"costCenter": "CC-42", "badges": ["red", "blue"], "nested": {"level": 3, "ok": True}}
    body = user_body(uniq("custom"))
    body["schemas"].append(CUSTOM)
    body[CUSTOM] = custom
    r = alpha.post("/Users", body)
    assert_status(r, 201)
    u = json_of(r)
    assert u.get(CUSTOM) == custom, show(r)
    assert CUSTOM in u["schemas"]
    g = get_user(alpha, u["id"])
    assert g.get(CUSTOM) == custom
    assert CUSTOM in g["schemas"]


def test_application_json_content_type_is_accepted(alpha, uniq):
    r = alpha.post("/Users", user_body(uniq("json")), content_type="application/json")
    assert_status(r, 201)
    u = json_of(r)
    r = alpha.patch(f"/Users/{u['id']}", patch_body({"op": "replace", "path": "active", "value": False}),
                    content_type="application/json; charset=utf-8")
    assert_status(r, 200, 204)
    assert get_user(alpha, u["id"])["active"] is False


def test_large_body_under_the_limit_is_accepted(alpha, uniq):
    # ~600 KB: above mod_fcgid's 128 KiB default, below the 1 MiB limit of every frontend.
    blob = "x" * 600_000
    body = user_body(uniq("big"))
    body["schemas"].append(CUSTOM)
    body[CUSTOM] = {"blob": blob}
    r = alpha.post("/Users", body)
    assert_status(r, 201)
    u = json_of(r)
    assert get_user(alpha, u["id"])[CUSTOM]["blob"] == blob

