#!/usr/bin/env python3
"""Reads a running responder's memory around the requests whose answers grow with the data, for
bench/grow.sh (docs/BENCHMARKS.md, "A million users"): pages of 1,000 users, a group of many
members read whole (GET /Groups/{id}, which no response byte limit cuts), the same without its
members, a page of groups holding it, and a /Bulk request of PATCHes of it. Each step is sent
once, then by 8 clients at once, then again, so that memory a request keeps (a leak) shows as
growth from batch to batch.

Appends JSON lines to --out:
  {"kind": "probe", "step": text, "requests": n, "bytes": per answer, "seconds": wall time,
   "rss_kb": VmRSS after, "hwm_kb": VmHWM after}

usage: rss_probe.py --port P --base-path /scim/million/v2 --token T --pid RESPONDER_PID
                    --users users.tsv --members 200000 --out grow.jsonl
"""
import argparse
import http.client
import json
import sys
import threading
import time

from proc_memory import memory_kib

CLIENTS = 8
MEMBERS_PER_PATCH = 10_000  # membersMaxPerRequest
BULK_RENAMES = 10


class Client:
    def __init__(self, args):
        self.args = args
        self.connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=600)

    def send(self, method, path, body=None, expect=200):
        headers = {"Authorization": "Bearer " + self.args.token, "Accept": "application/scim+json"}
        if body is not None:
            headers["Content-Type"] = "application/scim+json"
            body = json.dumps(body).encode()
        self.connection.request(method, self.args.base_path + path, body=body, headers=headers)
        response = self.connection.getresponse()
        payload = response.read()
        if response.status != expect:
            raise SystemExit("rss_probe: %s %s: HTTP %d %s" % (method, path, response.status, payload[:300]))
        return payload


def bulk_renames(client, group, members, record):
    """A /Bulk request of BULK_RENAMES displayName PATCHes of the large group: each operation's
    answer is rendered (members included) inside the request's transaction, then dropped."""
    operations = [{"method": "PATCH", "path": "/Groups/" + group, "data": {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "replace", "path": "displayName", "value": "rss-probe-%d" % i}]}}
        for i in range(BULK_RENAMES)]
    began = time.monotonic()
    try:
        answer = json.loads(client.send("POST", "/Bulk", {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": operations}))
        statuses = sorted({entry.get("status") for entry in answer["Operations"]})
    except (SystemExit, ValueError, KeyError, OSError, http.client.HTTPException) as error:
        statuses = ["failed: %s" % error]
    record("POST /Bulk of %d displayName PATCHes of the %s (statuses %s)"
           % (BULK_RENAMES, members, "/".join(map(str, statuses))), 1, 0, time.monotonic() - began)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--base-path", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--users", required=True, help="users.tsv of the app (id first)")
    parser.add_argument("--members", type=int, default=200_000)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    out = open(args.out, "a")

    def record(step, requests, size, seconds):
        rss, hwm = memory_kib(args.pid)
        line = {"kind": "probe", "step": step, "requests": requests, "bytes": size,
                "seconds": round(seconds, 3), "rss_kb": rss, "hwm_kb": hwm}
        out.write(json.dumps(line) + "\n")
        out.flush()
        print("rss_probe: %-58s %3d × %10d bytes  %7.2f s  VmRSS %6.1f MB  VmHWM %6.1f MB"
              % (step, requests, size, seconds, rss / 1024, hwm / 1024), file=sys.stderr)

    def batches(step, path, rounds=(1, CLIENTS, CLIENTS, CLIENTS)):
        """Sends `path` once, then by CLIENTS clients at once, several times."""
        for clients in rounds:
            sizes = []
            began = time.monotonic()

            def one():
                sizes.append(len(Client(args).send("GET", path)))
            threads = [threading.Thread(target=one) for _ in range(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            if len(sizes) != clients:
                raise SystemExit("rss_probe: a request of '%s' failed" % step)
            record(step + (" (%d at once)" % clients if clients > 1 else ""), clients, max(sizes),
                   time.monotonic() - began)

    record("before", 0, 0, 0)
    batches("GET /Users?count=1000 (a page of 1,000 users)", "/Users?count=1000&startIndex=1")

    with open(args.users) as f:
        ids = [line.split("\t", 1)[0] for _, line in zip(range(args.members), f)]
    client = Client(args)
    group = json.loads(client.send("POST", "/Groups", {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"], "displayName": "rss-probe"}, expect=201))["id"]
    began = time.monotonic()
    for first in range(0, len(ids), MEMBERS_PER_PATCH):
        client.send("PATCH", "/Groups/" + group, {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "add", "path": "members",
                            "value": [{"value": i} for i in ids[first:first + MEMBERS_PER_PATCH]]}]}, expect=204)
    record("PATCH add 10,000 members at a time, to %d" % len(ids), -(-len(ids) // MEMBERS_PER_PATCH), 0,
           time.monotonic() - began)
    members = "%d-member group" % len(ids)
    batches("GET /Groups/{id}?excludedAttributes=members, " + members,
            "/Groups/%s?excludedAttributes=members" % group, rounds=(1, CLIENTS))
    batches("GET /Groups/{id}, " + members, "/Groups/" + group)
    batches("GET /Groups?count=100 (the page holds the %s)" % members, "/Groups?count=100", rounds=(1,))
    bulk_renames(client, group, members, record)
    out.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
