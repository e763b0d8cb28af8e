#!/usr/bin/env python3
"""Walks /Users page by page the way Okta's import does (startIndex 1, 1+count, 1+2*count, …) on one
keep-alive connection, and prints pages per second and per-page latency near the start and near
the end of the walk: with the index walk (issue 12) the two are the same; with OFFSET paging a
deep page costs in proportion to its depth.

usage: walk_users.py --port P --base-path /scim/bench/v2 --token T [--count 100] [--pages N]
       (--pages: walk at most N pages from the start; default: the whole list)
"""
import argparse
import http.client
import json
import statistics
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--base-path", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--pages", type=int, default=0)
    args = parser.parse_args()

    connection = http.client.HTTPConnection(args.host, args.port, timeout=60)
    headers = {"Authorization": f"Bearer {args.token}", "Accept": "application/scim+json"}
    latencies, start, total, seen = [], 1, None, 0
    began = time.monotonic()
    while total is None or start <= total:
        sent = time.monotonic()
        connection.request("GET", f"{args.base_path}/Users?startIndex={start}&count={args.count}", headers=headers)
        response = connection.getresponse()
        body = response.read()
        latencies.append(time.monotonic() - sent)
        if response.status != 200:
            raise SystemExit(f"page at {start}: HTTP {response.status}: {body[:300]!r}")
        page = json.loads(body)
        total = page["totalResults"]
        got = len(page.get("Resources", []))
        if got == 0:
            break
        seen += got
        start += got
        if args.pages and len(latencies) >= args.pages:
            break
    elapsed = time.monotonic() - began
    tenth = max(1, len(latencies) // 10)
    first, last = latencies[:tenth], latencies[-tenth:]
    print(json.dumps({
        "users": total, "seen": seen, "pages": len(latencies), "seconds": round(elapsed, 2),
        "pages_per_second": round(len(latencies) / elapsed, 1),
        "first_tenth_median_ms": round(statistics.median(first) * 1000, 2),
        "last_tenth_median_ms": round(statistics.median(last) * 1000, 2),
    }))


if __name__ == "__main__":
    main()
