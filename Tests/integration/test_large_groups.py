"""Large IdP groups through nginx: deleting or renaming a group of 3,000 members answers at once
and leaves the directory work queued, done in batches of 100 (SCIMSYNC_GROUP_BATCH) by the
responder's background thread; a kill -9 half-way resumes after the restart; a PUT that changes
nothing changes nothing."""

from __future__ import annotations

import time
import uuid

import pytest

from idp_support import GROUP_SCHEMA
from load import integrity_check
from rules_support import group_members, group_names, via_group
from scimcheck import assert_status, patch_body, user_body
from stack import Stack

MEMBERS = 3000
BATCH = 100
CATCH_UP_SECONDS = 120


@pytest.fixture
def groups_stack():
    s = Stack("nginx", env={"SCIMSYNC_GROUP_BATCH": str(BATCH)})
    try:
        s.start(apps=(("alpha", "corp", "generic"),))
        yield s
    finally:
        s.cleanup()


def seed_users(client, prefix: str, count: int) -> list[str]:
    """Creates `count` users through /Bulk, 1,000 a request; returns their ids."""
    ids: list[str] = []
    for start in range(0, count, 1000):
        ops = [{"method": "POST", "path": "/Users", "bulkId": f"u{i}", "data": user_body(f"{prefix}{i:05d}")}
               for i in range(start, min(start + 1000, count))]
        r = client.post("/Bulk", {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                                  "Operations": ops})
        assert_status(r, 200)
        for op in r.json()["Operations"]:
            assert op["status"] == "201", op
            ids.append(op["location"].rsplit("/", 1)[1])
    return ids


def create_group(client, name: str, member_ids: list[str]) -> dict:
    r = client.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": name,
                                "members": [{"value": i} for i in member_ids]})
    assert_status(r, 201)
    return r.json()


def audit(stack: Stack) -> list[dict]:
    return stack.cli_json("audit", "--app", "alpha", "--limit", "10000")


def wait_for(what: str, condition, timeout: float = CATCH_UP_SECONDS) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout, f"{what}: not after {timeout} s"
        time.sleep(0.3)
    return time.monotonic() - started


def test_delete_answers_at_once_and_the_directory_catches_up_in_batches(groups_stack):
    s = groups_stack
    alpha = s.client("alpha")
    ids = seed_users(alpha, "del", MEMBERS)
    group = create_group(alpha, "Big", ids)
    other = create_group(alpha, "Small", ids[:5])
    assert len(group_members(s, "corp", "Big")) == MEMBERS

    assert_status(alpha.delete(f"/Groups/{group['id']}"), 204)
    assert_status(alpha.get(f"/Groups/{group['id']}"), 404)
    names = [g["displayName"] for g in alpha.get("/Groups").json()["Resources"]]
    assert names == ["Small"]
    request = next(e for e in audit(s) if e["operation"] == "group.delete")
    assert "queued" in (request["detail"] or ""), request

    # Meanwhile the IdP keeps writing, and its writes are not undone.
    assert_status(alpha.patch(f"/Groups/{other['id']}", patch_body(
        {"op": "add", "path": "members", "value": [{"value": ids[-1]}]})), 204)
    wait_for("the directory to drop group Big", lambda: "Big" not in group_names(s, "corp"))
    assert sorted(group_members(s, "corp", "Small")) == sorted(f"del{i:05d}" for i in [0, 1, 2, 3, 4, MEMBERS - 1])
    batches = [e for e in audit(s) if e["operation"] == "group.delete.batch"]
    assert len(batches) >= MEMBERS // BATCH
    assert all(e["requestId"] == request["requestId"] for e in batches)


def test_rename_keeps_every_member_and_resumes_after_kill9(groups_stack):
    s = groups_stack
    alpha = s.client("alpha")
    ids = seed_users(alpha, "ren", MEMBERS)
    group = create_group(alpha, "Eng", ids)

    r = alpha.patch(f"/Groups/{group['id']}", patch_body({"op": "replace", "path": "displayName", "value": "R&D"}))
    assert_status(r, 200)
    assert alpha.get(f"/Groups/{group['id']}").json()["displayName"] == "R&D"
    # Kill the responder once the batches have started and before they are done.
    wait_for("the first batches", lambda: len(group_members(s, "corp", "R&D") or {}) >= BATCH, timeout=60)
    s.responders[0].kill9()
    moved = len(group_members(s, "corp", "R&D") or {})
    assert moved < MEMBERS, "the rename finished before the kill: nothing left to resume"
    assert integrity_check(s.db) == "ok"

    s.start_responder(0)
    wait_for("the rename to finish", lambda: "Eng" not in group_names(s, "corp"))
    members = group_members(s, "corp", "R&D")
    assert sorted(members) == sorted(f"ren{i:05d}" for i in range(MEMBERS))
    assert all(origins == [via_group("alpha", "R&D")] for _, origins in members.values())


def test_a_put_that_changes_nothing_changes_nothing(groups_stack):
    s = groups_stack
    alpha = s.client("alpha")
    ids = seed_users(alpha, f"put{uuid.uuid4().hex[:4]}-", 20)
    group = create_group(alpha, "Same", ids)
    before = alpha.get(f"/Groups/{group['id']}")
    entries = len(audit(s))
    time.sleep(0.01)

    body = {"schemas": [GROUP_SCHEMA], "displayName": "Same", "members": [{"value": i} for i in reversed(ids)]}
    r = alpha.put(f"/Groups/{group['id']}", body)
    assert_status(r, 200)
    assert r.headers["ETag"] == before.headers["ETag"]
    assert r.json()["meta"]["lastModified"] == before.json()["meta"]["lastModified"]
    assert r.json()["meta"]["version"] == before.json()["meta"]["version"]
    assert len(audit(s)) == entries, "no audit entry: nothing changed"
    assert len(group_members(s, "corp", "Same")) == 20


def test_a_large_group_read_whole_is_streamed_with_every_member(groups_stack):
    """GET /Groups/{id} of a group past 1,000 members is written 64 KiB at a time from a
    snapshot of its own (its memory: bench/rss_probe.py): the answer is the same JSON as an
    unstreamed one, with every member."""
    s = groups_stack
    alpha = s.client("alpha")
    ids = seed_users(alpha, "str", MEMBERS)
    group = create_group(alpha, "Streamed", ids)
    small = create_group(alpha, "Small", ids[:10])

    r = alpha.get(f"/Groups/{group['id']}")
    assert_status(r, 200)
    assert r.headers["Content-Type"].startswith("application/scim+json")
    assert r.headers.get("ETag") == group["meta"]["version"]
    body = r.json()
    assert sorted(m["value"] for m in body["members"]) == sorted(ids)
    assert [m["value"] for m in body["members"]] == sorted(ids), "in member id order, as an unstreamed answer"
    assert all(m["type"] == "User" and m["$ref"].endswith("/Users/" + m["value"]) for m in body["members"])
    assert body["displayName"] == "Streamed" and body["meta"]["resourceType"] == "Group"
    # The same shape as a small group's answer, which is not streamed.
    assert list(body) == list(alpha.get(f"/Groups/{small['id']}").json())
    assert_status(alpha.get(f"/Groups/{group['id']}", headers={"If-None-Match": group["meta"]["version"]}), 304)
