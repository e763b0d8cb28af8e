#!/usr/bin/env python3
"""Seeds SCIM users through the HTTP front (nginx -> scimsync-fcgi) for bench/run.sh.

Every POST is a durable write, so writes are issued from several threads, each with its own
keep-alive connection.  Writes a tab-separated file: id, userName, externalId (one line per
created user, in index order), which the wrk Lua scripts read.

usage: seed_users.py --port P --base-path /scim/bench/v2 --token T --count N
                     [--start 1] [--concurrency 16] [--prefix user] [--bulk OPS] --out users.tsv

--bulk OPS sends OPS creates per POST /Bulk request instead of one POST /Users each (the
responder commits a bulk request's operations 250 at a time): how an IdP's initial import, or
a 1,000,000-user directory for the benchmark, is built fastest over HTTP.
"""
import argparse
import http.client
import json
import sys
import threading
import time


def user_body(name, external_id, index):
    return json.dumps({
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": name,
        "externalId": external_id,
        "name": {"givenName": "Bench", "familyName": "User %d" % index},
        "emails": [{"value": name, "type": "work", "primary": True}],
        "active": True,
    }, separators=(",", ":")).encode()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--base-path", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--start", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--prefix", default="user")
    parser.add_argument("--bulk", type=int, default=0, help="creates per /Bulk request (0: one POST each)")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.bulk:
        return seed_in_bulk(args)

    width = max(5, len(str(args.start + args.count - 1)))
    results = [None] * args.count
    failures = []
    next_index = [0]
    lock = threading.Lock()
    headers = {
        "Authorization": "Bearer " + args.token,
        "Content-Type": "application/scim+json",
        "Accept": "application/scim+json",
    }
    path = args.base_path + "/Users"

    def worker():
        connection = None
        while True:
            with lock:
                if failures or next_index[0] >= args.count:
                    break
                slot = next_index[0]
                next_index[0] += 1
            index = args.start + slot
            name = "%s%0*d@example.com" % (args.prefix, width, index)
            external_id = "ext-%s-%0*d" % (args.prefix, width, index)
            body = user_body(name, external_id, index)
            for attempt in range(3):
                try:
                    if connection is None:
                        connection = http.client.HTTPConnection(args.host, args.port, timeout=30)
                    connection.request("POST", path, body=body, headers=headers)
                    response = connection.getresponse()
                    payload = response.read()
                    if response.will_close:
                        connection.close()
                        connection = None
                    break
                except (OSError, http.client.HTTPException) as error:
                    if connection is not None:
                        connection.close()
                    connection = None
                    if attempt == 2:
                        with lock:
                            failures.append("%s: %s" % (name, error))
                        return
            if response.status != 201:
                with lock:
                    failures.append("%s: HTTP %d %s" % (name, response.status, payload[:300].decode("utf-8", "replace")))
                return
            try:
                user_id = json.loads(payload)["id"]
            except (ValueError, KeyError, TypeError):
                with lock:
                    failures.append("%s: 201 without an id: %r" % (name, payload[:300]))
                return
            results[slot] = (user_id, name, external_id)
        if connection is not None:
            connection.close()

    return finish(args, results, failures, in_threads(worker, args.concurrency), "")


def seed_in_bulk(args):
    """Like main's loop, with `args.bulk` creates in each /Bulk request."""
    width = max(5, len(str(args.start + args.count - 1)))
    chunks = [range(first, min(first + args.bulk, args.count)) for first in range(0, args.count, args.bulk)]
    results = [None] * args.count
    failures = []
    lock = threading.Lock()
    headers = {"Authorization": "Bearer " + args.token, "Content-Type": "application/scim+json"}

    def worker():
        connection = http.client.HTTPConnection(args.host, args.port, timeout=120)
        while True:
            with lock:
                if failures or not chunks:
                    break
                slots = chunks.pop(0)
            names = []
            operations = []
            for slot in slots:
                index = args.start + slot
                name = "%s%0*d@example.com" % (args.prefix, width, index)
                external_id = "ext-%s-%0*d" % (args.prefix, width, index)
                names.append((slot, name, external_id))
                operations.append({"method": "POST", "path": "/Users", "bulkId": str(slot),
                                   "data": json.loads(user_body(name, external_id, index))})
            body = json.dumps({"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
                               "Operations": operations}, separators=(",", ":")).encode()
            try:
                connection.request("POST", args.base_path + "/Bulk", body=body, headers=headers)
                response = connection.getresponse()
                payload = response.read()
                answers = json.loads(payload)["Operations"] if response.status == 200 else None
            except (OSError, http.client.HTTPException, ValueError, KeyError) as error:
                with lock:
                    failures.append("bulk of %d: %s" % (len(slots), error))
                return
            if answers is None or len(answers) != len(slots):
                with lock:
                    failures.append("bulk: HTTP %d %s" % (response.status, payload[:300].decode("utf-8", "replace")))
                return
            for (slot, name, external_id), answer in zip(names, answers):
                if answer.get("status") != "201":
                    with lock:
                        failures.append("%s: %s %s" % (name, answer.get("status"), json.dumps(answer.get("response"))[:300]))
                    return
                results[slot] = (answer["location"].rsplit("/", 1)[1], name, external_id)
        connection.close()

    return finish(args, results, failures, in_threads(worker, args.concurrency),
                  " through /Bulk, %d per request" % args.bulk)


def in_threads(worker, concurrency):
    """Runs `worker` in `concurrency` threads; returns the seconds they took."""
    began = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, concurrency))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - began


def finish(args, results, failures, elapsed, how):
    """Writes the id file and the one-line report; 1 on any failure."""
    if failures:
        print("seed_users: FAILED after %d users: %s" % (sum(r is not None for r in results), failures[0]),
              file=sys.stderr)
        return 1
    with open(args.out, "w") as out:
        for user_id, name, external_id in results:
            out.write("%s\t%s\t%s\n" % (user_id, name, external_id))
    print("seed_users: created %d users in %.1f s (%.0f/s%s, %d connections)"
          % (args.count, elapsed, args.count / elapsed if elapsed > 0 else 0, how, args.concurrency))
    return 0


if __name__ == "__main__":
    sys.exit(main())
