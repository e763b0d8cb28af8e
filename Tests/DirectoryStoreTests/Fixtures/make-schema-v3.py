"""Makes schema-v3.sqlite: a database written by the last build of schema v3 (v3-security-hardening),
kept so that MigrationTests runs each later migration on a database the previous schema really made.

Run from Tests/integration with SCIMSYNC_BIN_DIR naming a v3 build (commit 8a9616c):
    SCIMSYNC_BIN_DIR=.../.build/debug python3 ../DirectoryStoreTests/Fixtures/make-schema-v3.py OUT

Two apps share directory corp; alice is known to both, and 'gone' gives her and carol its IdP group
Contractors and its default group Everyone; bob is in the admin's group Admins. Then 'gone' is
deleted: schema v3 leaves its four memberships behind (the orphans v4 removes).
"""
import shutil
import sqlite3
import sys

sys.path.insert(0, ".")
from rules_support import create_group, create_user, new_rules_app, scim_user  # noqa: E402
from stack import Stack  # noqa: E402

s = Stack("nginx")
try:
    s.start(apps=())
    okta = new_rules_app(s, lambda _: "okta1", "okta", directory="corp")
    gone = new_rules_app(s, lambda _: "gone", "entra", directory="corp")
    s.cli("rules", "set", "okta1", "--existing-users", "adopt")
    s.cli("rules", "set", "gone", "--existing-users", "adopt", "--default-group-all", "Everyone")
    alice = create_user(okta.idp, scim_user("alice", "Alice", "Liddell"))
    bob = create_user(okta.idp, scim_user("bob", "Bob", "Builder"))
    create_group(okta.idp, "Engineering", alice, bob)
    gone_alice = create_user(gone.idp, scim_user("alice", "Alice", "Liddell"))
    carol = create_user(gone.idp, scim_user("carol", "Carol", "Jones"))
    create_group(gone.idp, "Contractors", gone_alice, carol)
    s.cli("group", "create", "Admins", "--directory", "corp")
    s.cli("group", "add-member", "Admins", "--user", "bob", "--directory", "corp")
    s.cli("app", "delete", "gone")
    con = sqlite3.connect(s.db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    shutil.copy(s.db, sys.argv[1])
    con = sqlite3.connect(sys.argv[1])
    con.execute("PRAGMA journal_mode = DELETE")
    con.execute("VACUUM")
    con.close()
finally:
    s.cleanup()
