"""A real Crowd client (python-crowd 3.1.0, PyPI `crowd`) reading a directory an IdP provisioned
over SCIM, through each web server (nginx, Apache with mod_proxy_fcgi, Apache with mod_fcgid)."""

from __future__ import annotations

import crowd
import pytest

from crowd_support import CrowdSetup, create_client, provision


@pytest.fixture
def setup(stack, uniq) -> CrowdSetup:
    s = provision(stack, uniq)
    yield s
    s.app.idp.close()


def test_the_application_authenticates_only_with_its_password(setup):
    assert setup.server().auth_ping() is True
    assert setup.server(password="scc_wrong").auth_ping() is False


def test_users_read_as_the_rules_shaped_them(setup):
    server = setup.server()
    alice = server.get_user("alice")
    assert (alice["name"], alice["email"], alice["first-name"], alice["last-name"], alice["active"]) == (
        "alice", "alice@corp.test", "Alice", "Tester", True)
    assert alice["display-name"] == "Alice Tester" and alice["key"]
    assert server.get_user("ALICE")["name"] == "alice", "lookups ignore case, as Crowd's do"
    assert server.get_user("alice@corp.test") is None, "the IdP's login is not the directory's username"
    assert server.user_exists("carol") is True
    assert server.get_user("carol")["active"] is False, "the IdP deactivated carol"
    assert server.user_exists("nobody") is None


def test_groups_direct_and_nested(setup):
    server = setup.server()
    assert server.get_groups("alice") == ["jira-users"], "the IdP group Engineering is mapped to jira-users"
    assert server.get_groups("bob") == [], "the unmapped IdP group is not imported"
    assert server.get_nested_groups("alice") == ["all-staff", "jira-users"]
    assert server.get_nested_group_users("all-staff") == ["alice", "carol"]
    assert server.get_nested_group_users("jira-users") == ["alice", "carol"]


def test_every_membership_at_once(setup):
    memberships = setup.server().get_memberships()
    assert memberships == {
        "all-staff": {"users": [], "groups": ["jira-users"]},
        "jira-users": {"users": ["alice", "carol"], "groups": []},
    }


def test_search_by_property(setup):
    server = setup.server()
    users = server.search("user", "email", "corp.test")
    assert [u["name"] for u in users["users"]] == ["alice", "bob", "carol"]
    assert users["users"][0]["email"] == "alice@corp.test", "expand=user returns whole users"
    assert [u["name"] for u in server.search("user", "name", "aro")["users"]] == ["carol"]
    assert [g["name"] for g in server.search("group", "name", "JIRA")["groups"]] == ["jira-users"]


def test_the_client_sees_only_its_directories(setup, stack, uniq):
    other = uniq("elsewhere")
    stack.cli("directory", "create", other)
    name = uniq("wiki")
    password = create_client(stack, name, "--directory", other)
    server = crowd.CrowdServer(setup.crowd_url, name, password)
    assert server.auth_ping() is True
    assert server.get_user("alice") is None
    assert server.get_memberships() == {}


def test_the_address_check_sees_the_clients_real_address(setup, stack, uniq):
    """REMOTE_ADDR reaches the responder through each front end: 127.0.0.1 is allowed by one
    client's range and refused by the other's."""
    inside = uniq("near")
    outside = uniq("far")
    near = create_client(stack, inside, "--directory", setup.app.directory, "--allow-address", "127.0.0.0/8")
    far = create_client(stack, outside, "--directory", setup.app.directory, "--allow-address", "10.0.0.0/8",
                        "--allow-address", "2001:db8::/32")
    assert setup.get("user", auth=(inside, near), username="alice").status_code == 200
    r = setup.get("user", auth=(outside, far), username="alice")
    assert r.status_code == 403
    assert r.json()["reason"] == "APPLICATION_ACCESS_DENIED" and "127.0.0.1" in r.json()["message"]


def test_sign_in_fails_so_the_application_offers_sso_and_writes_are_refused(setup):
    server = setup.server()
    assert server.auth_user("alice", "any password") is None
    assert server.get_session("alice", "any password") is None
    assert server.validate_session("no-such-token") is None
    assert server.get_cookie_conf()["name"] == "crowd.token_key"
    with pytest.raises(RuntimeError, match="source of truth"):
        server.add_user("eve", raise_on_error=True, password="x", email="eve@corp.test")
    assert server.add_user_to_group("bob", "jira-users") is False
    assert server.get_groups("bob") == [], "nothing was written"
