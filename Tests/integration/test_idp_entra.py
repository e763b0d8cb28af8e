"""Microsoft Entra ID's SCIM provisioning, replayed request by request through nginx.

Sources of the request shapes:
- Microsoft Learn, "Tutorial: Develop and plan provisioning for a SCIM endpoint in Microsoft Entra
  ID" (learn.microsoft.com/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups),
  section "Protocol request examples" (Create User, Get User by query, Get User by query - Zero
  results, Update User [Multi-valued properties], Update User [Single-valued properties], Disable
  User, Delete User, Create Group with the ADSCIM schema, Get Group by displayName with
  excludedAttributes=members, Update Group [Add Members] / [Remove Members] with
  {"$ref": null, "value": …}, Delete Group), and its requirements list (match on userName and
  externalId, querying groups by id and member, excludedAttributes=members).
- Microsoft Learn, "Known issues and resolutions with SCIM 2.0 protocol compliance of the Microsoft
  Entra user provisioning service" (…/application-provisioning-config-problem-scim-compatibility):
  the default job's capitalised ops ("Add", "Replace", "Remove"), "False"/"True" strings for
  active, member removal with a value array; and the `aadOptscim062020` flag's shapes (lower-case
  ops, one path-less replace whose keys are "name.givenName", URN-qualified names and
  'emails[type eq "work"].value', boolean false, members[value eq "…"] removal).
- Entra's gallery validation suite (AzureAD/SCIMReferenceCode, "SCIM-Validation-Test-Overview"):
  the manager is set (Add), changed (Replace) and removed (Replace with an empty value).
- The enterprise manager as a bare string value,
  {"op":"Add","path":"urn:…:enterprise:2.0:User:manager","value":"<id>"}: Entra's request as
  reported in Captain-P-Goldfish/SCIM-SDK issue #686 and MicrosoftDocs/azure-docs issue #73842
  ("AD is sending a simple value"); SPEC §4.
- Entra's filters are form-encoded (`filter=externalId+eq+%22johnwong%22`, as logged in
  MicrosoftDocs/azure-docs issue #11784).
"""

from __future__ import annotations

import pytest

from idp_support import (ADSCIM_GROUP_SCHEMA, ENTERPRISE_SCHEMA, GROUP_SCHEMA, NGINX_ONLY, USER_SCHEMA, IdpClient,
                         Labels, Observations, assert_no_drift, assert_replays_identically, new_app_client,
                         plus_filter, random_guid)

pytestmark = NGINX_ONLY

MANAGER = f"{ENTERPRISE_SCHEMA}:manager"
DEPARTMENT = f"{ENTERPRISE_SCHEMA}:department"
EMPLOYEE_NUMBER = f"{ENTERPRISE_SCHEMA}:employeeNumber"


@pytest.fixture
def entra(stack):
    c = new_app_client(stack, "entra", "application/scim+json", "Microsoft.Identity.Provisioning")
    yield c
    c.close()


def entra_user(user_name: str, external_id: str, given: str, family: str, email: str, **enterprise) -> dict:
    """Entra's Create User body ("Protocol request examples")."""
    body = {
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "externalId": external_id,
        "userName": user_name,
        "active": True,
        "emails": [{"primary": True, "type": "work", "value": email}],
        "meta": {"resourceType": "User"},
        "name": {"formatted": f"{given} {family}", "familyName": family, "givenName": given},
        "roles": [],
    }
    if enterprise:
        body[ENTERPRISE_SCHEMA] = dict(enterprise)
    return body


def connection_test(entra: IdpClient) -> None:
    """Entra's "Test Connection": a filter on a random GUID must give an empty ListResponse."""
    lr = entra.list("/Users", plus_filter(f'userName eq "{random_guid()}"'))
    assert lr["totalResults"] == 0 and lr["Resources"] == [], f"connection test{entra.tail()}"


def match_or_create(entra: IdpClient, desired: dict, attribute: str, label: str, obs: Observations) -> str:
    """Entra's matching: query on the matching attribute, create when nothing matches."""
    lr = entra.list("/Users", plus_filter(f'{attribute} eq "{desired[attribute]}"'))
    assert lr["totalResults"] == 0, f"{label} should not exist yet{entra.tail()}"
    created = entra.json(entra.send("POST", "/Users", desired, expect=(201,)))
    user_id = created["id"]
    obs.labels.add(user_id, label)
    assert_no_drift(entra, desired, created, f"create {label} (response)")
    lr = entra.list("/Users", plus_filter(f'{attribute} eq "{desired[attribute]}"'))
    assert [u["id"] for u in lr["Resources"]] == [user_id], entra.tail()
    assert_no_drift(entra, desired, lr["Resources"][0], f"create {label} (query)")
    obs.record(f"{label}: created", lr["Resources"][0])
    return user_id


def is_member(entra: IdpClient, gid: str, uid: str) -> bool:
    """Entra's membership check, one member at a time, without the member list."""
    lr = entra.list("/Groups", plus_filter(f'id eq "{gid}" and members[value eq "{uid}"]', "excludedAttributes=members"))
    assert lr["totalResults"] in (0, 1), entra.tail()
    for g in lr["Resources"]:
        assert "members" not in g, f"excludedAttributes=members{entra.tail()}"
    return lr["totalResults"] == 1


def replay(entra: IdpClient, names: dict, obs: Observations) -> None:
    """One provisioning cycle of Entra's default ("scim") job, from assignment to hard delete."""
    connection_test(entra)

    # The manager first (matched on externalId), then the user (matched on userName).
    boss_want = entra_user(names["boss"], names["boss_oid"], "Grace", "Hopper", names["boss"])
    boss = match_or_create(entra, boss_want, "externalId", "boss", obs)
    user_want = entra_user(names["user"], names["user_oid"], "Ada", "Lovelace", names["user"],
                           department="Analytical Engines", employeeNumber="1815")
    uid = match_or_create(entra, user_want, "userName", "user", obs)

    # Update User [Multi-valued properties]: a value-filtered path and a sub-attribute.
    entra.patch(f"/Users/{uid}",
                {"op": "Replace", "path": 'emails[type eq "work"].value', "value": names["user_mail2"]},
                {"op": "Replace", "path": "name.familyName", "value": "King"})
    user_want["emails"][0]["value"] = names["user_mail2"]
    user_want["name"]["familyName"] = "King"
    assert_no_drift(entra, user_want, entra.get(f"/Users/{uid}"), "Update User [Multi-valued properties]")

    # Add a single-valued attribute, an extension attribute, then the manager as a bare id.
    entra.patch(f"/Users/{uid}", {"op": "Add", "path": "nickName", "value": "Babs"},
                {"op": "Replace", "path": DEPARTMENT, "value": "Engines"})
    user_want["nickName"] = "Babs"
    user_want[ENTERPRISE_SCHEMA]["department"] = "Engines"
    entra.patch(f"/Users/{uid}", {"op": "Add", "path": MANAGER, "value": boss})
    user_want[ENTERPRISE_SCHEMA]["manager"] = boss
    read = entra.get(f"/Users/{uid}")
    assert read[ENTERPRISE_SCHEMA]["manager"]["value"] == boss, f"manager stored as {{'value': id}}{entra.tail()}"
    assert_no_drift(entra, user_want, read, "Add manager (bare value)")
    obs.record("user: with manager", read)

    # Update User [Single-valued properties]: the UPN changed, so does userName; match on the new one.
    entra.patch(f"/Users/{uid}", {"op": "Replace", "path": "userName", "value": names["user2"]})
    user_want["userName"] = names["user2"]
    lr = entra.list("/Users", plus_filter(f'userName eq "{names["user2"]}"'))
    assert [u["id"] for u in lr["Resources"]] == [uid], entra.tail()
    assert entra.list("/Users", plus_filter(f'userName eq "{names["user"]}"'))["totalResults"] == 0, entra.tail()

    # Disable User with Entra's string boolean, then enable again.
    for text, flag in (("False", False), ("True", True)):
        entra.patch(f"/Users/{uid}", {"op": "Replace", "path": "active", "value": text})
        user_want["active"] = flag
        read = entra.get(f"/Users/{uid}")
        assert read["active"] is flag, f'"{text}" is stored as the boolean {flag}{entra.tail()}'
        assert_no_drift(entra, user_want, read, f"Replace active {text!r}")
        obs.record(f"user: active {text}", read)

    # The manager changes, then goes: Replace, Remove with an empty value, and (validation suite) Replace with "".
    boss2_want = entra_user(names["boss2"], names["boss2_oid"], "Katherine", "Johnson", names["boss2"])
    boss2 = match_or_create(entra, boss2_want, "externalId", "boss2", obs)
    entra.patch(f"/Users/{uid}", {"op": "Replace", "path": MANAGER, "value": boss2})
    user_want[ENTERPRISE_SCHEMA]["manager"] = boss2
    assert_no_drift(entra, user_want, entra.get(f"/Users/{uid}"), "Replace manager (bare value)")
    entra.patch(f"/Users/{uid}", {"op": "Remove", "path": MANAGER, "value": ""})
    del user_want[ENTERPRISE_SCHEMA]["manager"]
    read = entra.get(f"/Users/{uid}")
    assert "manager" not in read.get(ENTERPRISE_SCHEMA, {}), f"empty-value Remove clears the manager{entra.tail()}"
    assert_no_drift(entra, user_want, read, "Remove manager (empty value)")
    entra.patch(f"/Users/{uid}", {"op": "Add", "path": MANAGER, "value": boss})
    entra.patch(f"/Users/{uid}", {"op": "Replace", "path": MANAGER, "value": ""})
    read = entra.get(f"/Users/{uid}")
    assert "manager" not in read.get(ENTERPRISE_SCHEMA, {}), f'Replace with "" clears the manager{entra.tail()}'
    assert_no_drift(entra, user_want, read, 'Replace manager ""')
    obs.record("user: manager removed", read)

    # Groups: query by displayName without members, create with the ADSCIM schema, then members.
    group = names["group"]
    lr = entra.list("/Groups", plus_filter(f'displayName eq "{group}"', "excludedAttributes=members"))
    assert lr["totalResults"] == 0, entra.tail()
    group_want = {"schemas": [GROUP_SCHEMA, ADSCIM_GROUP_SCHEMA], "externalId": names["group_oid"],
                  "displayName": group, "meta": {"resourceType": "Group"}}
    created = entra.json(entra.send("POST", "/Groups", group_want, expect=(201,)))
    gid = created["id"]
    obs.labels.add(gid, "group")
    assert ADSCIM_GROUP_SCHEMA in created["schemas"], f"the ADSCIM schema URI is kept{entra.tail()}"
    assert created.get("members", []) == [], entra.tail()
    assert_no_drift(entra, group_want, created, "Create Group")
    read = entra.get(f"/Groups/{gid}", "excludedAttributes=members")
    assert "members" not in read, entra.tail()
    assert_no_drift(entra, group_want, read, "Get Group")

    entra.patch(f"/Groups/{gid}", {"op": "Add", "path": "members",
                                   "value": [{"$ref": None, "value": uid}, {"$ref": None, "value": boss}]})
    assert is_member(entra, gid, uid) and is_member(entra, gid, boss), entra.tail()
    assert not is_member(entra, gid, random_guid()), entra.tail()

    entra.patch(f"/Groups/{gid}", {"op": "Replace", "path": "displayName", "value": names["group2"]})
    group_want["displayName"] = names["group2"]
    lr = entra.list("/Groups", plus_filter(f'displayName eq "{names["group2"]}"', "excludedAttributes=members"))
    assert [g["id"] for g in lr["Resources"]] == [gid], entra.tail()
    assert_no_drift(entra, group_want, lr["Resources"][0], "Update Group [Non-member attributes]")

    # Update Group [Remove Members]: the default job's shape, a value array on path "members".
    entra.patch(f"/Groups/{gid}", {"op": "Remove", "path": "members", "value": [{"$ref": None, "value": uid}]})
    assert not is_member(entra, gid, uid) and is_member(entra, gid, boss), entra.tail()
    read = entra.get(f"/Groups/{gid}")
    assert_no_drift(entra, {**group_want, "members": [{"value": boss}]}, read, "Remove Members")
    obs.record("group: after member changes", read)

    # The next cycle reads everything again: no drift anywhere.
    assert_no_drift(entra, user_want, entra.get(f"/Users/{uid}"), "next cycle (user)")
    assert_no_drift(entra, boss_want, entra.get(f"/Users/{boss}"), "next cycle (boss)")
    assert_no_drift(entra, group_want, entra.get(f"/Groups/{gid}", "excludedAttributes=members"), "next cycle (group)")

    # Unassignment: soft delete (Disable User), then hard delete; the group is deleted.
    entra.patch(f"/Users/{uid}", {"op": "Replace", "path": "active", "value": "False"})
    assert entra.get(f"/Users/{uid}")["active"] is False, entra.tail()
    for path in (f"/Groups/{gid}", f"/Users/{uid}", f"/Users/{boss}", f"/Users/{boss2}"):
        entra.send("DELETE", path, expect=(204,))
        entra.send("GET", path, expect=(404,))
    assert entra.list("/Users", plus_filter(f'userName eq "{names["user2"]}"'))["totalResults"] == 0, entra.tail()
    assert entra.list("/Users", plus_filter(f'externalId eq "{names["boss_oid"]}"'))["totalResults"] == 0, entra.tail()


def entra_names(uniq) -> dict:
    return {"user": uniq("ada") + "@contoso.test", "user2": uniq("ada.king") + "@contoso.test",
            "user_mail2": uniq("ada.mail") + "@contoso.test", "user_oid": random_guid(),
            "boss": uniq("grace") + "@contoso.test", "boss_oid": random_guid(),
            "boss2": uniq("katherine") + "@contoso.test", "boss2_oid": random_guid(),
            "group": uniq("Entra Engineers"), "group2": uniq("Entra Engineering"), "group_oid": random_guid()}


def test_entra_replay(entra, uniq):
    replay(entra, entra_names(uniq), Observations(Labels()))


def test_entra_second_replay_shows_zero_drift(stack, entra, uniq):
    """The same cycle again with the same identities (deleted at the end of the first): names are
    reusable and every read gives back what the first cycle read. The hard deletes must free the
    directory names too, so the app deletes rather than keeps (a new app's default) what it loses."""
    stack.cli("rules", "set", entra.base_url.rsplit("/", 2)[-2], "--on-delete", "delete")
    assert_replays_identically(replay, entra, entra_names(uniq), "entra")


# ----- the aadOptscim062020 flag's request shapes ------------------------------------------------------

def test_entra_flagged_pathless_replace_with_dotted_and_urn_keys(entra, uniq):
    """One path-less replace whose keys are a dotted sub-attribute and URN-qualified extension
    attributes (known-issues page, "Requests to replace multiple attributes", with the flag)."""
    obs = Observations(Labels())
    uid = match_or_create(entra, entra_user(uniq("flag") + "@contoso.test", random_guid(), "Gtfd", "Pkqf",
                                            uniq("flag.mail") + "@contoso.test"), "userName", "flag", obs)
    entra.patch(f"/Users/{uid}", {"op": "replace", "value": {
        "displayName": "Pvlo", "name.givenName": "Gtfd2", "name.familyName": "Pkqf2", "externalId": "Eqpj",
        EMPLOYEE_NUMBER: "Eqpj", DEPARTMENT: "Sales"}})
    read = entra.get(f"/Users/{uid}")
    assert read["displayName"] == "Pvlo", entra.tail()
    assert read["name"]["givenName"] == "Gtfd2" and read["name"]["familyName"] == "Pkqf2", entra.tail()
    assert read["name"]["formatted"] == "Gtfd Pkqf", f"the other name parts stay{entra.tail()}"
    assert read["externalId"] == "Eqpj", entra.tail()
    assert read[ENTERPRISE_SCHEMA] == {"employeeNumber": "Eqpj", "department": "Sales"}, entra.tail()
    assert ENTERPRISE_SCHEMA in read["schemas"], entra.tail()
    assert "name.givenName" not in read and DEPARTMENT not in read, f"keys are paths, not attribute names{entra.tail()}"


def test_entra_flagged_pathless_replace_with_value_filter_key(entra, uniq):
    """The flag's documented body also carries 'emails[type eq "work"].value' as a key of the
    path-less value (known-issues page, "Requests to replace multiple attributes", with the flag)."""
    obs = Observations(Labels())
    uid = match_or_create(entra, entra_user(uniq("flagmail") + "@contoso.test", random_guid(), "Mail", "Key",
                                            uniq("old.mail") + "@contoso.test"), "userName", "flagmail", obs)
    new_mail = uniq("new.mail") + "@contoso.test"
    entra.patch(f"/Users/{uid}", {"op": "replace", "value": {
        "displayName": "Mail Key", 'emails[type eq "work"].value': new_mail, "name.givenName": "Mail2"}})
    read = entra.get(f"/Users/{uid}")
    assert [e["value"] for e in read["emails"]] == [new_mail], entra.tail()
    assert read["emails"][0]["type"] == "work" and read["emails"][0]["primary"] is True, entra.tail()
    assert read["name"]["givenName"] == "Mail2" and read["displayName"] == "Mail Key", entra.tail()


def test_entra_flagged_lowercase_ops_boolean_and_filtered_member_removal(entra, uniq):
    """With the flag: lower-case ops, active as a JSON boolean, members removed by a value filter."""
    obs = Observations(Labels())
    uid = match_or_create(entra, entra_user(uniq("low") + "@contoso.test", random_guid(), "Low", "Case",
                                            uniq("low.mail") + "@contoso.test"), "userName", "low", obs)
    entra.patch(f"/Users/{uid}", {"op": "replace", "path": "active", "value": False})
    assert entra.get(f"/Users/{uid}")["active"] is False, entra.tail()
    entra.patch(f"/Users/{uid}", {"op": "add", "path": "nickName", "value": "Babs"})
    assert entra.get(f"/Users/{uid}")["nickName"] == "Babs", entra.tail()
    gid = entra.json(entra.send("POST", "/Groups", {"schemas": [GROUP_SCHEMA, ADSCIM_GROUP_SCHEMA],
                                                    "displayName": uniq("Flagged"), "externalId": random_guid()},
                                expect=(201,)))["id"]
    entra.patch(f"/Groups/{gid}", {"op": "add", "path": "members", "value": [{"value": uid}]})
    assert is_member(entra, gid, uid), entra.tail()
    entra.patch(f"/Groups/{gid}", {"op": "remove", "path": f'members[value eq "{uid}"]'})
    assert not is_member(entra, gid, uid), entra.tail()


# ----- single dialect rules -----------------------------------------------------------------------------

def test_entra_create_on_absent_work_email(entra, uniq):
    """'emails[type eq "work"].value' on a user without a work email adds one (Entra writes the work
    email this way whether or not the user has one)."""
    body = entra_user(uniq("nomail") + "@contoso.test", random_guid(), "No", "Mail", "x@contoso.test")
    del body["emails"]
    obs = Observations(Labels())
    uid = match_or_create(entra, body, "userName", "nomail", obs)
    mail = uniq("work") + "@contoso.test"
    entra.patch(f"/Users/{uid}", {"op": "Add", "path": 'emails[type eq "work"].value', "value": mail})
    read = entra.get(f"/Users/{uid}")
    assert read["emails"] == [{"type": "work", "value": mail}], entra.tail()
    entra.patch(f"/Users/{uid}", {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "2" + mail})
    assert [e["value"] for e in entra.get(f"/Users/{uid}")["emails"]] == ["2" + mail], f"then replaced in place{entra.tail()}"


def test_entra_matching_filter_on_the_work_email(entra, uniq):
    """Entra's matching filter built from a matching attribute 'emails[type eq "work"].value':
    'emails[type eq "work"].value eq "x"', read as 'emails[type eq "work" and value eq "x"]' (observed
    Entra behaviour; docs/IDP-COMPATIBILITY.md). A user's home address does not match it."""
    work, home = uniq("mwork") + "@contoso.test", uniq("mhome") + "@contoso.test"
    body = entra_user(uniq("match") + "@contoso.test", random_guid(), "Match", "Ing", work)
    body["emails"].append({"type": "home", "value": home})
    uid = match_or_create(entra, body, "userName", "match", Observations(Labels()))
    for query in (plus_filter(f'emails[type eq "work"].value eq "{work}"'),
                  plus_filter(f'emails[type eq "work"].value eq "{work.upper()}"'),
                  plus_filter(f'emails[type eq "home"].value eq "{home}"'),
                  plus_filter(f'emails[type eq "work"].value pr and externalId eq "{body["externalId"]}"'),
                  "filter=emails%5Btype%20eq%20%22work%22%5D.value%20eq%20%22" + work.replace("@", "%40") + "%22"):
        lr = entra.list("/Users", query)
        assert [u["id"] for u in lr["Resources"]] == [uid], f"{query}{entra.tail(1)}"
    for query in (plus_filter(f'emails[type eq "work"].value eq "{home}"'),
                  plus_filter(f'emails[type eq "home"].value eq "{work}"')):
        assert entra.list("/Users", query)["totalResults"] == 0, f"{query}{entra.tail(1)}"
    r = entra.send("GET", "/Users", query=plus_filter('userName[type eq "work"].value eq "x"'), expect=(400,))
    assert r.json()["scimType"] == "invalidFilter", entra.tail(1)


def test_entra_lookup_encodings(entra, uniq):
    """Filter values as IdPs send them: form-encoded ('+' for spaces), %20, and unquoted values
    (a tolerance of this service: RFC 7644 §3.4.2.2 requires quotes; SPEC §4)."""
    name = uniq("enc") + "@contoso.test"
    oid = random_guid()
    body = entra_user(name, oid, "Enc", "Oding", name)
    body["title"] = "Senior Engineer"
    uid = match_or_create(entra, body, "userName", "enc", Observations(Labels()))
    for query in (plus_filter(f'userName eq "{name}"'),
                  plus_filter(f'externalId eq "{oid}"'),
                  "filter=userName%20eq%20%22" + name.replace("@", "%40") + "%22",
                  f"filter=userName+eq+{name}",
                  f"filter=externalId%20eq%20{oid}",
                  "filter=title+eq+%22Senior+Engineer%22+and+userName+eq+%22" + name.replace("@", "%40") + "%22"):
        lr = entra.list("/Users", query)
        assert [u["id"] for u in lr["Resources"]] == [uid], f"{query}{entra.tail(1)}"


def test_entra_boolean_strings_in_pathless_add(entra, uniq):
    """'False'/'True' strings are booleans wherever they land (path-less Add included)."""
    uid = match_or_create(entra, entra_user(uniq("bool") + "@contoso.test", random_guid(), "Bo", "Ol",
                                            uniq("bool.mail") + "@contoso.test"), "userName", "bool", Observations(Labels()))
    entra.patch(f"/Users/{uid}", {"op": "Add", "value": {"active": "False"}})
    assert entra.get(f"/Users/{uid}")["active"] is False, entra.tail()
    entra.patch(f"/Users/{uid}", {"op": "Replace", "value": {"active": "True"}})
    assert entra.get(f"/Users/{uid}")["active"] is True, entra.tail()
    lr = entra.list("/Users", plus_filter(f'id eq "{uid}" and active eq true'))
    assert lr["totalResults"] == 1, f"stored as a boolean, filterable as one{entra.tail()}"


def test_entra_null_and_empty_updates(entra, uniq):
    """Entra's validation suite ("SCIM_Null_Update_Test"): optional attributes PATCHed to "" and then
    to null read back empty, and the PATCH succeeds."""
    body = entra_user(uniq("null") + "@contoso.test", random_guid(), "Nu", "Ll", uniq("null.mail") + "@contoso.test",
                      department="Ops")
    body.update(title="Engineer", nickName="Nully", preferredLanguage="en-US")
    uid = match_or_create(entra, body, "userName", "null", Observations(Labels()))
    entra.patch(f"/Users/{uid}", {"op": "Replace", "path": "title", "value": ""},
                {"op": "Replace", "path": "nickName", "value": ""}, {"op": "Replace", "path": DEPARTMENT, "value": ""})
    read = entra.get(f"/Users/{uid}")
    for value in (read.get("title"), read.get("nickName"), read.get(ENTERPRISE_SCHEMA, {}).get("department")):
        assert value in (None, ""), entra.tail()
    entra.patch(f"/Users/{uid}", {"op": "Replace", "path": "title", "value": None},
                {"op": "Replace", "path": "preferredLanguage", "value": None})
    read = entra.get(f"/Users/{uid}")
    assert read.get("title") in (None, "") and read.get("preferredLanguage") in (None, ""), entra.tail()
    assert read["userName"] == body["userName"] and read["active"] is True, entra.tail()
