"""Admin regexes with bounded cost (issue 9, item 4), through nginx and the real responder.

An admin's pattern that backtracks catastrophically (`^(a|aa)+$`) meets an IdP name made to make
it: the write is refused promptly with a 400 SCIM error naming the rule and the limit it hit,
other requests keep being answered meanwhile, the refusal is audited, the directory does not
change, and `scimsync sync` reports the user it cannot derive and goes on with the others.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time

from idp_support import NGINX_ONLY, IdpClient
from rules_support import (audit, create_group, create_user, new_rules_app, refused_entries, rules_set, rules_show,
                           scim_error, scim_user, snapshot, sync)

pytestmark = NGINX_ONLY

CATASTROPHIC = "^(a|aa)+$"
# RegexLimit in Sources/SyncRules/Regex/RegexLimit.swift: each limit as errors name it.
LIMIT = re.compile(r"the (match limit \(1000000 backtracking steps per name\)"
                   r"|depth limit \(10000 nested backtracking points\)|heap limit \(4096 KiB\))")
# Generous: the refusal takes milliseconds (printed); a timing target belongs in a benchmark.
PROMPT_SECONDS = 2.0


class Poller:
    """GETs `path` in a thread of its own, on a connection of its own, until stopped."""

    def __init__(self, idp: IdpClient, path: str):
        self.client = IdpClient(idp.name, idp.base_url, idp.token, idp.content_type)
        self.path = path
        self.answers: list[tuple[float, float, int]] = []
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stopping.is_set():
            start = time.monotonic()
            status = self.client.send("GET", self.path, query="count=1", expect=range(100, 600)).status_code
            self.answers.append((start, time.monotonic(), status))

    def __enter__(self) -> Poller:
        self.thread.start()
        while not self.answers:
            time.sleep(0.005)
        return self

    def __exit__(self, *exc) -> None:
        # A few more answers after the refusal: the responder still serves.
        count = len(self.answers)
        while len(self.answers) < count + 3 and self.thread.is_alive():
            time.sleep(0.005)
        self.stopping.set()
        self.thread.join(10)
        self.client.close()

    def during(self, start: float, end: float) -> list[int]:
        return [status for (s, e, status) in self.answers if s < end and e > start]


def idp_names(idp: IdpClient, path: str, attribute: str) -> list[str]:
    """The names in the app's IdP view (a filter on a 10 kB name would not fit in a URL)."""
    return sorted(r[attribute] for r in idp.get(path, query="count=100")["Resources"])


def refused_promptly(idp: IdpClient, poller: Poller, path: str, body: dict, rule: str) -> str:
    """Sends the write that meets the catastrophic pattern; checks the 400 and returns its detail."""
    start = time.monotonic()
    r = idp.send("POST", path, body, expect=(400,))
    end = time.monotonic()
    error = scim_error(idp, r)
    detail = error.get("detail", "")
    print(f"\n{path} with a {len(body.get('userName') or body.get('displayName'))}-character name: refused in "
          f"{(end - start) * 1000:.1f} ms; {len(poller.during(start, end))} concurrent GET(s) answered meanwhile")
    assert error.get("scimType") == "invalidValue", error
    assert rule in detail and LIMIT.search(detail), f"the detail names the rule and the limit: {detail}"
    assert end - start < PROMPT_SECONDS, f"refused after {end - start:.2f} s"
    return detail


def test_username_transform_that_hits_a_limit_refuses_the_write(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--username-pattern", CATASTROPHIC, "--username-replacement", "x")
    create_user(app.idp, scim_user("aaaa"))
    create_user(app.idp, scim_user("bob"))
    before = snapshot(stack, app.directory)
    assert sorted(before["users"]) == ["bob", "x"], before

    with Poller(app.idp, "/Users") as poller:
        for length in (40, 10_000):
            name = "a" * length + "b"
            refused_promptly(app.idp, poller, "/Users", scim_user(name), "userSync.usernameTransform")
    assert {status for (_, _, status) in poller.answers} == {200}, poller.answers

    assert snapshot(stack, app.directory) == before, "the directory is unchanged"
    assert idp_names(app.idp, "/Users", "userName") == ["aaaa", "bob"], "the IdP view did not take the users"
    refused = refused_entries(audit(stack, app))
    assert [e["operation"] for e in refused] == ["user.create", "user.create"], refused
    assert all("userSync.usernameTransform" in e["detail"] and LIMIT.search(e["detail"]) for e in refused), refused


def test_sync_reports_the_user_the_limit_refuses_and_goes_on(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    long_name = "a" * 40 + "b"
    for name in ("aaaa", long_name, "bob"):
        create_user(app.idp, scim_user(name))
    rules_set(stack, app, "--username-pattern", CATASTROPHIC, "--username-replacement", "x")

    out = sync(stack, app).stdout
    refusal = [line for line in out.splitlines() if line.startswith(f"{app.name}: user refused: {long_name} (")]
    assert refusal and "userSync.usernameTransform" in refusal[0] and LIMIT.search(refusal[0]), out
    assert f"{app.name}: user updated: x (username)" in out, f"the other users are derived:\n{out}"
    users = snapshot(stack, app.directory)["users"]
    assert sorted(users) == sorted(["x", long_name, "bob"]), f"the refused user is left as it was: {users}"


def test_group_filter_that_hits_a_limit_refuses_the_write(stack, uniq):
    app = new_rules_app(stack, uniq, "okta")
    rules_set(stack, app, "--deny-group", CATASTROPHIC)
    alice = create_user(app.idp, scim_user("alice"))
    create_group(app.idp, "Engineering", alice)
    before = snapshot(stack, app.directory)

    name = "a" * 10_000 + "b"
    body = {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": name,
            "members": [{"value": alice}]}
    with Poller(app.idp, "/Groups") as poller:
        refused_promptly(app.idp, poller, "/Groups", body, "groupSync.filter.deny[0]")
    assert {status for (_, _, status) in poller.answers} == {200}, poller.answers

    assert snapshot(stack, app.directory) == before, "the directory is unchanged"
    assert idp_names(app.idp, "/Groups", "displayName") == ["Engineering"], "the IdP view did not take the group"
    refused = refused_entries(audit(stack, app))
    assert [e["operation"] for e in refused] == ["group.create"], refused
    assert "groupSync.filter.deny[0]" in refused[0]["detail"] and LIMIT.search(refused[0]["detail"]), refused


def test_stored_rules_pcre2_cannot_compile_are_named_and_can_be_replaced_from_a_file(stack, uniq, tmp_path):
    app = new_rules_app(stack, uniq, "okta")
    # Saved before PCRE2: ICU took `(?w)`, PCRE2 does not.
    icu_only = {"groupSync": {"filter": {"allow": [], "deny": ["^test-", "(?w)\\bx"]}}}
    with sqlite3.connect(stack.db) as db:
        db.execute("UPDATE app SET rules = ? WHERE name = ?", (json.dumps(icu_only), app.name))
    shown = stack.cli("rules", "show", app.name, check=False)
    assert shown.returncode == 1 and "/groupSync/filter/deny/1: '(?w)\\bx' is not a valid regular expression: " \
        "unrecognized character after (? or (?- at offset 2" in shown.stderr, shown.stderr

    fixed = tmp_path / "rules.json"
    fixed.write_text(json.dumps({"groupSync": {"filter": {"deny": ["^test-"]}}}))
    rules_set(stack, app, "--file", str(fixed))
    assert rules_show(stack, app)["groupSync"]["filter"] == {"allow": [], "deny": ["^test-"]}
    create_user(app.idp, scim_user("carol"))
