"""Write load through the web server, and a look at the SQLite file, shared by the tests that
check what survives a crash or goes into a backup."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import requests

from scimcheck import user_body
from stack import HTTP_TIMEOUT, SCIM_JSON, Stack

MAX_POSTS_PER_CLIENT = 2000


class CreateLoad:
    """Client threads POSTing new users (`<prefix>-<client>-<n>`) through nginx until stopped.
    Every outcome, a response or a `requests` exception, goes to `record(name, outcome, finished)`,
    called under a lock."""

    def __init__(self, s: Stack, app: str, prefix: str, clients: int, record):
        self.url = s.base_url(app) + "/Users"
        self.headers = {"Authorization": f"Bearer {s.apps[app].token}", "Content-Type": SCIM_JSON}
        self.prefix, self.record = prefix, record
        self.lock, self.stopping = threading.Lock(), threading.Event()
        self.threads = [threading.Thread(target=self._client, args=(n,), daemon=True) for n in range(clients)]
        for t in self.threads:
            t.start()

    def _client(self, n: int) -> None:
        with requests.Session() as http:
            for i in range(MAX_POSTS_PER_CLIENT):
                if self.stopping.is_set():
                    return
                name = f"{self.prefix}-{n}-{i}"
                try:
                    outcome = http.post(self.url, data=json.dumps(user_body(name)), headers=self.headers,
                                        timeout=HTTP_TIMEOUT)
                except requests.RequestException as e:
                    outcome = e
                finished = time.monotonic()
                with self.lock:
                    self.record(name, outcome, finished)

    def stop(self) -> None:
        self.stopping.set()
        for t in self.threads:
            t.join(timeout=2 * HTTP_TIMEOUT)
        assert not any(t.is_alive() for t in self.threads), "a client hung"


def integrity_check(db) -> str:
    con = sqlite3.connect(str(db), timeout=10)
    try:
        return con.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        con.close()
