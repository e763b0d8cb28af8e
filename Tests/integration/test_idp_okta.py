"""Okta's SCIM 2.0 provisioning, replayed request by request through nginx.

Source of the request shapes: Okta Developer, "SCIM 2.0 protocol reference" and "Build a SCIM
provisioning integration" (developer.okta.com/docs/api/openapi/okta-scim/guides/scim-20/,
developer.okta.com/docs/guides/scim-provisioning-integration-prepare/), and Okta's own SCIM 2.0
test suite for integrators (okta-scim-beta "SCIM_tests_for_Runscope.json"):

- connection test: GET /Users?startIndex=1&count=1 (a ListResponse with numeric totalResults,
  startIndex, itemsPerPage);
- before a create, a lookup GET /Users?filter=userName%20eq%20"…"&startIndex=1&count=100; a hit
  links the existing user instead of creating it;
- create: POST /Users with groups [] and the password;
- profile push: PUT /Users/{id} with the whole user as last read (id, meta, groups) plus password;
- (de)activation and password sync: PATCH {"op":"replace","value":{"active":false}} /
  {"op":"replace","value":{"password":"…"}} (no path);
- Group Push: POST /Groups, PATCH add members (path "members", value array), rename with a path-less
  replace carrying id and displayName, remove with members[value eq "…"], DELETE /Groups/{id};
- Okta never deletes users: unassignment deactivates.

Okta bodies here are sent as `application/json; charset=utf-8` (RFC 7644 §3.8: a service provider
accepts JSON; SPEC §4: application/json is accepted too).
"""

from __future__ import annotations

import pytest

from idp_support import (GROUP_SCHEMA, NGINX_ONLY, USER_SCHEMA, IdpClient, Labels, Observations,
                         assert_never_returns_password, assert_no_drift, assert_replays_identically,
                         new_app_client, okta_filter)

pytestmark = NGINX_ONLY

OKTA_JSON = "application/json; charset=utf-8"


@pytest.fixture
def okta(stack):
    c = new_app_client(stack, "okta", OKTA_JSON, "Okta SCIM Client 1.0.0")
    yield c
    c.close()


def okta_user(user_name: str, given: str, family: str, external_id: str, password: str, *,
              active: bool = True, title: str | None = None) -> dict:
    """The user as Okta's profile mapping writes it (Okta SCIM 2.0 reference, "Create the user")."""
    body = {
        "schemas": [USER_SCHEMA],
        "userName": user_name,
        "name": {"givenName": given, "familyName": family},
        "emails": [{"primary": True, "value": user_name, "type": "work"}],
        "displayName": f"{given} {family}",
        "locale": "en-US",
        "externalId": external_id,
        "groups": [],
        "password": password,
        "active": active,
    }
    if title is not None:
        body["title"] = title
    return body


def provision(okta: IdpClient, desired: dict, label: str, obs: Observations) -> str:
    """Okta's assignment: look the userName up; create, or link and push the profile with PUT."""
    lr = okta.list("/Users", okta_filter(f'userName eq "{desired["userName"]}"'))
    if lr["totalResults"] == 0:
        assert lr["Resources"] == [], okta.tail()
        created = okta.json(okta.send("POST", "/Users", desired, expect=(201,)))
        assert created.get("id"), okta.tail()
        assert created["userName"] == desired["userName"], okta.tail()
        assert_never_returns_password(okta, created, "POST /Users")
        user_id = created["id"]
    else:
        assert lr["totalResults"] == 1 and len(lr["Resources"]) == 1, f"userName must match one user{okta.tail()}"
        existing = lr["Resources"][0]
        user_id = existing["id"]
        # Okta pushes its own profile of the user whole, carrying the id, meta and groups it read.
        body = {**desired, "id": user_id, "meta": existing["meta"], "groups": existing.get("groups", [])}
        assert_never_returns_password(okta, okta.json(okta.send("PUT", f"/Users/{user_id}", body)), "PUT (link)")
    obs.labels.add(user_id, label)
    read = okta.get(f"/Users/{user_id}")
    assert_no_drift(okta, desired, read, f"provisioning {label}")
    obs.record(f"{label}: provisioned", read)
    return user_id


def replay(okta: IdpClient, names: dict, obs: Observations) -> None:
    """One pass of Okta's sequence. Leaves the users deactivated (Okta never deletes them) and the
    pushed group deleted, as Okta does when the app is unassigned."""
    # Test API credentials.
    lr = okta.list("/Users", "startIndex=1&count=1")
    assert lr["startIndex"] == 1 and isinstance(lr.get("itemsPerPage"), int), f"connection test{okta.tail()}"
    assert len(lr["Resources"]) <= 1, f"count=1 returns at most one resource{okta.tail()}"

    alice_want = okta_user(names["alice"], "Alice", "Liddell", "00u1alice0okta", "Tr1cky-Pass!")
    bob_want = okta_user(names["bob"], "Bob", "Builder", "00u2bob00okta", "An0ther-Pass!")
    alice = provision(okta, alice_want, "alice", obs)
    bob = provision(okta, bob_want, "bob", obs)

    # Profile push: Okta reads the user and PUTs it back whole, with its changes and the password.
    current = okta.get(f"/Users/{alice}")
    alice_want = okta_user(names["alice"], "Alicia", "Liddell", "00u1alice0okta", "Tr1cky-Pass!", title="Engineer")
    body = {**current, **alice_want, "id": alice, "meta": current["meta"], "groups": current.get("groups", [])}
    put = okta.json(okta.send("PUT", f"/Users/{alice}", body))
    assert put["id"] == alice, okta.tail()
    assert_never_returns_password(okta, put, "PUT /Users")
    assert_no_drift(okta, alice_want, put, "PUT (response)")
    read = okta.get(f"/Users/{alice}")
    assert_no_drift(okta, alice_want, read, "PUT")
    obs.record("alice: after profile push", read)

    # Group Push: existence check, create with a member, add, rename, remove.
    group = names["group"]
    lr = okta.list("/Groups", okta_filter(f'displayName eq "{group}"'))
    assert lr["totalResults"] == 0, okta.tail()
    group_want = {"schemas": [GROUP_SCHEMA], "displayName": group,
                  "members": [{"value": alice, "display": names["alice"]}]}
    created = okta.json(okta.send("POST", "/Groups", group_want, expect=(201,)))
    gid = created["id"]
    obs.labels.add(gid, "group")
    assert_no_drift(okta, group_want, created, "POST /Groups (response)")
    read = okta.get(f"/Groups/{gid}")
    assert_no_drift(okta, group_want, read, "POST /Groups")
    obs.record("group: created", read)
    user = okta.get(f"/Users/{alice}")
    assert [g["value"] for g in user.get("groups", [])] == [gid], f"User.groups reflects the push{okta.tail()}"

    okta.patch(f"/Groups/{gid}", {"op": "add", "path": "members",
                                  "value": [{"value": bob, "display": names["bob"]}]})
    group_want["members"].append({"value": bob, "display": names["bob"]})
    assert_no_drift(okta, group_want, okta.get(f"/Groups/{gid}"), "PATCH add members")

    renamed = names["group"] + " (renamed)"
    okta.patch(f"/Groups/{gid}", {"op": "replace", "value": {"id": gid, "displayName": renamed}})
    group_want["displayName"] = renamed
    assert_no_drift(okta, group_want, okta.get(f"/Groups/{gid}"), "rename (path-less replace with id)")

    okta.patch(f"/Groups/{gid}", {"op": "remove", "path": f'members[value eq "{alice}"]'})
    group_want["members"] = [{"value": bob, "display": names["bob"]}]
    read = okta.get(f"/Groups/{gid}")
    assert_no_drift(okta, group_want, read, 'remove members[value eq "…"]')
    obs.record("group: after member changes", read)
    lr = okta.list("/Groups", okta_filter(f'displayName eq "{renamed}"'))
    assert [g["id"] for g in lr["Resources"]] == [gid], okta.tail()

    # Deactivate and reactivate: path-less replace of active.
    for active in (False, True):
        okta.patch(f"/Users/{bob}", {"op": "replace", "value": {"active": active}})
        bob_want["active"] = active
        read = okta.get(f"/Users/{bob}")
        assert_no_drift(okta, bob_want, read, f"PATCH active={active}")
        obs.record(f"bob: active={active}", read)
        lr = okta.list("/Users", okta_filter(f'userName eq "{names["bob"]}"'))
        assert [u["id"] for u in lr["Resources"]] == [bob], f"a deactivated user is still found{okta.tail()}"

    # Import (the next sync cycle): Okta pages through everything and compares; nothing may differ.
    lr = okta.list("/Users", "startIndex=1&count=100")
    by_id = {u["id"]: u for u in lr["Resources"]}
    assert {alice, bob} <= set(by_id), okta.tail()
    assert_no_drift(okta, alice_want, by_id[alice], "import (alice)")
    assert_no_drift(okta, bob_want, by_id[bob], "import (bob)")
    lr = okta.list("/Groups", "startIndex=1&count=100")
    assert_no_drift(okta, group_want, {g["id"]: g for g in lr["Resources"]}[gid], "import (group)")

    # Unassign: the pushed group is deleted, users are deactivated.
    okta.send("DELETE", f"/Groups/{gid}", expect=(204,))
    okta.send("GET", f"/Groups/{gid}", expect=(404,))
    for uid, want in ((alice, alice_want), (bob, bob_want)):
        okta.patch(f"/Users/{uid}", {"op": "replace", "value": {"active": False}})
        want["active"] = False
        read = okta.get(f"/Users/{uid}")
        assert_no_drift(okta, want, read, "unassignment (deactivate)")
        assert "groups" not in read or read["groups"] == [], f"the deleted group left no membership{okta.tail()}"


def okta_names(uniq) -> dict:
    return {"alice": uniq("alice") + "@okta.test", "bob": uniq("bob") + "@okta.test", "group": uniq("Okta Engineers")}


def test_okta_replay(okta, uniq):
    replay(okta, okta_names(uniq), Observations(Labels()))


def test_okta_second_replay_shows_zero_drift(okta, uniq):
    """The same sequence again: the users are found and linked (PUT) instead of created, the group is
    pushed anew, and every read gives back what the first replay read."""
    assert_replays_identically(replay, okta, okta_names(uniq), "okta")


def test_okta_password_sync_patch_is_accepted_and_never_returned(okta, uniq):
    """Okta pushes a password change as a path-less PATCH replace; the password is writeOnly and
    returned "never" (RFC 7643 §4.1.1, §7; RFC 7644 §3.5.2)."""
    name = uniq("pw") + "@okta.test"
    uid = provision(okta, okta_user(name, "Pat", "Word", "00u3pw", "First-Pass1"), "pat", Observations(Labels()))
    answer = okta.patch(f"/Users/{uid}", {"op": "replace", "value": {"password": "Second-Pass2"}})
    if answer is not None:
        assert_never_returns_password(okta, answer, "PATCH password (response)")
    assert_never_returns_password(okta, okta.get(f"/Users/{uid}"), "PATCH password (GET)")
    lr = okta.list("/Users", okta_filter(f'userName eq "{name}"'))
    assert_never_returns_password(okta, lr["Resources"][0], "PATCH password (filter)")
    attrs = okta.get(f"/Users/{uid}", "attributes=password,userName")
    assert_never_returns_password(okta, attrs, "PATCH password (attributes=password)")
    lr = okta.list("/Users", okta_filter('password eq "Second-Pass2"'))
    assert lr["totalResults"] == 0, f"a writeOnly attribute cannot be filtered on{okta.tail()}"


def test_okta_put_ignores_read_only_groups_and_meta(okta, uniq):
    """Okta's PUT carries the groups and meta it read; RFC 7644 §3.5.1: readOnly values are ignored."""
    name = uniq("ro") + "@okta.test"
    uid = provision(okta, okta_user(name, "Read", "Only", "00u4ro", "Pass-Word3"), "ro", Observations(Labels()))
    current = okta.get(f"/Users/{uid}")
    body = {**current, "password": "Pass-Word3", "nickName": "Ro",
            "groups": [{"value": "0f0f0f0f-0000-4000-8000-000000000000", "display": "Not A Group"}],
            "meta": {**current["meta"], "created": "2001-01-01T00:00:00Z", "resourceType": "User"}}
    put = okta.json(okta.send("PUT", f"/Users/{uid}", body))
    assert put["nickName"] == "Ro", okta.tail()
    assert put.get("groups", []) == [], f"groups is readOnly: the value sent is ignored{okta.tail()}"
    assert put["meta"]["created"] == current["meta"]["created"], f"meta is the server's{okta.tail()}"
