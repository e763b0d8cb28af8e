"""The admin tool never hands an IdP's (or a file's) control characters to the terminal.

An IdP writes names with escape sequences (ESC [ 31m, the C1 CSI U+009B, the bidi override
U+202E) through SCIM; every text output of `scimsync` shows them escaped as \\u{XX}, and every
--json output parses back to the very strings the IdP sent, with no raw control byte in it.
"""

from __future__ import annotations

import json

from idp_support import NGINX_ONLY
from scimcheck import assert_status, create_user
from stack import GROUP_SCHEMA, parse_json_output

ESC_RED = "\u001b[31m"
C1_CSI = "\u009b2J"
RLO = "\u202e"
# What a terminal could act on, raw.
RAW = ("\u001b", "\u009b", "\u202e", "\u0007", "\u007f")


def evil(prefix: str) -> str:
    return f"{prefix}{ESC_RED}red{C1_CSI}{RLO}gnp.exe\u0007\u007f\ttab"


def escaped(text: str) -> str:
    """The text form the admin tool prints (TerminalText.escaped)."""
    unsafe = {0x7F, 0x2028, 0x2029, 0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
    return "".join(f"\\u{{{ord(c):X}}}" if ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or ord(c) in unsafe else c
                   for c in text)


def assert_no_raw_controls(where: str, text: str) -> None:
    found = [f"U+{ord(c):04X}" for c in RAW if c in text]
    assert not found, f"{where} printed raw {found}:\n{text[:2000]!r}"


# The admin tool and the audit do not depend on the web server: checked behind nginx.
pytestmark = NGINX_ONLY


def test_names_from_the_idp_are_escaped_in_text_and_exact_in_json(stack, uniq):
    app = stack.create_app(uniq("esc"))
    scim = stack.client(app.name, token=app.token)
    user_name = uniq("u") + " Zoë Ångström"
    display = evil("Display ")
    email = f"{uniq('mail')}{RLO}@example.com"
    user = create_user(scim, user_name, displayName=display, emails=[{"value": email, "primary": True}])
    group_name = uniq("g") + " Équipe"
    r = scim.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": group_name,
                              "members": [{"value": user["id"]}]})
    assert_status(r, 201)

    texts = {
        "user list": stack.cli("user", "list", "--directory", "corp").stdout,
        "user show": stack.cli("user", "show", user_name, "--directory", "corp").stdout,
        "audit": stack.cli("audit", "--app", app.name).stdout,
        "rules set --dry-run": stack.cli("rules", "set", app.name, "--map", "displayName=emails.value",
                                         "--dry-run").stdout,
    }
    for where, text in texts.items():
        assert_no_raw_controls(f"scimsync {where}", text)
    assert user_name in texts["user list"] and escaped(display) in texts["user list"]
    assert escaped(email) in texts["user list"]
    assert group_name in texts["user show"]
    assert "\\u{1B}[31m" in texts["user list"], "escapes are written visibly"

    def json_of(*args: str):
        cp = stack.cli(*args, "--json")
        assert_no_raw_controls(f"scimsync {' '.join(args)} --json", cp.stdout)
        return parse_json_output(cp.stdout)

    listed = {u["name"]: u for u in json_of("user", "list", "--directory", "corp")}
    assert listed[user_name]["displayName"] == display and listed[user_name]["email"] == email
    shown = json_of("user", "show", user_name, "--directory", "corp")
    assert shown[0]["name"] == user_name and [m["group"] for m in shown[0]["memberships"]] == [group_name]


def test_names_with_control_characters_are_refused_and_their_refusals_printed_escaped(stack, uniq):
    """A directory name holds no control character: the IdP's write is refused (400, naming the
    character), and the audit of the refusal quotes the IdP's text escaped."""
    app = stack.create_app(uniq("esc-refused"))
    scim = stack.client(app.name, token=app.token)
    user_name = evil(uniq("u"))
    r = scim.post("/Users", {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"], "userName": user_name})
    assert_status(r, 400)
    assert r.json()["scimType"] == "invalidValue" and "must not contain control characters (it has U+001B)" in r.json()["detail"]
    group_name = evil(uniq("g"))
    r = scim.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": group_name})
    assert_status(r, 400)
    assert "a group name must not contain control characters" in r.json()["detail"], r.text
    assert stack.cli_json("user", "list", "--directory", "corp") is not None

    text = stack.cli("audit", "--app", app.name).stdout
    assert_no_raw_controls("scimsync audit", text)
    assert escaped(user_name) in text and escaped(group_name) in text, text
    targets = [e["target"] for e in parse_json_output(stack.cli("audit", "--app", app.name, "--json").stdout)]
    assert f"User ({user_name})" in targets and f"Group ({group_name})" in targets, targets


def test_a_synchronization_prints_names_escaped(stack, uniq):
    """The IdP's userName is not the directory username (the rules map externalId) until the
    admin unmaps it: then the sync refuses the user, quoting its userName escaped."""
    app = stack.create_app(uniq("esc-sync"))
    stack.cli("rules", "set", app.name, "--map", "username=externalId")
    user_name = evil(uniq("sync"))
    create_user(stack.client(app.name, token=app.token), user_name, externalId=uniq("ext"))
    stack.cli("rules", "set", app.name, "--unmap", "username")
    text = stack.cli("sync", "--app", app.name).stdout
    assert_no_raw_controls("scimsync sync", text)
    assert f"user refused: {escaped(user_name)}" in text, text
    assert "must not contain control characters (it has U+001B)" in text, text


def test_an_imported_files_names_and_problems_are_escaped(stack, uniq, tmp_path):
    document = json.loads(stack.cli("export").stdout)
    directory = uniq("dir") + " Société"
    document["directories"].append({"name": directory})
    good = tmp_path / "good.json"
    good.write_text(json.dumps(document))
    cp = stack.cli("import", str(good), "--dry-run")
    assert f"directory created: {directory}" in cp.stdout, cp.stdout

    document["directories"][-1] = {"name": evil(uniq("dir"))}
    key = f"bad{ESC_RED}key{RLO}"
    document[key] = 1
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document))
    cp = stack.cli("import", str(bad), check=False)
    assert cp.returncode == 1, cp
    assert_no_raw_controls("scimsync import (refused), stderr", cp.stderr)
    assert escaped(key) in cp.stderr, cp.stderr
    assert "must not contain control characters (it has U+001B)" in cp.stderr, cp.stderr


def test_a_rules_file_with_control_characters_in_names_is_refused_escaped(stack, uniq, tmp_path):
    app = stack.create_app(uniq("esc-rules"))
    rules = parse_json_output(stack.cli("rules", "show", app.name, "--json").stdout)
    rules["groupSync"]["mode"] = "manual"
    rules["groupSync"]["mappings"] = [{"idpGroup": "IdP Équipe", "directoryGroups": [evil("dir ")]}]
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(rules))
    cp = stack.cli("rules", "set", app.name, "--file", str(path), check=False)
    assert cp.returncode != 0, cp
    assert_no_raw_controls("scimsync rules set (refused)", cp.stderr)
    assert "/groupSync/mappings/0/directoryGroups/0" in cp.stderr and "control characters" in cp.stderr, cp.stderr
    rules["groupSync"]["mappings"][0]["directoryGroups"] = ["dir Équipe"]
    path.write_text(json.dumps(rules))
    stack.cli("rules", "set", app.name, "--file", str(path))
    assert "dir Équipe" in stack.cli("rules", "show", app.name).stdout
