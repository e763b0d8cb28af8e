"""The Crowd API by plain HTTP, behind nginx: Crowd's XML and JSON shapes, every error entity,
the event feed across SCIM changes, refused clients, paging and searches."""

from __future__ import annotations

import sqlite3
import xml.etree.ElementTree as ET

import pytest

from crowd_support import CrowdSetup, provision
from idp_support import NGINX_ONLY
from rules_support import add_members, create_user, okta_set_active, scim_user

pytestmark = NGINX_ONLY

XML = "application/xml"


@pytest.fixture
def setup(stack, uniq) -> CrowdSetup:
    s = provision(stack, uniq)
    yield s
    s.app.idp.close()


def xml(r) -> ET.Element:
    assert r.headers["Content-Type"].startswith(XML), r.headers
    return ET.fromstring(r.content)


def error(r, status: int, reason: str) -> str:
    assert r.status_code == status, (r.status_code, r.text)
    body = r.json()
    assert body["reason"] == reason, body
    return body["message"]


# ----- shapes -------------------------------------------------------------------------------------------

def test_user_and_group_in_crowds_xml(setup):
    user = xml(setup.get("user", accept=XML, username="alice", expand="attributes"))
    assert (user.tag, user.get("name")) == ("user", "alice")
    assert [c.tag for c in user] == ["key", "first-name", "last-name", "display-name", "email", "active", "attributes"]
    assert (user.findtext("email"), user.findtext("active"), user.findtext("display-name")) == (
        "alice@corp.test", "true", "Alice Tester")
    group = xml(setup.get("group", accept=XML, groupname="jira-users"))
    assert (group.tag, group.get("name"), group.findtext("type"), group.findtext("active")) == (
        "group", "jira-users", "GROUP", "true")
    groups = xml(setup.get("user/group/nested", accept=XML, username="alice"))
    assert groups.tag == "groups" and [g.get("name") for g in groups.findall("group")] == ["all-staff", "jira-users"]
    failure = xml(setup.get("user", accept=XML, username="nobody"))
    assert (failure.tag, failure.findtext("reason")) == ("error", "USER_NOT_FOUND")


def test_xml_text_is_escaped(setup, stack):
    stack.cli("group", "create", 'R&D <"lab">', "--directory", setup.app.directory)
    group = xml(setup.get("group", accept=XML, groupname='r&d <"LAB">'))
    assert group.get("name") == 'R&D <"lab">'


def test_json_lists_name_their_entities_unless_expanded(setup):
    assert setup.get("group/user/direct", groupname="jira-users").json()["users"] == [{"name": "alice"}, {"name": "carol"}]
    full = setup.get("group/user/direct", groupname="jira-users", expand="user").json()["users"]
    assert [u["active"] for u in full] == [True, False]
    assert setup.get("config/cookie").json()["name"] == "crowd.token_key"


def test_relatives_of_groups(setup):
    assert setup.get("group/child-group/direct", groupname="all-staff").json()["groups"] == [{"name": "jira-users"}]
    assert setup.get("group/parent-group/nested", groupname="jira-users").json()["groups"] == [{"name": "all-staff"}]
    assert setup.get("group/child-group/direct", groupname="all-staff", **{"child-groupname": "JIRA-USERS"}).json()["name"] == "jira-users"
    assert setup.get("user/group/direct", username="alice", groupname="jira-users").json()["name"] == "jira-users"
    assert setup.get("group/user/nested", groupname="all-staff", username="carol").json()["name"] == "carol"


# ----- errors -------------------------------------------------------------------------------------------

def test_every_error_entity(setup):
    assert "nobody" in error(setup.get("user", username="nobody"), 404, "USER_NOT_FOUND")
    assert "nogroup" in error(setup.get("group", groupname="nogroup"), 404, "GROUP_NOT_FOUND")
    error(setup.get("user/group/direct", username="bob", groupname="jira-users"), 404, "MEMBERSHIP_NOT_FOUND")
    error(setup.get("group/child-group/direct", groupname="jira-users", **{"child-groupname": "all-staff"}), 404,
          "MEMBERSHIP_NOT_FOUND")
    assert "username" in error(setup.get("user"), 400, "ILLEGAL_ARGUMENT")
    error(setup.get("search", **{"entity-type": "user", "restriction": "name ="}), 400, "ILLEGAL_ARGUMENT")
    assert "identity provider" in error(
        setup.send("POST", "authentication", '{"value": "secret"}', username="alice"), 400, "INVALID_USER_AUTHENTICATION")
    error(setup.send("POST", "authentication", '{"value": "secret"}', username="nobody"), 404, "USER_NOT_FOUND")
    session = '{"username": "alice", "password": "x", "validation-factors": {"validationFactors": []}}'
    error(setup.send("POST", "session", session), 400, "INVALID_USER_AUTHENTICATION")
    error(setup.get("session/abc123"), 404, "INVALID_SSO_TOKEN")
    assert "source of truth" in error(setup.send("POST", "user", '{"name": "eve"}'), 403, "APPLICATION_PERMISSION_DENIED")
    error(setup.send("POST", "group/user/direct", '{"name": "bob"}', groupname="jira-users"), 403,
          "APPLICATION_PERMISSION_DENIED")
    error(setup.send("DELETE", "user", username="alice"), 403, "APPLICATION_PERMISSION_DENIED")
    assert setup.get("user", username="alice").status_code == 200, "nothing was deleted"
    error(setup.get("event/not-a-token"), 409, "EVENT_TOKEN_EXPIRED")


def test_wrong_password_missing_credentials_and_disabled_client(setup, stack):
    for auth in [(setup.client, "scc_wrong"), ("no-such-client", setup.password)]:
        r = setup.get("user", auth=auth, username="alice")
        assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Basic")
    stack.cli("client", "disable", setup.client)
    assert setup.get("user", username="alice").status_code == 401
    stack.cli("client", "enable", setup.client)
    assert setup.get("user", username="alice").status_code == 200
    new = stack.cli_json("client", "rotate-password", setup.client)["password"]
    assert setup.get("user", username="alice").status_code == 401, "the old password stops at once"
    assert setup.get("user", auth=(setup.client, new), username="alice").status_code == 200


def test_client_commands_are_audited_and_show_no_secret(setup, stack):
    shown = stack.cli_json("client", "show", setup.client)
    assert shown["directories"] == [setup.app.directory] and shown["enabled"] is True
    assert setup.password not in stack.cli("client", "list").stdout
    entries = stack.cli_json("audit", "--actor", stack.cli_json("audit", "--limit", "1")[0]["actor"], "--limit", "50")
    assert any(e["operation"] == "crowd.client.create" and setup.client in e["target"] for e in entries)


def test_hostile_bodies_get_clear_errors(setup):
    doctype = '<!DOCTYPE x [<!ENTITY e "boom">]><null-search-restriction/>'
    assert "DOCTYPE" in error(setup.send("POST", "search", doctype, XML, **{"entity-type": "user"}), 400, "ILLEGAL_ARGUMENT")
    deep = "<boolean-search-restriction><boolean-logic>and</boolean-logic><restrictions>" * 40
    error(setup.send("POST", "search", deep, XML, **{"entity-type": "user"}), 400, "ILLEGAL_ARGUMENT")
    error(setup.send("POST", "search", "{", **{"entity-type": "user"}), 400, "ILLEGAL_ARGUMENT")
    r = setup.send("POST", "search", "x", "text/plain", **{"entity-type": "user"})
    assert r.status_code == 415


# ----- search and paging --------------------------------------------------------------------------------

def names(r, key: str = "users") -> list[str]:
    assert r.status_code == 200, r.text
    return [e["name"] for e in r.json()[key]]


def test_search_in_cql_and_json(setup):
    search = {"entity-type": "user"}
    assert names(setup.get("search", **search, restriction="active = false")) == ["carol"]
    assert names(setup.get("search", **search, restriction='name = a* or (email = "BOB@corp.test" and active = true)')) == [
        "alice", "bob"]
    assert names(setup.get("search", **search, restriction="displayName = *ice*")) == ["alice"]
    assert names(setup.get("search", **{"entity-type": "group"}, restriction="name = all*"), "groups") == ["all-staff"]
    body = """{"restriction-type": "boolean-search-restriction", "boolean-logic": "and", "restrictions": [
      {"restriction-type": "property-search-restriction", "property": {"name": "lastName", "type": "STRING"},
       "match-mode": "EXACTLY_MATCHES", "value": "tester"},
      {"restriction-type": "property-search-restriction", "property": {"name": "firstName", "type": "STRING"},
       "match-mode": "STARTS_WITH", "value": "C"}]}"""
    assert names(setup.send("POST", "search", body, **search)) == ["carol"]
    assert names(setup.send("POST", "search", "", **search)) == ["alice", "bob", "carol"]
    error(setup.get("search", **search, restriction="shoeSize = 9"), 400, "ILLEGAL_ARGUMENT")


def test_paging(setup):
    search = {"entity-type": "user", "max-results": "2"}
    assert names(setup.get("search", **search, **{"start-index": "0"})) == ["alice", "bob"]
    assert names(setup.get("search", **search, **{"start-index": "2"})) == ["carol"]
    page = {"groupname": "jira-users", "max-results": "1"}
    assert names(setup.get("group/user/direct", **page, **{"start-index": "1"})) == ["carol"]
    error(setup.get("group/user/direct", groupname="jira-users", **{"max-results": "-1"}), 400, "ILLEGAL_ARGUMENT")


# ----- events -------------------------------------------------------------------------------------------

def events_since(setup, token: str) -> tuple[list[tuple], str]:
    root = xml(setup.get(f"event/{token}", accept=XML))
    assert root.tag == "events" and root.get("incrementalSynchronisationAvailable") == "true"
    found = []
    for event in root:
        entity = event.find("user") if event.find("user") is not None else event.find("group")
        child = event.find("childUser")
        parents = [g.get("name") for g in event.findall("parentGroups/group")]
        found.append((event.tag, event.findtext("operation"),
                      (child if child is not None else entity).get("name"), parents))
    return found, root.get("newEventToken")


def test_event_feed_follows_scim_changes(setup):
    token = setup.get("event").json()["newEventToken"]
    idp = setup.app.idp
    add_members(idp, setup.group_id, setup.user_ids["bob"])
    okta_set_active(idp, setup.user_ids["alice"], False)
    create_user(idp, scim_user("dave@corp.test", "Dave", "Tester", email="dave@corp.test"))
    root = xml(setup.get(f"event/{token}", accept=XML))
    users = {e.find("user").get("name"): e.find("user") for e in root.findall("userEvent")}
    assert users["alice"].findtext("active") == "false", "an UPDATED event carries the user as it is now"
    assert users["dave"].findtext("email") == "dave@corp.test"
    events, token = events_since(setup, token)
    assert events == [
        ("userMembershipEvent", "CREATED", "bob", ["jira-users"]),
        ("userEvent", "UPDATED", "alice", []),
        ("userEvent", "CREATED", "dave", []),
    ]
    assert events_since(setup, token)[0] == [], "nothing changed since the new token"
    json_events = setup.get(f"event/{token}").json()
    assert json_events["events"] == [] and json_events["newEventToken"] == token


def test_other_clients_directories_are_not_in_the_feed(setup, stack, uniq):
    token = setup.get("event").json()["newEventToken"]
    stack.cli("directory", "create", other := uniq("elsewhere"))
    stack.cli("user", "create", "zed", "--directory", other)
    assert events_since(setup, token)[0] == []


def test_a_token_older_than_the_feed_keeps_is_expired(setup, stack):
    token = setup.get("event").json()["newEventToken"]
    epoch, position = token.split("-")
    error(setup.get(f"event/{epoch}-{int(position) + 1}"), 409, "EVENT_TOKEN_EXPIRED")
    error(setup.get(f"event/0123456789abcdef-{position}"), 409, "EVENT_TOKEN_EXPIRED")
    # 100,001 changes later (written straight to the feed, as a busy directory would), the token
    # has left the window the feed keeps.
    with sqlite3.connect(stack.db, timeout=30) as db:
        db.execute("""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i <= 100000)
                      INSERT INTO crowd_event (directory_id, kind, operation, name) SELECT 0, 'user', 'UPDATED', 'x' FROM n""")
    error(setup.get(f"event/{token}"), 409, "EVENT_TOKEN_EXPIRED")
    assert setup.get(f"event/{setup.get('event').json()['newEventToken']}").status_code == 200


def test_every_membership_in_json_and_past_one_piece(setup, stack):
    body = setup.get("group/membership").json()["memberships"]
    assert {m["group"]: [u["name"] for u in m["users"]["users"]] for m in body} == {
        "all-staff": [], "jira-users": ["alice", "carol"]}
    # 6,000 more members (written straight to SQLite, as the admin's memberships): the answer is
    # sent in several 64 KiB pieces and must still be one whole document.
    with sqlite3.connect(stack.db, timeout=30) as db:
        db.create_function("scim_fold", 1, str.lower)
        directory = db.execute("SELECT id FROM directory WHERE name = ?", (setup.app.directory,)).fetchone()[0]
        group = db.execute("SELECT id FROM dir_group WHERE directory_id = ? AND name = 'all-staff'", (directory,)).fetchone()[0]
        db.execute("""WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 6000)
                      INSERT INTO dir_user (directory_id, name, name_key, created_at, modified_at)
                      SELECT ?, printf('member-%05d', i), printf('member-%05d', i), 'now', 'now' FROM n""", (directory,))
        db.execute("""INSERT INTO dir_membership (group_id, member_kind, member_id, rule)
                      SELECT ?, 'user', id, 'admin' FROM dir_user WHERE directory_id = ? AND name LIKE 'member-%'""",
                   (group, directory))
    root = xml(setup.get("group/membership", accept=XML))
    staff = [m for m in root.findall("membership") if m.get("group") == "all-staff"][0]
    names = [u.get("name") for u in staff.findall("users/user")]
    assert len(names) == 6000 and names[0] == "member-00001" and names[-1] == "member-06000"
    assert [g.get("name") for g in staff.findall("groups/group")] == ["jira-users"]


# ----- configuration export and import -----------------------------------------------------------------

def test_clients_travel_in_the_configuration_export_as_hashes(setup, stack, tmp_path):
    import json
    import jsonschema
    from pathlib import Path
    schema = json.loads((Path(__file__).resolve().parents[2] / "docs" / "config.schema.json").read_text())
    document = json.loads(stack.cli("export").stdout)
    jsonschema.validate(document, schema)
    exported = [c for c in document["crowdClients"] if c["name"] == setup.client][0]
    assert exported["directories"] == [setup.app.directory] and exported["passwordHash"].startswith("pbkdf2-sha256$")
    assert setup.password not in json.dumps(document), "the password itself is never exported"
    redacted = json.loads(stack.cli("export", "--redact").stdout)
    assert all("passwordHash" not in c for c in redacted["crowdClients"])

    path = tmp_path / "config.json"
    path.write_text(json.dumps(document))
    stack.cli("client", "delete", setup.client)
    assert setup.get("user", username="alice").status_code == 401
    out = stack.cli("import", str(path)).stdout
    assert f"crowd client created: {setup.client}" in out
    assert setup.get("user", username="alice").status_code == 200, "the imported hash verifies the same password"
    assert "crowd client" not in stack.cli("import", str(path)).stdout, "importing it again changes nothing"


def test_a_restore_expires_every_event_token(setup, stack, tmp_path):
    token = setup.get("event").json()["newEventToken"]
    snapshot = tmp_path / "snapshot.sqlite"
    stack.cli("backup", "--output", str(snapshot))
    assert setup.get(f"event/{token}").status_code == 200
    stack.cli("restore", str(snapshot), "--force")
    error(setup.get(f"event/{token}"), 409, "EVENT_TOKEN_EXPIRED")
    fresh = setup.get("event").json()["newEventToken"]
    assert fresh.split("-")[0] != token.split("-")[0]
    assert setup.get(f"event/{fresh}").status_code == 200
