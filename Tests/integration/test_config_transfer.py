"""Configuration export and import (`scimsync export` / `scimsync import`), end to end.

- a setup made with the admin tool (every sync-rules option, every provider, several
  directories, a rotated token with an expiry, a revoked token, a disabled app, a setting) is
  exported, imported into a fresh database file and exported again: the same bytes, and a
  document that validates against docs/config.schema.json;
- an import on an empty database, served by a second real stack, accepts the IdP's old token
  and applies the imported rules;
- --dry-run changes nothing; a refused document (each kind of problem) changes nothing and
  names the JSON path of the problem on stderr;
- imports while the responder serves an IdP cause no server errors.

The tests that need no web server run the admin tool on their own database files (once, not
per frontend); the others use the `stack` fixture (conftest.py).
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import subprocess
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from jsonschema import Draft202012Validator

from scimcheck import assert_status, user_body
from stack import CLI_TIMEOUT, REPO, Stack, bin_dir, free_port

SCHEMA = json.loads((REPO / "docs" / "config.schema.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA)
LIMIT = 16 * 1024 * 1024          # ConfigDocument.maxBytes
REFUSED = "is refused; nothing was imported:"


# ----- the admin tool on a database file of our own ----------------------------------------------------

def scimsync(db: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """`scimsync --database DB ARGS`; stdout and stderr as bytes."""
    binary = bin_dir() / "scimsync"
    if not os.access(binary, os.X_OK):
        pytest.fail(f"{binary} not found: build first (swift build) or set SCIMSYNC_BIN_DIR")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCIMSYNC_")}
    cp = subprocess.run([str(binary), "--database", str(db), *args], stdin=subprocess.DEVNULL, capture_output=True,
                        env=env, cwd=db.parent, timeout=CLI_TIMEOUT)
    if check and cp.returncode != 0:
        raise AssertionError(f"scimsync {' '.join(args)} exited {cp.returncode}:\n{cp.stdout.decode()}\n{cp.stderr.decode()}")
    return cp


def scimsync_json(db: Path, *args: str):
    return json.loads(scimsync(db, *args, "--json").stdout)


def export(db: Path, *args: str) -> bytes:
    return scimsync(db, "export", *args).stdout


def stack_export(stack: Stack) -> bytes:
    return stack.cli("export").stdout.encode()


def import_file(stack: Stack, document: bytes | str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """`scimsync import FILE ARGS` on the stack's database (the file where the stack's CLI user can read it)."""
    data = document.encode() if isinstance(document, str) else document
    path = stack.dir / f"import-{uuid.uuid4().hex[:8]}.json"
    path.write_bytes(data)
    path.chmod(0o644)
    try:
        return stack.cli("import", str(path), *args, check=check)
    finally:
        path.unlink()


def dumps(document: dict) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def new_secret() -> str:
    return "scs_" + uuid.uuid4().hex + uuid.uuid4().hex[:11]


def imported_token(secret: str, expires_at: str | None = None) -> dict:
    return {"sha256": sha256(secret), "hint": secret[:8] + "…", "createdAt": "2026-01-01T00:00:00.000Z",
            "expiresAt": expires_at}


def works(client, token: str) -> int:
    """The status of a small IdP read with `token`."""
    return client.get("/Users", params={"count": 1}, token=token).status_code


# ----- a setup that uses every setting ------------------------------------------------------------------

EVERY_RULE = [
    "--create-users", "off", "--update-users", "off", "--deactivate-users", "off", "--follow-active", "off",
    "--on-delete", "deactivate", "--existing-users", "refuse",
    "--map", "username=externalId,userName",
    "--map", 'email=emails[type eq "work"].value,emails[primary eq true].value',
    "--map", "displayName=displayName",
    "--map", "firstName=name.givenName,nickName",
    "--map", "lastName=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber",
    "--username-pattern", r"^([^@]+)@corp\.example$", "--username-replacement", "$1",
    "--group-mode", "manual", "--import-unmapped", "on", "--keep-existing", "off",
    "--map-group", "Engineering=jira-users,devs", "--map-group", "Sales EMEA=crm",
    "--allow-group", "^eng", "--allow-group", "^sales", "--deny-group=-test$",
    "--group-pattern", "^grp-(.*)$", "--group-replacement", "team-$1",
    "--default-group-new", "newcomers", "--default-group-all", "everyone", "--default-group-all", "staff",
]


class Setup:
    def __init__(self, db: Path, exported: bytes, tokens: dict[str, list[str]]):
        self.db = db
        self.exported = exported
        self.tokens = tokens           # app -> secrets still live (oldest first)

    @property
    def document(self) -> dict:
        return json.loads(self.exported)


@pytest.fixture(scope="module")
def setup(tmp_path_factory) -> Setup:
    """A database configured through the admin tool only, using every setting once."""
    db = tmp_path_factory.mktemp("config-source") / "source.sqlite"
    run = lambda *args: scimsync(db, *args)  # noqa: E731
    run("init")
    run("directory", "create", "corp")
    run("directory", "create", "Staff Ü")
    run("directory", "create", "spare")            # no app uses it
    tokens: dict[str, list[str]] = {}
    apps = [("okta-prod", "okta", "corp"), ("entra.eu_1", "entra", "Staff Ü"), ("onelogin", "onelogin", "corp"),
            ("miniorange", "miniorange", "corp"), ("google", "google", "Staff Ü"), ("generic", "generic", "corp")]
    for name, provider, directory in apps:
        tokens[name] = [scimsync_json(db, "app", "create", name, "--provider", provider, "--directory", directory)["token"]]
    out = scimsync_json(db, "app", "create", "keycloak", "--provider", "keycloak", "--directory", "Auto",
                        "--create-directory")
    tokens["keycloak"] = [out["token"]]
    # A rotation with an expiry: the old token keeps working for two hours.
    tokens["okta-prod"].append(scimsync_json(db, "token", "rotate", "okta-prod", "--grace-minutes", "120")["token"])
    # A rotation without grace (the old token expires at once, but is still listed), and a revoked token.
    tokens["entra.eu_1"].append(scimsync_json(db, "token", "rotate", "entra.eu_1", "--grace-minutes", "0")["token"])
    google = scimsync_json(db, "token", "rotate", "google", "--grace-minutes", "60")
    first_google = scimsync_json(db, "token", "list", "google")
    first_id = min(t["id"] for t in (first_google if isinstance(first_google, list) else first_google["tokens"]))
    run("token", "revoke", "google", "--token-id", str(first_id))
    tokens["google"] = [google["token"]]
    run("rules", "set", "okta-prod", *EVERY_RULE)
    run("rules", "set", "entra.eu_1", "--group-mode", "manual", "--map-group", "B=y,z", "--map-group", "A=x",
        "--deny-group", "^tmp-")
    run("rules", "set", "entra.eu_1", "--clear-group-filter", "--allow-group", "^only-")
    rules_file = db.parent / "onelogin-rules.json"
    rules_file.write_text(json.dumps({"userSync": {"onDelete": "deactivate",
                                                   "usernameTransform": {"pattern": "^(.*)@(.*)$", "replacement": "$2-$1"}},
                                      "groupSync": {"nameTransform": {"pattern": " ", "replacement": "_"}}}))
    run("rules", "set", "onelogin", "--file", str(rules_file), "--existing-users", "refuse")
    run("settings", "set", "audit-retention-days", "30")
    run("app", "disable", "miniorange")
    return Setup(db, export(db), tokens)


def fresh_db(tmp_path: Path, name: str = "fresh.sqlite") -> Path:
    db = tmp_path / name
    assert not db.exists()
    return db


# ----- (a) export -> import into a fresh database -> export ---------------------------------------------

def test_the_setup_reaches_the_export(setup):
    doc = setup.document
    assert doc["format"] == "scimsync-configuration" and doc["version"] == 2
    assert doc["settings"] == {"auditRetentionDays": 30}
    assert [d["name"] for d in doc["directories"]] == ["Auto", "corp", "spare", "Staff Ü"], "sorted ignoring case"
    apps = {a["name"]: a for a in doc["apps"]}
    assert list(apps) == sorted(apps, key=str.lower)
    assert {a["provider"] for a in apps.values()} == set(SCHEMA["$defs"]["app"]["properties"]["provider"]["enum"])
    assert apps["miniorange"]["enabled"] is False and apps["okta-prod"]["enabled"] is True
    okta = apps["okta-prod"]
    assert [t["sha256"] for t in okta["tokens"]] == [sha256(s) for s in setup.tokens["okta-prod"]]
    assert okta["tokens"][0]["expiresAt"] is not None and okta["tokens"][1]["expiresAt"] is None
    assert [t["sha256"] for t in apps["google"]["tokens"]] == [sha256(setup.tokens["google"][0])], "revoked tokens are left out"
    for secrets in setup.tokens.values():
        for secret in secrets:
            assert secret.encode() not in setup.exported, "never a token's secret"
    user, group = okta["userSync"], okta["groupSync"]
    assert user == {
        "createUsers": False, "updateUsers": False, "deactivateUsers": False, "followActive": False,
        "onDelete": "deactivate", "existingUsers": "refuse",
        "attributeMapping": {
            "username": {"path": "externalId", "fallback": "userName"},
            "email": {"path": 'emails[type eq "work"].value', "fallback": "emails[primary eq true].value"},
            "displayName": {"path": "displayName"},
            "firstName": {"path": "name.givenName", "fallback": "nickName"},
            "lastName": {"path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber"},
        },
        "usernameTransform": {"pattern": r"^([^@]+)@corp\.example$", "replacement": "$1"},
    }
    assert group == {
        "mode": "manual", "defaultGroupsForNewUsers": ["newcomers"], "defaultGroupsForAllUsers": ["everyone", "staff"],
        "mappings": [{"idpGroup": "Engineering", "directoryGroups": ["jira-users", "devs"]},
                     {"idpGroup": "Sales EMEA", "directoryGroups": ["crm"]}],
        "importUnmappedGroups": True, "keepExistingMemberships": False,
        "filter": {"allow": ["^eng", "^sales"], "deny": ["-test$"]},
        "nameTransform": {"pattern": "^grp-(.*)$", "replacement": "team-$1"},
    }
    assert apps["onelogin"]["userSync"]["usernameTransform"] == {"pattern": "^(.*)@(.*)$", "replacement": "$2-$1"}
    assert apps["onelogin"]["userSync"]["existingUsers"] == "refuse"
    assert apps["entra.eu_1"]["groupSync"]["filter"] == {"allow": ["^only-"], "deny": []}


def test_export_import_export_is_byte_identical(setup, tmp_path):
    db = fresh_db(tmp_path)
    source = tmp_path / "source.json"
    source.write_bytes(setup.exported)
    imported = scimsync(db, "import", str(source))
    assert imported.stdout.decode().splitlines()[-1].endswith(" changes")
    again = export(db)
    assert again == setup.exported, "export -> import into a fresh database -> export gives the same bytes"
    # Importing the same document again changes nothing.
    assert scimsync(db, "import", str(source)).stdout.decode().splitlines() == ["no changes"]
    assert scimsync_json(db, "import", str(source)) == {"dryRun": False, "changes": []}
    assert export(db) == setup.exported


def test_importing_a_databases_own_export_changes_nothing(setup, tmp_path):
    """The setup's own export, imported back into it: nothing differs, so nothing changes (apps
    made by `app create` whose rules were never set included)."""
    path = tmp_path / "own.json"
    path.write_bytes(setup.exported)
    for mode in ("merge", "replace"):
        out = scimsync(setup.db, "import", str(path), "--dry-run", "--mode", mode).stdout.decode()
        assert out.splitlines() == ["no changes", "dry run: nothing was changed"], f"--mode {mode}:\n{out}"


def test_export_to_a_file_is_the_same_document(setup, tmp_path):
    out = tmp_path / "scimsync-config.json"
    cp = scimsync(setup.db, "export", "--output", str(out))
    assert cp.stdout.decode().strip() == f"Exported 4 directories and 7 apps to {out}."
    assert out.read_bytes() == setup.exported


def test_export_validates_against_the_schema(setup, tmp_path):
    Draft202012Validator.check_schema(SCHEMA)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(setup.document)]
    assert errors == [], errors
    redacted = json.loads(export(setup.db, "--redact"))
    assert list(VALIDATOR.iter_errors(redacted)) == []
    empty = json.loads(export(fresh_db(tmp_path)))
    assert list(VALIDATOR.iter_errors(empty)) == []


def test_redacted_export_has_no_tokens_and_imports_without_any(setup, tmp_path):
    redacted = export(setup.db, "--redact")
    doc = json.loads(redacted)
    assert all("tokens" not in app for app in doc["apps"])
    assert b"sha256" not in redacted
    full = setup.document
    for app in full["apps"]:
        del app["tokens"]
    assert doc == full, "a redacted export is the export without the tokens"
    db = fresh_db(tmp_path)
    path = tmp_path / "redacted.json"
    path.write_bytes(redacted)
    scimsync(db, "import", str(path))
    assert [app["tokens"] for app in json.loads(export(db))["apps"]] == [[]] * len(doc["apps"])
    assert export(db, "--redact") == redacted


# ----- (b) an import on an empty database is a working setup -------------------------------------------

@contextmanager
def stack_on_import(frontend: str, document: bytes):
    """A second real stack whose database was made by importing `document` into an empty file:
    no `scimsync init`, no directory or app created any other way."""
    s = Stack(frontend)
    try:
        s.port = free_port()
        path = s.dir / "imported.json"
        path.write_bytes(document)
        path.chmod(0o644)
        assert not s.db.exists()
        s.cli("import", str(path))
        if frontend != "apache-fcgid":
            s.start_responder(0)
        s.start_server()
        yield s
    finally:
        s.cleanup()


def test_import_on_an_empty_database_serves_the_old_token(stack, uniq):
    name, directory = uniq("moved"), uniq("dir")
    created = stack.cli_json("app", "create", name, "--provider", "okta", "--directory", directory, "--create-directory")
    old = created["token"]
    stack.cli("rules", "set", name, "--username-pattern", r"^([^@]+)@corp\.example$", "--username-replacement", "$1",
              "--default-group-all", "everyone")
    new = stack.rotate_token(name, grace_minutes=60)["token"]
    assert works(stack.client(name), old) == 200
    exported = stack_export(stack)

    with stack_on_import(stack.frontend, exported) as second:
        client = second.client(name, token=old)
        assert works(client, old) == 200, "the IdP's old token works on the new host (within its grace period)"
        assert works(client, new) == 200
        assert works(client, new_secret()) == 401
        assert works(second.client("alpha"), stack.apps["alpha"].token) == 200, "the other apps' tokens too"
        user_name = uniq("ada") + "@corp.example"
        assert_status(client.post("/Users", user_body(user_name)), 201)
        users = second.cli_json("user", "list")
        users = users if isinstance(users, list) else users.get("users", [])
        mine = [u for u in users if u.get("directory") == directory]
        assert [u["name"] for u in mine] == [user_name.split("@")[0]], "the imported username transform applies"
        shown = second.cli_json("user", "show", mine[0]["name"], "--directory", directory)
        assert [m["group"] for m in shown[0]["memberships"]] == ["everyone"], "the imported default group applies"
        assert second.cli("export").stdout.encode() == exported, "the new host has the same configuration"


# ----- (c) --dry-run -------------------------------------------------------------------------------------

def test_dry_run_changes_nothing(stack, uniq):
    before = stack_export(stack)
    doc = json.loads(before)
    secret = new_secret()
    doc["settings"]["auditRetentionDays"] = 7
    doc["directories"].append({"name": uniq("dry-dir")})
    added = uniq("dry-app")
    doc["apps"].append({"name": added, "provider": "google", "directory": doc["directories"][-1]["name"],
                        "tokens": [imported_token(secret)]})
    beta = next(a for a in doc["apps"] if a["name"] == "beta")
    beta["enabled"] = False
    assert beta["userSync"]["onDelete"] == "deactivate", "a new app's default"
    beta["userSync"]["onDelete"] = "delete"
    alpha = next(a for a in doc["apps"] if a["name"] == "alpha")
    alpha["tokens"] = []

    for mode in ("merge", "replace"):
        cp = import_file(stack, dumps(doc), "--dry-run", "--mode", mode)
        lines = cp.stdout.splitlines()
        assert lines[-1] == "dry run: nothing was changed", cp.stdout
        assert f"app created: {added}" in lines and "app updated: beta (enabled, rules)" in lines, cp.stdout
        assert "setting changed: audit-retention-days 7" in lines, cp.stdout
        assert stack_export(stack) == before, f"--dry-run --mode {mode} changed the configuration"
    report = stack.cli_json("import", str(write_readable(stack, dumps(doc))), "--dry-run", "--mode", "replace")
    assert report["dryRun"] is True and f"app created: {added}" in report["changes"]
    assert any(c.startswith("token removed: alpha ") for c in report["changes"]), report
    assert stack_export(stack) == before
    assert works(stack.client(added), secret) in (401, 404), "the dry run issued no token"
    assert works(stack.client("alpha"), stack.apps["alpha"].token) == 200
    assert works(stack.client("beta"), stack.apps["beta"].token) == 200


def write_readable(stack: Stack, text: str) -> Path:
    path = stack.dir / f"import-{uuid.uuid4().hex[:8]}.json"
    path.write_text(text)
    path.chmod(0o644)
    return path


# ----- (d) refused documents change nothing ---------------------------------------------------------------

def edit(change):
    """A bad document: the setup's export with `change(doc)` applied."""
    def make(setup: Setup) -> bytes:
        doc = setup.document
        change(doc)
        return dumps(doc).encode()
    return make


def app_index(doc: dict, name: str) -> int:
    return next(i for i, a in enumerate(doc["apps"]) if a["name"] == name)


def _wrong_types(doc):
    doc["settings"]["auditRetentionDays"] = "30"
    doc["apps"][app_index(doc, "okta-prod")]["enabled"] = "yes"
    doc["apps"][app_index(doc, "google")]["groupSync"]["mappings"] = {"Eng": ["eng"]}
    doc["apps"][app_index(doc, "generic")]["userSync"]["onDelete"] = "remove"


def _unknown_keys(doc):
    doc["comment"] = "exported for the move"
    doc["apps"][app_index(doc, "entra.eu_1")]["userSync"]["createUser"] = True
    doc["apps"][app_index(doc, "okta-prod")]["tokens"][0]["secret"] = "scs_x"


def _bad_regex(doc):
    doc["apps"][app_index(doc, "okta-prod")]["groupSync"]["filter"]["deny"].append("[a-")
    doc["apps"][app_index(doc, "generic")]["userSync"]["usernameTransform"] = {"pattern": "(", "replacement": ""}
    doc["apps"][app_index(doc, "onelogin")]["groupSync"]["nameTransform"] = {"pattern": "^x$", "replacement": "$1"}


def _dangling_directory(doc):
    doc["apps"][app_index(doc, "google")]["directory"] = "Nowhere"


def _duplicate_app(doc):
    twin = copy.deepcopy(doc["apps"][app_index(doc, "okta-prod")])
    twin["name"] = "OKTA-PROD"
    twin["tokens"] = []
    doc["apps"].append(twin)


def _duplicate_directory(doc):
    doc["directories"].append({"name": "CORP"})


def _duplicate_token(doc):
    doc["apps"][app_index(doc, "generic")]["tokens"].append(doc["apps"][app_index(doc, "okta-prod")]["tokens"][1])


def _bad_tokens(doc):
    tokens = doc["apps"][app_index(doc, "okta-prod")]["tokens"]
    tokens[0]["sha256"] = tokens[0]["sha256"].upper()
    tokens[1]["createdAt"] = "23/11/2026 17:22"
    doc["apps"][app_index(doc, "keycloak")]["provider"] = "azure-ad"


def _newer_version(doc):
    doc["version"] = 3
    doc["apps"][0]["somethingNew"] = {"x": 1}


def _wrong_format(doc):
    doc["format"] = "scimsync-rules"


def _huge(setup: Setup) -> bytes:
    return setup.exported + b" " * (LIMIT + 1 - len(setup.exported))


# (what, document maker, stderr lines that must appear, whether the schema refuses it too)
BAD_DOCUMENTS = [
    ("not JSON", lambda s: b"# scimsync configuration\n", ["  /: not JSON: invalid JSON at byte 0: unexpected character"], None),
    ("empty file", lambda s: b"", ["  /: not JSON: invalid JSON at byte 0: the document is empty"], None),
    ("truncated", lambda s: s.exported[: len(s.exported) // 2], ["  /: not JSON: invalid JSON at byte "], None),
    ("not UTF-8", lambda s: s.exported.replace("Ü".encode(), b"\xdc"), ["  /: not JSON: invalid JSON at byte 0: the body is not valid UTF-8"], None),
    ("not an object", lambda s: b"[" + s.exported + b"]", ["  /: expected an object"], True),
    ("wrong types", edit(_wrong_types), [
        "  /settings/auditRetentionDays: expected a whole number of days from 1 to 36500, or null",
        "  /apps/1/userSync/onDelete: expected one of: \"delete\", \"deactivate\"",
        "  /apps/2/groupSync/mappings: expected an array",
        "  /apps/5/enabled: expected true or false",
    ], True),
    ("unknown keys", edit(_unknown_keys), [
        "  /comment: unknown key (expected one of: format, version, settings, directories, apps, crowdClients)",
        "  /apps/0/userSync/createUser: unknown key",
        "  /apps/5/tokens/0/secret: unknown key (expected one of: sha256, hint, createdAt, expiresAt)",
    ], True),
    ("bad regular expressions", edit(_bad_regex), [
        "  /apps/1/userSync/usernameTransform/pattern: '(' is not a valid regular expression",
        "  /apps/5/groupSync/filter/deny/1: '[a-' is not a valid regular expression",
        "  /apps/6/groupSync/nameTransform/replacement: the replacement refers to group $1, but the pattern has 0 capture group(s)",
    ], False),
    ("dangling directory", edit(_dangling_directory), ["  /apps/2/directory: directory 'Nowhere' is not in /directories"], False),
    ("duplicate app name", edit(_duplicate_app), ["  /apps/7/name: app 'OKTA-PROD' is listed twice (names are unique ignoring case)"], False),
    ("duplicate directory name", edit(_duplicate_directory), ["  /directories/4/name: directory 'CORP' is listed twice (names are unique ignoring case)"], False),
    ("duplicate token", edit(_duplicate_token), ["  /apps/5/tokens/1/sha256: this token is listed twice"], False),
    ("bad hash, time and provider", edit(_bad_tokens), [
        "  /apps/3/provider: expected one of: okta, entra, onelogin, miniorange, keycloak, google, generic",
        "  /apps/5/tokens/0/sha256: expected 64 lowercase hexadecimal digits (a SHA-256)",
        "  /apps/5/tokens/1/createdAt: expected an RFC 3339 UTC time such as 2026-11-23T17:22:11.123Z",
    ], True),
    ("newer version", edit(_newer_version), [
        "  /version: the document is format version 3; this ScimSync reads versions up to 2: upgrade ScimSync first"], True),
    ("version too large for an integer", lambda s: s.exported.replace(b'"version": 2,', b'"version": 1e400,'),
     ["  /version: "], True),
    ("wrong format", edit(_wrong_format), [
        '  /format: expected "scimsync-configuration" (this is not a ScimSync configuration export)'], True),
    ("over 16 MiB", _huge, [f"  /: the document is {LIMIT + 1} bytes; the limit is {LIMIT} bytes"], None),
]


@pytest.fixture(scope="module")
def target(setup, tmp_path_factory) -> Path:
    """A database holding the setup (imported), that refused documents must leave alone."""
    db = tmp_path_factory.mktemp("config-target") / "target.sqlite"
    source = db.parent / "setup.json"
    source.write_bytes(setup.exported)
    scimsync(db, "import", str(source))
    return db


@pytest.mark.parametrize("what,make,expected,schema_refuses", BAD_DOCUMENTS, ids=[b[0] for b in BAD_DOCUMENTS])
def test_refused_document_changes_nothing(setup, target, tmp_path, what, make, expected, schema_refuses):
    before = export(target)
    assert before == setup.exported
    document = make(setup)
    path = tmp_path / "bad.json"
    path.write_bytes(document)
    for args in ((), ("--mode", "replace"), ("--dry-run",)):
        cp = scimsync(target, "import", str(path), *args, check=False)
        stderr = cp.stderr.decode()
        assert cp.returncode == 1, f"{what} {args}: exit {cp.returncode}\n{stderr[:800]}"
        lines = stderr.splitlines()
        assert lines[0] == f"Error: {path} {REFUSED}", stderr
        for line in expected:
            assert any(l.startswith(line) for l in lines[1:]), f"{what}: no line {line!r} in\n{stderr}"
        assert all(l.startswith("  /") for l in lines[1:]), f"one '  /json/pointer: problem' line each:\n{stderr}"
        assert cp.stdout == b"", "nothing is printed as imported"
        assert export(target) == before, f"{what} {args}: the refused import changed the configuration"
    if schema_refuses is not None:
        assert (not VALIDATOR.is_valid(json.loads(document))) == schema_refuses, \
            f"docs/config.schema.json {'accepts' if schema_refuses else 'refuses'} the {what} document"


def _set(path: str, value):
    """A change setting the member at a JSON Pointer of the setup's export (`_DELETE` removes it)."""
    def change(doc):
        *parents, last = path.strip("/").split("/")
        node = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if value is _DELETE:
            del node[last]
        else:
            node[last] = value
    return change


_DELETE = object()
OKTA = "/apps/5"      # okta-prod: every rule set, two tokens

# (change, whether `scimsync import` accepts it): docs/config.schema.json must agree.
SCHEMA_AGREES = [
    (_set("/settings", None), True),
    (_set("/settings/auditRetentionDays", 36500), True),
    (_set("/settings/auditRetentionDays", 0), False),
    (_set("/apps", None), True),
    (_set(f"{OKTA}/enabled", None), True),
    (_set(f"{OKTA}/tokens", None), True),
    (_set(f"{OKTA}/tokens", []), True),
    (_set(f"{OKTA}/tokens/1/expiresAt", _DELETE), True),
    (_set(f"{OKTA}/tokens/0/hint", None), False),
    (_set(f"{OKTA}/tokens/0/sha256", "0" * 63), False),
    (_set(f"{OKTA}/userSync", None), True),
    (_set(f"{OKTA}/userSync/onDelete", None), True),
    (_set(f"{OKTA}/userSync/attributeMapping/email", None), True),
    (_set(f"{OKTA}/userSync/attributeMapping/email/fallback", None), True),
    (_set(f"{OKTA}/userSync/attributeMapping/email/path", None), False),
    (_set(f"{OKTA}/userSync/usernameTransform", None), True),
    (_set(f"{OKTA}/userSync/usernameTransform/replacement", _DELETE), False),
    (_set(f"{OKTA}/groupSync/mode", "on-the-fly"), False),
    (_set(f"{OKTA}/groupSync/filter", None), True),
    (_set(f"{OKTA}/groupSync/filter/allow", None), True),
    (_set(f"{OKTA}/groupSync/mappings/0/directoryGroups", []), False),
    (_set(f"{OKTA}/groupSync/mappings/0/idpGroup", None), False),
    (_set(f"{OKTA}/groupSync/defaultGroupsForAllUsers", ["staff", "staff"]), False),
    (_set(f"{OKTA}/name", "okta prod"), False),
    (_set(f"{OKTA}/name", " okta-prod "), True),               # names are trimmed
    (_set("/directories/0/name", "x" * 201), False),
    (_set("/version", 2.0), True),
]


@pytest.mark.parametrize("change,accepted", SCHEMA_AGREES, ids=[f"case{i}" for i in range(len(SCHEMA_AGREES))])
def test_schema_and_import_agree(setup, target, tmp_path, change, accepted):
    doc = setup.document
    assert doc["apps"][5]["name"] == "okta-prod"
    change(doc)
    path = tmp_path / "case.json"
    path.write_text(dumps(doc))
    cp = scimsync(target, "import", str(path), "--dry-run", check=False)
    assert (cp.returncode == 0) == accepted, cp.stderr.decode()
    errors = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(doc)]
    assert (errors == []) == accepted, f"import {'accepts' if accepted else 'refuses'} it, the schema says {errors}"


def test_several_problems_are_reported_together(setup, target, tmp_path):
    doc = setup.document
    _wrong_types(doc)
    _unknown_keys(doc)
    _dangling_directory(doc)
    path = tmp_path / "many.json"
    path.write_text(dumps(doc))
    cp = scimsync(target, "import", str(path), check=False)
    assert cp.returncode == 1
    pointers = [line.split(":")[0].strip() for line in cp.stderr.decode().splitlines()[1:]]
    assert pointers == ["/comment", "/settings/auditRetentionDays", "/apps/0/userSync/createUser",
                        "/apps/1/userSync/onDelete", "/apps/2/directory", "/apps/2/groupSync/mappings",
                        "/apps/5/enabled", "/apps/5/tokens/0/secret"], cp.stderr.decode()
    assert export(target) == setup.exported


def test_a_problem_found_while_applying_rolls_back_everything(setup, target, tmp_path):
    """Valid as a document, refused by the database (a token moved to another app): the changes
    made before the refusal (a setting, a directory, an app) are rolled back with it."""
    doc = setup.document
    doc["settings"]["auditRetentionDays"] = 99
    doc["directories"].append({"name": "new-dir"})
    doc["apps"].insert(0, {"name": "aaa-new", "provider": "generic", "directory": "new-dir", "tokens": []})
    okta, generic = app_index(doc, "okta-prod"), app_index(doc, "generic")
    doc["apps"][generic]["tokens"].append(doc["apps"][okta]["tokens"].pop())
    assert VALIDATOR.is_valid(doc)
    path = tmp_path / "moved-token.json"
    path.write_text(dumps(doc))
    cp = scimsync(target, "import", str(path), check=False)
    assert cp.returncode == 1, cp
    assert "generic" in cp.stderr.decode() and "another app" in cp.stderr.decode(), cp.stderr.decode()
    assert export(target) == setup.exported


def test_merge_leaves_settings_the_document_does_not_name(setup, target, tmp_path):
    """--mode merge "adds and updates what the document names": a document without settings
    names no setting, so the audit retention stays as it is."""
    path = tmp_path / "no-settings.json"
    path.write_text(json.dumps({"format": "scimsync-configuration", "version": 2,
                                "directories": [{"name": "corp"}], "apps": []}))
    dry = scimsync(target, "import", str(path), "--dry-run").stdout.decode()
    assert dry.splitlines()[0] == "no changes", dry


# ----- imported tokens on the live service ----------------------------------------------------------------

def test_imported_tokens_work_and_expired_ones_do_not(stack, uniq):
    """Tokens carried by an import, by hash: a live one works at once, an expired one never,
    whether or not its expiry has fractional seconds (the schema allows both forms)."""
    base = json.loads(stack_export(stack))
    live, expired_ms, expired_s = new_secret(), new_secret(), new_secret()
    name = uniq("imported")
    doc = {"format": "scimsync-configuration", "version": 2, "settings": base["settings"],
           "directories": base["directories"],
           "apps": [{"name": name, "provider": "generic", "directory": "corp",
                     "tokens": [imported_token(live), imported_token(expired_ms, "2020-01-01T00:00:00.000Z"),
                                imported_token(expired_s, "2020-01-01T00:00:00Z")]}]}
    assert VALIDATOR.is_valid(doc)
    out = import_file(stack, dumps(doc)).stdout
    assert f"app created: {name}" in out
    client = stack.client(name)
    assert works(client, live) == 200
    assert works(client, expired_ms) == 401
    assert works(client, expired_s) == 401, "a token that expired in 2020 (expiresAt without milliseconds) still works"


@pytest.mark.parametrize("expires_at", ["2020-13-01T00:00:00.000Z", "0000-00-00T00:00:00.000Z"])
def test_a_token_with_an_impossible_expiry_never_works(stack, uniq, expires_at):
    """An expiry that is no time at all is refused by the import, or at least never lets the
    token in (it must not read as "never expires")."""
    base = json.loads(stack_export(stack))
    secret, name = new_secret(), uniq("impossible")
    doc = {"format": "scimsync-configuration", "version": 2, "settings": base["settings"],
           "directories": base["directories"],
           "apps": [{"name": name, "provider": "generic", "directory": "corp",
                     "tokens": [imported_token(secret, expires_at)]}]}
    cp = import_file(stack, dumps(doc), check=False)
    if cp.returncode == 1:
        assert "  /apps/0/tokens/0/expiresAt: " in cp.stderr, cp.stderr
        assert json.loads(stack_export(stack)) == base
    else:
        assert cp.returncode == 0, cp
        assert works(stack.client(name), secret) == 401, f"a token that expires at {expires_at} works"


# ----- (e) import while the responder serves --------------------------------------------------------------

def test_imports_while_serving_cause_no_server_errors(stack, uniq):
    name = uniq("busy")
    token = stack.create_app(name).token
    base = json.loads(stack_export(stack))
    statuses: list[tuple[str, int]] = []
    errors: list[str] = []
    done = threading.Event()

    def idp() -> None:
        client = stack.client(name, token=token)
        try:
            for i in range(200):                 # bounded, even if the imports are slow
                if done.is_set() and i >= 20:
                    break
                if i % 4 == 0:
                    r = client.post("/Users", user_body(f"{name}-{i}@example.com"))
                    statuses.append(("POST", r.status_code))
                    if r.status_code == 201:
                        r = client.get(f"/Users/{r.json()['id']}")
                        statuses.append(("GET one", r.status_code))
                else:
                    r = client.get("/Users", params={"count": 2, "filter": f'userName sw "{name}"'})
                    statuses.append(("GET list", r.status_code))
        except requests.RequestException as e:
            errors.append(repr(e))
        finally:
            client.close()

    changed = copy.deepcopy(base)
    changed["settings"]["auditRetentionDays"] = 45
    mine = changed["apps"][app_index(changed, name)]
    mine["userSync"]["onDelete"] = "deactivate"
    mine["groupSync"]["defaultGroupsForAllUsers"] = [uniq("busy-group")]
    extra = copy.deepcopy(changed)
    extra["directories"].append({"name": uniq("busy-dir")})
    extra["apps"].append({"name": uniq("busy-extra"), "provider": "okta", "directory": extra["directories"][-1]["name"],
                          "tokens": [imported_token(new_secret())]})
    imports = [(changed, "merge"), (base, "replace"), (extra, "merge"), (changed, "replace"), (extra, "merge"), (base, "replace")]

    worker = threading.Thread(target=idp, daemon=True)
    worker.start()
    try:
        for document, mode in imports:
            import_file(stack, dumps(document), "--mode", mode)
            time.sleep(0.05)
    finally:
        done.set()
        worker.join(timeout=120)
    assert not worker.is_alive(), "the IdP thread did not finish"
    assert errors == [], errors
    assert statuses, "the IdP thread made no request"
    server_errors = [s for s in statuses if s[1] >= 500]
    assert server_errors == [], f"{len(server_errors)} server errors among {len(statuses)} requests: {server_errors[:10]}"
    assert all(s[1] in (200, 201) for s in statuses), f"every request succeeds: {[s for s in statuses if s[1] not in (200, 201)][:10]}"
    assert json.loads(stack_export(stack)) == base, "the last import (replace) restored the configuration"


def test_dry_run_without_a_database_creates_none(setup, tmp_path):
    missing = tmp_path / "missing.sqlite"
    document = tmp_path / "config.json"
    document.write_bytes(setup.exported)
    result = scimsync(missing, "import", str(document), "--dry-run", check=False)
    assert result.returncode == 1 and "there is no database" in result.stderr.decode(), result.stderr
    assert not missing.exists(), "a dry run must not create the database"


def test_a_key_given_twice_is_refused_by_its_path(setup, tmp_path):
    db = fresh_db(tmp_path)
    before = export(db)
    text = setup.exported.decode().replace('"format": "scimsync-configuration",',
                                           '"format": "scimsync-configuration", "version": 2,', 1)
    document = tmp_path / "twice.json"
    document.write_text(text)
    result = scimsync(db, "import", str(document), check=False)
    assert result.returncode == 1 and "/version: the key appears twice" in result.stderr.decode(), result.stderr
    assert export(db) == before, "nothing was imported"
