"""Helpers for the Crowd API tests (test_crowd_*.py): a directory provisioned by an Okta replay
with sync rules shaping it, and a Crowd client that reads it.

The provisioned directory, as a Crowd client must see it:
- the rules strip `@corp.test` from usernames: the IdP's `alice@corp.test` is the directory's `alice`;
- the rules map the IdP group `Engineering` to the directory group `jira-users` (manual mode: the
  IdP group `Unmapped` is not imported);
- `carol` is deactivated by the IdP;
- the admin made `all-staff`, which contains `jira-users` (nested groups).
"""

from __future__ import annotations

from dataclasses import dataclass

import crowd
import requests

from rules_support import RulesApp, create_group, create_user, new_rules_app, okta_set_active, rules_set, scim_user
from stack import HTTP_TIMEOUT, Stack

API = "/crowd/rest/usermanagement/1"


@dataclass
class CrowdSetup:
    stack: Stack
    app: RulesApp
    client: str
    password: str
    user_ids: dict[str, str]
    group_id: str

    @property
    def crowd_url(self) -> str:
        return f"{self.stack.origin}/crowd"

    def server(self, password: str | None = None) -> crowd.CrowdServer:
        return crowd.CrowdServer(self.crowd_url, self.client, password or self.password, timeout=HTTP_TIMEOUT)

    def get(self, resource: str, accept: str = "application/json", auth=None, **params) -> requests.Response:
        return requests.get(f"{self.stack.origin}{API}/{resource}", params=params, headers={"Accept": accept},
                            auth=auth or (self.client, self.password), timeout=HTTP_TIMEOUT)

    def send(self, method: str, resource: str, body: bytes | str | None = None, content_type: str = "application/json",
             accept: str = "application/json", **params) -> requests.Response:
        return requests.request(method, f"{self.stack.origin}{API}/{resource}", params=params, data=body,
                                headers={"Accept": accept, "Content-Type": content_type},
                                auth=(self.client, self.password), timeout=HTTP_TIMEOUT)


def create_client(stack: Stack, name: str, *options: str) -> str:
    out = stack.cli_json("client", "create", name, *options)
    assert out["client"] == name and out["password"].startswith("scc_"), out
    return out["password"]


def provision(stack: Stack, uniq) -> CrowdSetup:
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--username-pattern", r"^([^@]+)@corp\.test$", "--username-replacement", "$1",
              "--group-mode", "manual", "--map-group", "Engineering=jira-users")
    ids = {}
    for given in ("Alice", "Bob", "Carol"):
        login = f"{given.lower()}@corp.test"
        ids[given.lower()] = create_user(app.idp, scim_user(login, given, "Tester", email=login))
    okta_set_active(app.idp, ids["carol"], False)
    group_id = create_group(app.idp, "Engineering", ids["alice"], ids["carol"])
    create_group(app.idp, "Unmapped", ids["bob"])
    stack.cli("group", "create", "all-staff", "--directory", app.directory)
    stack.cli("group", "add-member", "all-staff", "--group", "jira-users", "--directory", app.directory)
    client = uniq("jira")
    password = create_client(stack, client, "--directory", app.directory)
    return CrowdSetup(stack, app, client, password, ids, group_id)
