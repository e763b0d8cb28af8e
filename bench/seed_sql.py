#!/usr/bin/env python3
"""Seeds N users straight into one app's IdP view (scim_user) of a ScimSync database, for list and
paging benchmarks at sizes HTTP seeding takes too long for (1M users: about a minute instead of
twenty). It writes what POST /Users would store in the IdP view, and no directory user (the list
endpoints read the IdP view only); the schema's triggers keep the app's tally.

usage: seed_sql.py --database FILE --app NAME --count N [--prefix walk]
"""
import argparse
import datetime
import json
import sqlite3
import uuid


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", required=True)
    parser.add_argument("--app", required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--prefix", default="walk")
    args = parser.parse_args()
    con = sqlite3.connect(args.database)
    con.execute("PRAGMA busy_timeout = 10000")
    (app_id,) = con.execute("SELECT id FROM app WHERE name = ?", (args.app,)).fetchone()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    rows = []
    for i in range(args.count):
        uid, name = str(uuid.uuid4()), f"{args.prefix}{i:07d}@example.com"
        resource = json.dumps({"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "id": uid, "userName": name,
                               "name": {"givenName": "Walk", "familyName": f"User {i}"}, "active": True},
                              separators=(",", ":"))
        rows.append((app_id, uid, name, name.lower(), resource, now, now))
        if len(rows) == 10000 or i == args.count - 1:
            with con:
                con.executemany("INSERT INTO scim_user (app_id, id, user_name, user_name_key, active, resource, version, "
                                "created_at, modified_at) VALUES (?, ?, ?, ?, 1, ?, 1, ?, ?)", rows)
            rows = []
    con.close()


if __name__ == "__main__":
    main()
