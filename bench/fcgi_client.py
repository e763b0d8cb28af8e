#!/usr/bin/env python3
"""Sends SCIM requests straight to a ScimSync responder's FastCGI socket, one connection per
request with nginx's parameters (as deploy/nginx/scimsync.conf passes them), for
bench/instructions.sh: no web server in the way of a profile of the responder alone.

usage: fcgi_client.py --socket S --token T --kind post|bulk --count N --out users.tsv
       fcgi_client.py --socket S --token T --kind get|filter --count N --users users.tsv
       fcgi_client.py --socket S --token T --kind walk|cursor --count N

post creates N users, one POST /Users each, and bulk creates them through POST /Bulk,
--bulk-size creates per request; both write their id, userName and externalId (tab-separated,
as bench/seed_users.py does). get and filter ask for users of that file in a fixed random order
(GET /Users/{id}, GET /Users?filter=userName eq "..."). walk and cursor read N pages of 100
users the way an import walks the list, by startIndex or by cursor, from the first page again
after the last. Exits 1 if any answer is not a 2xx.
"""
import argparse
import json
import random
import socket
import struct
import sys
import urllib.parse

BASE = "/scim/bench/v2"


def record(kind, content, request_id=1):
    return struct.pack(">BBHHBB", 1, kind, request_id, len(content), 0, 0) + content


def name_value(name, value):
    def length(n):
        return bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)

    return length(len(name)) + length(len(value)) + name + value


def request(path, method, uri, query, token, body=b""):
    """The responder's answer (FastCGI stdout content) to one request."""
    params = {
        "REQUEST_METHOD": method, "REQUEST_URI": uri, "QUERY_STRING": query, "REQUEST_SCHEME": "http",
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1:8080",
        "HTTP_AUTHORIZATION": "Bearer " + token, "HTTP_USER_AGENT": "fcgi_client", "HTTP_ACCEPT": "*/*",
        "CONTENT_TYPE": "application/scim+json" if body else "", "CONTENT_LENGTH": str(len(body)) if body else "",
    }
    pairs = b"".join(name_value(k.encode(), v.encode()) for k, v in params.items())
    message = record(1, struct.pack(">HB5x", 1, 0)) + record(4, pairs) + record(4, b"")
    # A record holds at most 65,535 bytes: a large body (a /Bulk of 1,000 creates) goes in several.
    message += b"".join(record(5, body[at:at + 65535]) for at in range(0, len(body), 65535)) + record(5, b"")
    with socket.socket(socket.AF_UNIX) as connection:
        connection.connect(path)
        connection.sendall(message)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    out, offset = b"", 0
    while offset + 8 <= len(received):
        _, kind, _, length, padding, _ = struct.unpack(">BBHHBB", received[offset:offset + 8])
        if kind == 6:
            out += received[offset + 8:offset + 8 + length]
        offset += 8 + length + padding
    return out


def user_body(name, index):
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": name,
        "externalId": "ext-" + name, "name": {"givenName": "Bench", "familyName": "User %d" % index},
        "emails": [{"value": name, "type": "work", "primary": True}], "active": True,
    }


def created_rows(args, answer):
    """The (id, userName, externalId) rows of a POST /Users or /Bulk answer; None if not a 2xx."""
    if status(answer) not in (200, 201):
        return None
    document = json.loads(answer.split(b"\r\n\r\n", 1)[1])
    if args.kind == "post":
        return [(document["id"], document["userName"])]
    rows = []
    for operation in document["Operations"]:
        if operation.get("status") != "201":
            return None
        rows.append((operation["location"].rsplit("/", 1)[1], operation["bulkId"]))
    return rows


def create(args):
    """Creates args.count users; the number of requests that failed."""
    failures = 0
    size = 1 if args.kind == "post" else args.bulk_size
    with open(args.out, "w") as out:
        for first in range(0, args.count, size):
            names = ["%s%06d@example.com" % (args.prefix, index) for index in range(first, min(first + size, args.count))]
            if args.kind == "post":
                body, path = user_body(names[0], first), "/Users"
            else:
                body, path = {"schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"], "Operations": [
                    {"method": "POST", "path": "/Users", "bulkId": name, "data": user_body(name, first + offset)}
                    for offset, name in enumerate(names)]}, "/Bulk"
            rows = created_rows(args, request(args.socket, "POST", BASE + path, "", args.token, json.dumps(body).encode()))
            if rows is None:
                failures += 1
                continue
            for user_id, name in rows:
                out.write("%s\t%s\t%s\n" % (user_id, name, "ext-" + name))
    return failures


def walk(args):
    """Reads args.count pages of 100 users in order, by startIndex or by cursor; the failures."""
    failures, start, cursor = 0, 1, ""
    for _ in range(args.count):
        query = "count=100&" + ("startIndex=%d" % start if args.kind == "walk" else "cursor=" + cursor)
        answer = request(args.socket, "GET", BASE + "/Users?" + query, query, args.token)
        if status(answer) != 200:
            failures += 1
            continue
        page = json.loads(answer.split(b"\r\n\r\n", 1)[1])
        start = start + page["itemsPerPage"] if start + page["itemsPerPage"] <= page["totalResults"] else 1
        cursor = page.get("nextCursor", "")
    return failures


def status(answer):
    return int(answer.split(b"\r\n", 1)[0].split(b" ")[1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--socket", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--kind", choices=["post", "bulk", "get", "filter", "walk", "cursor"], required=True)
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--users")
    parser.add_argument("--out")
    parser.add_argument("--prefix", default="instr")
    parser.add_argument("--bulk-size", type=int, default=100, help="creates per /Bulk request")
    args = parser.parse_args()
    failures = 0
    if args.kind in ("post", "bulk"):
        failures = create(args)
    elif args.kind in ("walk", "cursor"):
        failures = walk(args)
    else:
        users = [line.rstrip("\n").split("\t") for line in open(args.users)]
        chooser = random.Random(1)
        for _ in range(args.count):
            user = users[chooser.randrange(len(users))]
            if args.kind == "get":
                uri, query = BASE + "/Users/" + user[0], ""
            else:
                query = "filter=" + urllib.parse.quote('userName eq "%s"' % user[1])
                uri = BASE + "/Users?" + query
            if status(request(args.socket, "GET", uri, query, args.token)) != 200:
                failures += 1
    if failures:
        print("fcgi_client: %d of %d requests failed" % (failures, args.count), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
