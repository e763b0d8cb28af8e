"""OneLogin's SCIM provisioning, replayed request by request through nginx.

Sources of the request shapes:
- OneLogin Developers, "SCIM: Step 1. Define Your SCIM User Schema"
  (developers.onelogin.com/scim/define-user-schema): the app's "SCIM JSON Template", rendered with
  the user's values and sent whole; the Enterprise template writes `emails` as a single object and
  the manager as {"managerId": …, "displayName": …}.
- The "SCIM Provisioner with SAML (SCIM v2 Enterprise)" connector's template as integrators publish
  it (core + enterprise schemas, "userName": "{$parameters.scimusername}", "active":
  "{$user.active}" rendered as a string, "id": null, "meta": {"resourceType": "User"}, empty
  strings for parameters a user has no value for).
- The sequence: look the user up by userName, POST the rendered template, send every profile
  change as a PUT of the whole rendered template (the template is the only body OneLogin knows how
  to build), suspend and unsuspend by the same PUT with active false / true, delete with DELETE.
  The template document above defines the bodies; the use of PUT for every update and for suspend
  is OneLogin's behaviour as SPEC §4 ("OneLogin's shapes") and issue 3 describe it (no OneLogin page found that lists
  the HTTP methods).
"""

from __future__ import annotations

import pytest

from idp_support import (ENTERPRISE_SCHEMA, GROUP_SCHEMA, NGINX_ONLY, USER_SCHEMA, IdpClient, Labels, Observations,
                         assert_no_drift, assert_replays_identically, new_app_client, okta_filter)

pytestmark = NGINX_ONLY


@pytest.fixture
def onelogin(stack):
    c = new_app_client(stack, "onelogin", "application/scim+json", "OneLogin-SCIM")
    yield c
    c.close()


def template(user_name: str, *, first: str, last: str, title: str, department: str,
             active: bool, user_id: str | None = None) -> dict:
    """The SCIM v2 Enterprise template, rendered for one user (every key always present)."""
    return {
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "userName": user_name,
        "name": {"familyName": last, "givenName": first, "formatted": f"{first} {last}"},
        "title": title,
        "userType": "",
        "timezone": "",
        "emails": [{"value": user_name, "type": "work", "primary": True}],
        "addresses": [{"locality": "Paris", "region": "", "country": "FR"}],
        ENTERPRISE_SCHEMA: {"organization": "", "division": "", "department": department},
        "active": "true" if active else "false",
        "id": user_id,
        "meta": {"resourceType": "User"},
    }


def lookup(onelogin: IdpClient, user_name: str) -> list[dict]:
    return onelogin.list("/Users", okta_filter(f'userName eq "{user_name}"'))["Resources"]


def replay(onelogin: IdpClient, names: dict, obs: Observations) -> None:
    """Assignment, profile pushes, suspend, unsuspend, delete."""
    user = names["user"]
    assert lookup(onelogin, user) == [], onelogin.tail()
    want = template(user, first="Jane", last="Doe", title="Engineer", department="R&D", active=True)
    created = onelogin.json(onelogin.send("POST", "/Users", want, expect=(201,)))
    uid = created["id"]
    obs.labels.add(uid, "user")
    assert created["active"] is True, f'"true" from the template is the boolean true{onelogin.tail()}'
    assert_no_drift(onelogin, want, created, "create (response)")
    found = lookup(onelogin, user)
    assert [u["id"] for u in found] == [uid], onelogin.tail()
    assert_no_drift(onelogin, want, found[0], "create")
    obs.record("created", found[0])

    # Profile changes: the whole template again, with the id.
    want = template(user, first="Jane", last="Doe-Smith", title="Senior Engineer", department="Platform",
                    active=True, user_id=uid)
    put = onelogin.json(onelogin.send("PUT", f"/Users/{uid}", want))
    assert_no_drift(onelogin, want, put, "profile PUT (response)")
    read = onelogin.get(f"/Users/{uid}")
    assert_no_drift(onelogin, want, read, "profile PUT")
    obs.record("after profile PUT", read)

    # A cleared field is rendered as "" and must read back as empty.
    want = template(user, first="Jane", last="Doe-Smith", title="", department="Platform", active=True, user_id=uid)
    onelogin.send("PUT", f"/Users/{uid}", want)
    assert_no_drift(onelogin, want, onelogin.get(f"/Users/{uid}"), "PUT with an emptied title")

    # Suspend, then unsuspend: PUT of the template with active false / true.
    for active in (False, True):
        want = template(user, first="Jane", last="Doe-Smith", title="", department="Platform",
                        active=active, user_id=uid)
        onelogin.send("PUT", f"/Users/{uid}", want)
        read = onelogin.get(f"/Users/{uid}")
        assert read["active"] is active, onelogin.tail()
        assert_no_drift(onelogin, want, read, f"PUT active {active}")
        obs.record(f"active {active}", read)
        assert [u["id"] for u in lookup(onelogin, user)] == [uid], f"a suspended user is still found{onelogin.tail()}"

    # Deprovisioning action "Delete".
    onelogin.send("DELETE", f"/Users/{uid}", expect=(204,))
    onelogin.send("GET", f"/Users/{uid}", expect=(404,))
    assert lookup(onelogin, user) == [], onelogin.tail()


def test_onelogin_replay(onelogin, uniq):
    replay(onelogin, {"user": uniq("jane") + "@corp.example"}, Observations(Labels()))


def test_onelogin_second_replay_shows_zero_drift(onelogin, uniq):
    assert_replays_identically(replay, onelogin, {"user": uniq("jane") + "@corp.example"}, "onelogin")


def test_onelogin_enterprise_template_shapes(onelogin, uniq):
    """The developers.onelogin.com Enterprise template: `emails` as one object (read back as a
    one-element list) and a manager with OneLogin's own `managerId` (an attribute the schema does
    not model: kept and returned, SPEC §4)."""
    user = uniq("john") + "@corp.example"
    body = {
        "schemas": [USER_SCHEMA, ENTERPRISE_SCHEMA],
        "userName": user,
        "name": {"familyName": "Smith", "givenName": "John", "formatted": "John Smith"},
        "emails": {"value": user, "type": "work", "primary": True},
        "title": "Manager",
        ENTERPRISE_SCHEMA: {"department": "Sales", "manager": {"managerId": "ext-42", "displayName": "Big Boss"}},
    }
    created = onelogin.json(onelogin.send("POST", "/Users", body, expect=(201,)))
    read = onelogin.get(f"/Users/{created['id']}")
    assert read["emails"] == [{"value": user, "type": "work", "primary": True}], onelogin.tail()
    assert read[ENTERPRISE_SCHEMA]["department"] == "Sales", onelogin.tail()
    assert read[ENTERPRISE_SCHEMA]["manager"].get("managerId") == "ext-42", onelogin.tail()
    body["title"] = "Director"
    body["id"] = created["id"]
    put = onelogin.json(onelogin.send("PUT", f"/Users/{created['id']}", body))
    assert put["title"] == "Director" and put["emails"][0]["value"] == user, onelogin.tail()
    onelogin.send("DELETE", f"/Users/{created['id']}", expect=(204,))


def test_onelogin_group_membership(onelogin, uniq):
    """OneLogin's group push: create the group, add and remove members with PATCH on "members"."""
    a = onelogin.json(onelogin.send("POST", "/Users", template(uniq("ga") + "@corp.example", first="G", last="A",
                                                               title="", department="", active=True), expect=(201,)))
    b = onelogin.json(onelogin.send("POST", "/Users", template(uniq("gb") + "@corp.example", first="G", last="B",
                                                               title="", department="", active=True), expect=(201,)))
    gid = onelogin.json(onelogin.send("POST", "/Groups", {"schemas": [GROUP_SCHEMA], "displayName": uniq("OneLogin Role")},
                                      expect=(201,)))["id"]
    onelogin.patch(f"/Groups/{gid}", {"op": "add", "path": "members", "value": [{"value": a["id"]}, {"value": b["id"]}]})
    onelogin.patch(f"/Groups/{gid}", {"op": "remove", "path": "members", "value": [{"value": a["id"]}]})
    members = onelogin.get(f"/Groups/{gid}").get("members", [])
    assert [m["value"] for m in members] == [b["id"]], onelogin.tail()
    onelogin.send("DELETE", f"/Groups/{gid}", expect=(204,))
