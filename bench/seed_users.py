#!/usr/bin/env python3
"""Seeds SCIM users through the HTTP front (nginx -> scimsync-fcgi) for bench/run.sh.

Every POST is a durable write, so writes are issued from several threads, each with its own
keep-alive connection.  Writes a tab-separated file: id, userName, externalId (one line per
created user, in index order), which the wrk Lua scripts read.

usage: seed_users.py --port P --base-path /scim/bench/v2 --token T --count N
                     [--start 1] [--concurrency 16] [--prefix user] --out users.tsv
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
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

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

    began = time.monotonic()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(max(1, args.concurrency))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - began

    if failures:
        print("seed_users: FAILED after %d users: %s" % (sum(r is not None for r in results), failures[0]),
              file=sys.stderr)
        return 1
    with open(args.out, "w") as out:
        for user_id, name, external_id in results:
            out.write("%s\t%s\t%s\n" % (user_id, name, external_id))
    print("seed_users: created %d users in %.1f s (%.0f/s, %d connections)"
          % (args.count, elapsed, args.count / elapsed if elapsed > 0 else 0, args.concurrency))
    return 0


if __name__ == "__main__":
    sys.exit(main())
