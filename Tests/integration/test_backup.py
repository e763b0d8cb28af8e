"""`scimsync backup` and `scimsync restore` on a database that responders behind nginx are
serving: a snapshot taken under write load holds every acknowledged user, a restore is seen by
the running responders at once (old tokens included), and a bad file is refused without
touching the live database."""

from __future__ import annotations

import grp
import os
import re
import shutil
import sqlite3
import stat
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from load import CreateLoad, integrity_check
from scimcheck import assert_status, create_user, query_users, show
from stack import CLI_TIMEOUT, Stack, parse_json_output

CLIENTS = 6
LOAD_SECONDS = 2.0


@pytest.fixture
def new_host():
    """A fresh database with no app yet, already served by a responder with one worker (so the
    token cache the tests fill is the one later requests meet)."""
    s = Stack("nginx", workers=1)
    try:
        s.start(apps=())
        yield s
    finally:
        s.cleanup()


def query(db: Path, sql: str, *args) -> list[tuple]:
    """One statement on the SQLite file `db`, committed."""
    con = sqlite3.connect(str(db), timeout=10)
    try:
        with con:
            return con.execute(sql, args).fetchall()
    finally:
        con.close()


def dump(db: Path) -> list[str]:
    con = sqlite3.connect(str(db), timeout=10)
    try:
        return list(con.iterdump())
    finally:
        con.close()


def user_names(s: Stack, app: str, token: str, prefix: str) -> set[str]:
    lr = query_users(s.client(app, token=token), f'userName sw "{prefix}"', count=1000)
    return {r["userName"] for r in lr["Resources"]}


def test_backup_under_write_load_holds_every_acknowledged_user(two_responders, tmp_path):
    s = two_responders
    run = uuid.uuid4().hex[:8]
    acked: list[tuple[float, str, str]] = []   # (when the 201 arrived, id, userName)
    failures: list[str] = []

    def record(name, outcome, finished):
        if isinstance(outcome, Exception):
            failures.append(repr(outcome))
        elif outcome.status_code == 201:
            acked.append((finished, outcome.json()["id"], name))
        else:
            failures.append(show(outcome))

    output = tmp_path / "snapshot.sqlite"
    load = CreateLoad(s, "alpha", f"snap-{run}", CLIENTS, record)
    try:
        time.sleep(LOAD_SECONDS)
        started = time.monotonic()
        cp = s.cli("backup", "--output", str(output), "--json")
        ended = time.monotonic()
        time.sleep(0.5)
    finally:
        load.stop()

    assert not failures, f"{len(failures)} writes failed during the backup; first: {failures[0]}"
    before = [(i, n) for t, i, n in acked if t < started]
    during_or_after = [n for t, _, n in acked if t > started]
    assert len(before) >= 20, f"too little load to mean anything: {len(acked)} creates"
    assert during_or_after, "no write was acknowledged while or after the backup ran"
    print(f"backup: {len(before)} users acknowledged before it, {len(during_or_after)} while or after "
          f"(the backup took {ended - started:.2f}s)")

    assert integrity_check(output) == "ok"
    assert query(output, "PRAGMA journal_mode") == [("delete",)], "a snapshot is one file, not a WAL database"
    assert not any(p.name != output.name for p in tmp_path.iterdir()), list(tmp_path.iterdir())
    in_backup = dict(query(output, "SELECT id, user_name FROM scim_user"))
    missing = [n for i, n in before if in_backup.get(i) != n]
    assert not missing, f"{len(missing)} acknowledged users missing from the backup, e.g. {missing[:3]}"

    summary = parse_json_output(cp.stdout)
    assert summary["idpUsers"] == len(in_backup)
    assert summary["apps"] == 1 and summary["directories"] == 1
    assert summary["auditEntries"] == query(output, "SELECT count(*) FROM audit")[0][0]
    assert summary["schema"] in {m for m, in query(output, "SELECT identifier FROM grdb_migrations")}


def test_backup_refuses_to_overwrite_without_force(two_responders, tmp_path):
    s = two_responders
    output = tmp_path / "snapshot.sqlite"
    output.write_text("keep me")
    cp = s.cli("backup", "--output", str(output), check=False)
    assert cp.returncode == 1
    assert cp.stderr.strip() == f"Error: {output} already exists; add --force to replace it"
    assert output.read_text() == "keep me"

    cp = s.cli("backup", "--output", str(output), "--force")
    assert cp.stdout.startswith(f"Wrote {output} (integrity check ok, schema "), cp.stdout
    assert integrity_check(output) == "ok"

    cp = s.cli("backup", "--output", str(s.db), "--force", check=False)
    assert cp.returncode == 1
    assert cp.stderr.strip() == f"Error: {s.db} is the database itself"


def test_restore_on_a_new_host_serves_the_old_tokens_and_users(two_responders, new_host, tmp_path):
    run = uuid.uuid4().hex[:8]
    alpha = two_responders.client("alpha")
    ids = {create_user(alpha, f"moved-{run}-{n}")["id"] for n in range(5)}
    snapshot = tmp_path / "snapshot.sqlite"
    two_responders.cli("backup", "--output", str(snapshot))
    token = two_responders.apps["alpha"].token

    # The new host's responder caches the unknown token at the snapshot's own auth epoch: only a
    # restore that moves the epoch past it makes the responder look the token up again.
    (epoch,), = query(snapshot, "SELECT value FROM auth_epoch")
    query(new_host.db, "UPDATE auth_epoch SET value = ?", epoch)
    old = new_host.client("alpha", token=token)
    assert_status(old.get("/Users"), 401)

    cp = new_host.cli("restore", str(snapshot))
    assert cp.stdout.startswith(f"Restored {snapshot} into {new_host.db}."), cp.stdout

    lr = query_users(old, f'userName sw "moved-{run}-"', count=100)
    assert {r["id"] for r in lr["Resources"]} == ids
    assert query(new_host.db, "SELECT value FROM auth_epoch")[0][0] > epoch
    assert integrity_check(new_host.db) == "ok"
    assert query(snapshot, "SELECT value FROM auth_epoch") == [(epoch,)], "the snapshot file is not changed"
    # The restored database takes writes.
    create_user(old, f"moved-{run}-after")
    assert not [p for p in new_host.db_dir.iterdir() if "restore" in p.name], "staging copy left behind"


def test_restore_over_a_served_database_needs_force_and_rolls_it_back(two_responders, tmp_path):
    s = two_responders
    run = uuid.uuid4().hex[:8]
    alpha = s.client("alpha")
    create_user(alpha, f"kept-{run}")
    snapshot = tmp_path / "snapshot.sqlite"
    s.cli("backup", "--output", str(snapshot))
    create_user(alpha, f"undone-{run}")
    later = s.create_app(f"later-{run}")

    cp = s.cli("restore", str(snapshot), check=False)
    assert cp.returncode == 1
    assert cp.stderr.strip() == (f"Error: {s.db} already holds 2 app(s) (alpha, {later.name}); "
                                 "restoring replaces all of its contents: add --force")
    assert user_names(s, "alpha", s.apps["alpha"].token, f"undone-{run}") == {f"undone-{run}"}

    s.cli("restore", str(snapshot), "--force")
    assert user_names(s, "alpha", s.apps["alpha"].token, f"kept-{run}") == {f"kept-{run}"}
    assert user_names(s, "alpha", s.apps["alpha"].token, f"undone-{run}") == set()
    assert_status(s.client(later.name).get("/Users"), 401, 404)


def corrupt_middle_page(path: Path) -> None:
    with open(path, "r+b") as f:
        # The page size, as SQLite's file header holds it (offset 16, big-endian).
        page_size = int.from_bytes(f.read(18)[16:18], "big")
        pages = path.stat().st_size // page_size
        f.seek(pages // 2 * page_size)
        f.write(b"\xff" * page_size)


def test_restore_refuses_bad_files_and_leaves_the_database_alone(two_responders, tmp_path):
    s = two_responders
    alpha = s.client("alpha")
    for n in range(60):
        create_user(alpha, f"refuse-{uuid.uuid4().hex[:8]}-{n}")
    good = tmp_path / "good.sqlite"
    s.cli("backup", "--output", str(good))

    text = tmp_path / "users.csv"
    text.write_text("userName,email\nalice,alice@example.com\n")
    truncated = tmp_path / "truncated.sqlite"
    shutil.copy(good, truncated)
    with open(truncated, "r+b") as f:
        f.truncate(good.stat().st_size // 2)
    corrupted = tmp_path / "corrupted.sqlite"
    shutil.copy(good, corrupted)
    corrupt_middle_page(corrupted)
    foreign = tmp_path / "foreign.sqlite"
    query(foreign, "CREATE TABLE note (id INTEGER PRIMARY KEY, text TEXT)")
    newer = tmp_path / "newer.sqlite"
    shutil.copy(good, newer)
    query(newer, "INSERT INTO grdb_migrations VALUES ('v99-from-the-future')")

    expected = {
        text: f"{text} is not an SQLite database",
        truncated: f"{truncated} is damaged: ",
        corrupted: f"{corrupted} is damaged: ",
        foreign: f"{foreign} is not a ScimSync database: it has no grdb_migrations table",
        newer: f"{newer} comes from a newer ScimSync: this build does not know its migration v99-from-the-future",
        tmp_path / "missing.sqlite": f"{tmp_path / 'missing.sqlite'} does not exist",
    }
    before, files = dump(s.db), sorted(p.name for p in s.db_dir.iterdir())
    for path, message in expected.items():
        cp = s.cli("restore", str(path), "--force", check=False)
        assert cp.returncode == 1, f"{path.name}: exit {cp.returncode}\n{cp.stdout}{cp.stderr}"
        lines = cp.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: {message}"), f"{path.name}: {cp.stderr}"
        assert cp.stdout == ""
    assert dump(s.db) == before, "a refused restore changed the live database"
    assert sorted(p.name for p in s.db_dir.iterdir()) == files, "a refused restore left files behind"
    assert_status(alpha.get("/Users", params={"count": 1}), 200)


# ----- a snapshot's schema is checked, not trusted; a restore keeps the live revocations -----------

TAMPERINGS = {
    # A trigger that undoes every revocation, in every responder, once restored.
    "keep_tokens_alive": "CREATE TRIGGER keep_tokens_alive AFTER UPDATE OF revoked_at ON app_token "
                         "BEGIN UPDATE app_token SET revoked_at = NULL WHERE id = new.id; END",
    # Without it a revocation would not move the auth epoch: responders would keep the token cached.
    "token_update_epoch": "DROP TRIGGER token_update_epoch",
    "token_hashes": "CREATE VIEW token_hashes AS SELECT token_hash FROM app_token",
    "audit_detail": "CREATE INDEX audit_detail ON audit(detail)",
    "app_token": "ALTER TABLE app_token ADD COLUMN note TEXT",
}


def test_restore_refuses_a_tampered_snapshot_naming_the_object(two_responders, tmp_path):
    s = two_responders
    run = uuid.uuid4().hex[:8]
    revoked = s.create_app(f"revoked-{run}")
    s.cli("token", "revoke", revoked.name, "--all")
    good = tmp_path / "good.sqlite"
    s.cli("backup", "--output", str(good))
    alpha = s.client("alpha")
    assert_status(alpha.get("/Users", params={"count": 1}), 200)
    assert_status(s.client(revoked.name).get("/Users"), 401)

    before, files = dump(s.db), sorted(p.name for p in s.db_dir.iterdir())
    for name, sql in TAMPERINGS.items():
        tampered = tmp_path / f"tampered-{name}.sqlite"
        shutil.copy(good, tampered)
        con = sqlite3.connect(str(tampered))
        con.executescript(sql)
        con.close()
        cp = s.cli("restore", str(tampered), "--force", check=False)
        assert cp.returncode == 1, f"{name}: exit {cp.returncode}\n{cp.stdout}{cp.stderr}"
        lines = cp.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"Error: {tampered} "), f"{name}: {cp.stderr}"
        assert f"'{name}'" in lines[0] and "this build's schema v" in lines[0], f"{name}: {cp.stderr}"
        assert cp.stdout == ""
        assert dump(s.db) == before, f"a refused restore ({name}) changed the live database"
        assert sorted(p.name for p in s.db_dir.iterdir()) == files, "a refused restore left files behind"
        assert_status(alpha.get("/Users", params={"count": 1}), 200)
        assert_status(s.client(revoked.name).get("/Users"), 401)
    print("refused:", "; ".join(
        s.cli("restore", str(tmp_path / f"tampered-{n}.sqlite"), "--force", check=False).stderr.strip()
        for n in ("keep_tokens_alive", "token_update_epoch")))


def test_restoring_an_older_snapshot_revives_no_token_taken_away_since(two_responders, tmp_path):
    s = two_responders
    run = uuid.uuid4().hex[:8]
    revoked = s.create_app(f"revoked-{run}")
    deleted = s.create_app(f"deleted-{run}")
    snapshot = tmp_path / "before.sqlite"
    s.cli("backup", "--output", str(snapshot))
    # What the admin took away after the snapshot: a token revoked, an app deleted.
    s.cli("token", "revoke", revoked.name, "--all")
    s.cli("app", "delete", deleted.name)
    assert_status(s.client(revoked.name).get("/Users"), 401)
    assert_status(s.client(deleted.name).get("/Users"), 401, 404)

    s.cli("restore", str(snapshot), "--force")
    assert_status(s.client("alpha").get("/Users", params={"count": 1}), 200)
    assert_status(s.client(revoked.name).get("/Users"), 401)
    shown = s.cli_json("app", "show", deleted.name)
    assert shown["app"]["name"] == deleted.name, "the app itself is back"
    assert [t["revokedAt"] is not None for t in shown["tokens"]] == [True], shown
    assert_status(s.client(deleted.name).get("/Users"), 401)
    assert query(snapshot, "SELECT count(*) FROM app_token WHERE revoked_at IS NULL")[0][0] >= 3, \
        "the snapshot file itself is not changed"


def whole_calls(lines: list[str]) -> list[str]:
    """strace -f lines with each call whole: a call another thread interrupted is printed as
    "PID call(... <unfinished ...>" and later "PID <... call resumed>...) = N"; join the two."""
    pending, calls = {}, []
    for line in lines:
        pid, _, rest = line.partition(" ")
        rest = rest.lstrip()
        if rest.endswith(" <unfinished ...>"):
            pending[pid] = rest.removesuffix(" <unfinished ...>")
        elif (resumed := re.match(r"<\.\.\. \w+ resumed>\s*(.*)", rest)) and pid in pending:
            result = re.sub(r"^\)\s+= ", ") = ", resumed.group(1))
            calls.append(f"{pid} {pending.pop(pid)}{result}")
        else:
            calls.append(line)
    return calls


def created_files(trace: Path, existing: set[str]) -> list[tuple[str, str]]:
    """(path, strace line) of each file a traced command created: its first open, with O_CREAT, of
    a path that was not there before (later opens of the same path find the file it made)."""
    created, seen = [], set(existing)
    for line in whole_calls(trace.read_text().splitlines()):
        m = re.search(r'open(?:at)?\((?:AT_FDCWD, )?"([^"]+)", ([A-Z_|]+), (0\d+)\) = (\d+)', line)
        if m and "O_CREAT" in m.group(2) and m.group(1) not in seen:
            created.append((m.group(1), line))
        if m:
            seen.add(m.group(1))
    return created


def test_backup_export_and_restore_files_are_private_from_their_first_byte(two_responders, tmp_path):
    """Under umask 000, so that nothing but the open(2) mode protects them: every file the commands
    create is opened O_CREAT|O_EXCL with mode 0600 (SQLite's own journals take the mode of their
    database), and nothing is chmod'ed afterwards."""
    s = two_responders
    out = tmp_path / "out"
    out.mkdir()
    snapshot = out / "snapshot.sqlite"
    export = out / "config.json"
    for args in (("backup", "--output", str(snapshot)), ("export", "--output", str(export)),
                 ("restore", str(snapshot), "--force")):
        existing = {str(p) for d in (s.dir, tmp_path) for p in d.rglob("*")}
        trace = tmp_path / f"strace-{args[0]}.log"
        cp = subprocess.run(["strace", "-f", "-qq", "-e", "trace=open,openat,creat,chmod,fchmod,fchmodat",
                             "-o", str(trace), str(s.cli_bin), *args], env=s.cli_env(), cwd=s.dir,
                            capture_output=True, text=True, timeout=CLI_TIMEOUT, preexec_fn=lambda: os.umask(0))
        assert cp.returncode == 0, cp.stderr
        assert "chmod" not in trace.read_text(), f"{args[0]} changed a mode after the fact"
        created = created_files(trace, existing)
        assert created, f"{args[0]}: strace saw no file created"
        for path, line in created:
            assert line.split(") = ")[0].endswith(", 0600"), f"{args[0]} created {path} not 0600: {line}"
            journal = re.search(r"-(wal|shm|journal)$", path)
            assert journal or "O_EXCL" in line, f"{args[0]} created {path} without O_EXCL: {line}"
        print(f"{args[0]}: created", ", ".join(Path(p).name for p, _ in created))
    for path in (snapshot, export, s.db, Path(f"{s.db}-wal"), Path(f"{s.db}-shm")):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, f"{path}: {oct(path.stat().st_mode)}"
    # The web server reaches the responder's socket through its group only (--socket-group).
    sock = s.socket_path(0).stat()
    assert stat.S_ISSOCK(sock.st_mode) and stat.S_IMODE(sock.st_mode) == 0o660, oct(sock.st_mode)
    if os.geteuid() == 0:
        assert grp.getgrgid(sock.st_gid).gr_name == "nogroup", "the group of nginx's workers"
