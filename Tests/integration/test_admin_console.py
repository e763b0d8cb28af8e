"""The admin web console (/admin/) through nginx: sign-in, sessions, CSRF, headers, apps and
tokens, sync settings with their preview and synchronization (a run in batches with its progress
page), the directory and the audit, in headless Chromium (selenium) and, for what a browser never
sends, with requests. Two responder processes answer behind nginx, so a page may come from either."""

from __future__ import annotations

import json
import re
import sqlite3
import time

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

from console_support import ConsoleClient, chromium_driver, create_admin, hidden, screenshot
from stack import GROUP_SCHEMA, USER_SCHEMA, Scim, Stack


SYNC_BATCH = 5


@pytest.fixture(scope="module")
def console():
    # Synchronizations commit SYNC_BATCH users at a time, so a small app takes several batches.
    s = Stack("nginx", responders=2, env={"SCIMSYNC_SYNC_BATCH": str(SYNC_BATCH)})
    try:
        s.start()
        s.passwords = {"ada": create_admin(s, "ada"), "reader": create_admin(s, "reader", read_only=True),
                       "locked": create_admin(s, "locked")}
        yield s
    finally:
        s.cleanup()


@pytest.fixture(scope="module")
def browser():
    driver = chromium_driver()
    try:
        yield driver
    finally:
        driver.quit()


def gone(element) -> bool:
    """Whether `element`'s page has been replaced. Chromium answers a look at a node of a page it is
    tearing down either as stale (what selenium's staleness_of expects) or with "Node with given id
    does not belong to the document": both mean the node is gone."""
    try:
        element.is_enabled()
        return False
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error):
            return True
        raise


def click_through(browser, selector: str) -> None:
    """Clicks and waits for the next page to replace this one."""
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, selector).click()
    WebDriverWait(browser, 60).until(lambda _: gone(page))
    # A redirect (303) is a second navigation: wait until the page it lands on has loaded.
    WebDriverWait(browser, 60).until(lambda b: b.execute_script("return document.readyState") == "complete")


def sign_in(browser, stack: Stack, name: str, password: str) -> None:
    browser.get(stack.origin + "/admin/sign-in")
    browser.find_element(By.ID, "name").send_keys(name)
    browser.find_element(By.ID, "password").send_keys(password)
    click_through(browser, "form button[type=submit]")


def sign_out(browser) -> None:
    click_through(browser, "form.sign-out button")


def heading(browser) -> str:
    return browser.find_element(By.TAG_NAME, "h1").text


def finished_run(browser) -> str:
    """Waits on a synchronization's progress page (it refreshes itself) until the run ends; its heading."""
    assert re.search(r"/admin/apps/[^/]+/sync/\d+$", browser.current_url), browser.current_url

    def ended(b):
        try:
            text = heading(b)
        except Exception:  # the page is being replaced by its refresh
            return False
        return text if not text.startswith("Synchronizing ") else False

    return WebDriverWait(browser, 60, poll_frequency=0.2).until(ended)


def test_a_wrong_password_is_refused_and_the_right_one_signs_in(console, browser):
    browser.get(console.origin + "/admin/")
    assert browser.current_url.endswith("/admin/sign-in")
    screenshot(browser, "01-sign-in")
    sign_in(browser, console, "ada", "not the password")
    assert "The name or the password is wrong." in browser.find_element(By.CSS_SELECTOR, ".error-box").text
    screenshot(browser, "02-sign-in-refused")
    sign_in(browser, console, "ada", console.passwords["ada"])
    assert heading(browser) == "Configured IDPs"
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert any(r.startswith("alpha generic corp enabled") for r in rows), rows
    assert any(r.startswith("beta okta corp enabled") for r in rows), rows
    screenshot(browser, "03-overview")
    sign_out(browser)
    assert "You are signed out." in browser.page_source
    browser.get(console.origin + "/admin/")
    assert browser.current_url.endswith("/admin/sign-in")


def test_every_answer_keeps_out_frames_caches_and_foreign_scripts(console):
    client = ConsoleClient(console)
    page = client.get("/admin/sign-in")
    assert page.status_code == 200 and page.headers["Content-Type"] == "text/html; charset=utf-8"
    csp = page.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "default-src 'none'" in csp
    assert page.headers["X-Frame-Options"] == "DENY"
    assert page.headers["Cache-Control"] == "no-store"
    signed = client.sign_in("ada", console.passwords["ada"])
    assert signed.status_code == 303 and signed.headers["Location"] == "/admin/"
    cookie = next(c for c in signed.raw.headers.getlist("Set-Cookie") if c.startswith("scimsync_admin="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/admin" in cookie
    assert "Secure" not in cookie  # plain HTTP here; over HTTPS the cookie is Secure
    overview = client.get("/admin/")
    assert overview.status_code == 200 and overview.headers["Cache-Control"] == "no-store"
    assert client.get("/admin/style.css").headers["Content-Type"].startswith("text/css")


def test_a_form_without_its_csrf_token_is_refused(console):
    client = ConsoleClient(console)
    assert client.sign_in("ada", console.passwords["ada"]).status_code == 303
    refused = client.post("/admin/apps/alpha/disable", {})
    assert refused.status_code == 403 and "security token" in refused.text
    wrong = client.post("/admin/apps/alpha/disable", {"csrf": "x" * 43})
    assert wrong.status_code == 403
    assert console.cli_json("app", "show", "alpha")["app"]["enabled"] is True
    # The sign-in form has its own token: without it, no sign-in either.
    other = ConsoleClient(console)
    assert other.post("/admin/sign-in", {"name": "ada", "password": console.passwords["ada"]}).status_code == 403


def test_a_bearer_token_opens_no_console_and_a_session_no_scim(console):
    token = console.apps["alpha"].token
    client = ConsoleClient(console)
    answer = client.get("/admin/", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/admin/sign-in"
    client.sign_in("ada", console.passwords["ada"])
    assert client.get("/admin/").status_code == 200
    scim = client.get("/scim/alpha/v2/Users")
    assert scim.status_code == 401


def test_a_read_only_admin_sees_but_cannot_change(console):
    client = ConsoleClient(console)
    client.sign_in("reader", console.passwords["reader"])
    page = client.get("/admin/apps/alpha")
    assert page.status_code == 200 and "Rotate token" not in page.text
    refused = client.post("/admin/apps/alpha/disable", {"csrf": client.csrf()})
    assert refused.status_code == 403 and "read-only" in refused.text


def test_sign_ins_are_throttled_per_account(console):
    client = ConsoleClient(console)
    for _ in range(5):
        assert client.sign_in("locked", "wrong password!").status_code == 401
    throttled = client.sign_in("locked", console.passwords["locked"])
    assert throttled.status_code == 429 and "Too many failed sign-ins" in throttled.text
    audit = console.cli_json("audit", "--actor", "locked", "--limit", "10")
    assert any(e["operation"] == "admin.sign-in" and e["outcome"] == "refused" for e in audit)
    # The audit screen finds them by outcome, and pages them.
    ada = ConsoleClient(console)
    ada.sign_in("ada", console.passwords["ada"])
    refused = ada.get("/admin/audit?outcome=refused&actor=locked").text
    assert refused.count("admin.sign-in") == 5 and "<td>ok</td>" not in refused
    assert 'rel="next"' not in refused


def test_an_expired_session_goes_back_to_sign_in(browser):
    s = Stack("nginx", env={"SCIMSYNC_ADMIN_IDLE_SECONDS": "2"})
    try:
        s.start(apps=(("alpha", "corp", "generic"),))
        password = create_admin(s, "ada")
        sign_in(browser, s, "ada", password)
        assert heading(browser) == "Configured IDPs"
        time.sleep(3.5)
        browser.get(s.origin + "/admin/apps/alpha")
        assert browser.current_url.endswith("/admin/sign-in?expired=1")
        assert "Your session expired. Sign in again." in browser.page_source
        screenshot(browser, "04-session-expired")
    finally:
        s.cleanup()


def test_an_app_made_in_the_console_provisions_over_scim(console, browser):
    sign_in(browser, console, "ada", console.passwords["ada"])
    browser.find_element(By.CSS_SELECTOR, "main a[href='/admin/apps/new']").click()
    screenshot(browser, "05-add-app")
    browser.find_element(By.ID, "name").send_keys("okta-console")
    Select(browser.find_element(By.ID, "provider")).select_by_value("okta")
    Select(browser.find_element(By.ID, "directory")).select_by_value("corp")
    click_through(browser, "main form button[type=submit]")
    assert heading(browser) == "App okta-console is ready"
    base_url = browser.find_element(By.ID, "base-url").text
    token = browser.find_element(By.ID, "token").text
    assert base_url == console.base_url("okta-console") and token.startswith("scs_")
    screenshot(browser, "06-app-token-once")
    scim = Scim(base_url, token)
    created = scim.post("/Users", {"schemas": [USER_SCHEMA], "userName": "grace@example.com", "active": True})
    assert created.status_code == 201, created.text
    browser.get(console.origin + "/admin/apps/okta-console")
    assert token not in browser.page_source  # shown once only
    assert token[:8] in browser.page_source  # listed by its hint
    screenshot(browser, "07-app")
    # Rotate: a new token, shown once; then revoke the first one, which stops at once.
    click_through(browser, "form[action$='/rotate-token'] button")
    assert heading(browser) == "New token for okta-console"
    rotated = browser.find_element(By.ID, "token").text
    assert rotated.startswith("scs_") and rotated != token
    browser.get(console.origin + "/admin/apps/okta-console")
    first = browser.find_element(By.CSS_SELECTOR, "form[action$='/revoke-token'] input[name=token-id]").get_attribute("value")
    page = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "form[action$='/revoke-token'] button").click()
    WebDriverWait(browser, 10).until(expected_conditions.alert_is_present())
    browser.switch_to.alert.accept()
    WebDriverWait(browser, 60).until(lambda _: gone(page))
    assert "The token is revoked." in browser.page_source
    revoked = next(t for t in console.cli_json("token", "list", "okta-console") if str(t["id"]) == first)
    assert revoked["revokedAt"]
    assert scim.get("/Users").status_code == 401
    assert Scim(base_url, rotated).get("/Users").status_code == 200
    browser.get(console.origin + "/admin/")
    row = next(r.text for r in browser.find_elements(By.CSS_SELECTOR, "tbody tr") if r.text.startswith("okta-console"))
    assert " 1 0 " in row + " ", row  # one user provisioned, no group
    sign_out(browser)


def test_a_group_mapping_changed_previewed_and_synchronized(console, browser):
    alpha = console.client("alpha")
    user = alpha.post("/Users", {"schemas": [USER_SCHEMA], "userName": "linus@example.com"}).json()
    group = alpha.post("/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "Engineering",
                                   "members": [{"value": user["id"]}]})
    assert group.status_code == 201, group.text
    sign_in(browser, console, "ada", console.passwords["ada"])
    browser.get(console.origin + "/admin/apps/alpha/group-sync")
    screenshot(browser, "08-group-sync")
    Select(browser.find_element(By.ID, "mode")).select_by_value("manual")
    browser.find_element(By.ID, "idp-group-0").send_keys("Engineering")
    browser.find_element(By.ID, "directory-groups-0").send_keys("eng-staff")
    click_through(browser, "main form.card button[type=submit]")
    assert heading(browser).startswith("Preview: Group Sync Settings of alpha")
    changes = browser.find_element(By.CSS_SELECTOR, "ul.changes").text
    assert "membership added: linus@example.com in eng-staff" in changes, changes
    screenshot(browser, "09-preview")
    assert console.cli_json("rules", "show", "alpha")["groupSync"]["mode"] == "onTheFly"  # nothing saved yet
    click_through(browser, "button[value=synchronize]")
    assert finished_run(browser) == "Synchronized alpha"
    assert "membership added: linus@example.com in eng-staff" in browser.page_source
    screenshot(browser, "10-synchronized")
    assert console.cli_json("rules", "show", "alpha")["groupSync"]["mappings"] == [
        {"idpGroup": "Engineering", "directoryGroups": ["eng-staff"]}]
    browser.get(console.origin + "/admin/directory?directory=corp&q=linus")
    row = browser.find_element(By.CSS_SELECTOR, "tbody tr").text
    assert "linus@example.com" in row and "eng-staff" in row and "app alpha" in row, row
    screenshot(browser, "11-directory")
    browser.get(console.origin + "/admin/directory/groups?directory=corp&q=eng")
    screenshot(browser, "12-directory-groups")
    browser.get(console.origin + "/admin/audit?app=alpha&actor=ada")
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "tbody tr")]
    assert any("ada (console)" in r and "rules.set" in r for r in rows), rows
    assert any("ada (console)" in r and " sync " in f" {r} " for r in rows), rows
    screenshot(browser, "13-audit")
    # A second synchronization changes nothing.
    browser.get(console.origin + "/admin/apps/alpha")
    click_through(browser, "form[action$='/synchronize'] button")
    assert finished_run(browser) == "Synchronized alpha"
    assert "No changes: the directory already matches the rules." in browser.page_source
    sign_out(browser)


def test_a_rule_the_reader_refuses_is_named_beside_its_field(console, browser):
    sign_in(browser, console, "ada", console.passwords["ada"])
    browser.get(console.origin + "/admin/apps/beta/group-sync")
    browser.find_element(By.ID, "deny").send_keys("^(test-")
    click_through(browser, "main form.card button[type=submit]")
    error = browser.find_element(By.ID, "deny-error").text
    assert "is not a valid regular expression" in error and "missing closing parenthesis" in error, error
    assert browser.find_element(By.ID, "deny").get_attribute("aria-invalid") == "true"
    assert "The settings were not saved" in browser.page_source
    screenshot(browser, "14-rules-problem")
    browser.get(console.origin + "/admin/apps/beta/user-sync")
    screenshot(browser, "15-user-sync")
    sign_out(browser)


def test_hostile_idp_text_is_shown_escaped(console, browser):
    alpha = console.client("alpha")
    created = alpha.post("/Users", {"schemas": [USER_SCHEMA], "userName": "<script>alert(1)</script>@example.com",
                                    "displayName": "\u001b[31mred\u202egpj.exe\"><img src=x>"})
    assert created.status_code == 201, created.text
    sign_in(browser, console, "ada", console.passwords["ada"])
    browser.get(console.origin + "/admin/directory?directory=corp&q=script")
    cells = [c.text for c in browser.find_elements(By.CSS_SELECTOR, "tbody tr td")]
    assert cells[0] == "<script>alert(1)</script>@example.com", cells
    assert cells[2] == '\\u{1B}[31mred\\u{202E}gpj.exe"><img src=x>', cells
    assert not browser.find_elements(By.XPATH, "//main//script | //main//img")
    screenshot(browser, "16-hostile-text")
    sign_out(browser)


def test_a_configuration_with_a_problem_is_refused_with_the_problem_named(console, browser, tmp_path):
    exported = console.cli("export").stdout
    document = json.loads(exported)
    document["apps"][0]["provider"] = "netscape"
    bad = tmp_path / "bad-config.json"
    bad.write_text(json.dumps(document))
    sign_in(browser, console, "ada", console.passwords["ada"])
    browser.get(console.origin + "/admin/configuration")
    screenshot(browser, "17-configuration")
    browser.find_element(By.ID, "document").send_keys(str(bad))
    click_through(browser, "main form[enctype] button[type=submit]")
    problems = browser.find_element(By.CSS_SELECTOR, "ul.problems").text
    assert "/apps/0/provider: expected one of: okta, entra" in problems, problems
    assert "nothing was imported" in browser.page_source
    screenshot(browser, "18-import-refused")
    # A sound document, saved with Windows line ends: its dry-run diff, then the import of the very
    # document the preview carried.
    document = json.loads(exported)
    document["directories"].append({"name": "imported-directory"})
    good = tmp_path / "good-config.json"
    good.write_bytes(json.dumps(document, indent=2).replace("\n", "\r\n").encode())
    browser.get(console.origin + "/admin/configuration")
    browser.find_element(By.ID, "document").send_keys(str(good))
    click_through(browser, "main form[enctype] button[type=submit]")
    assert heading(browser) == "Import: what would change"
    assert "imported-directory" in browser.find_element(By.CSS_SELECTOR, "ul.changes").text
    screenshot(browser, "19-import-preview")
    assert "imported-directory" not in console.cli("directory", "list").stdout
    click_through(browser, "main form.actions button[type=submit]")
    assert heading(browser) == "Imported"
    assert "imported-directory" in console.cli("directory", "list").stdout
    sign_out(browser)


def test_export_and_backup_download(console):
    client = ConsoleClient(console)
    client.sign_in("ada", console.passwords["ada"])
    export = client.get("/admin/configuration/export?redact=1")
    assert export.status_code == 200 and "attachment" in export.headers["Content-Disposition"]
    assert [a["name"] for a in export.json()["apps"]][:2] == ["alpha", "beta"]
    backup = client.get("/admin/configuration/backup")
    assert backup.status_code == 200 and backup.content.startswith(b"SQLite format 3\x00")
    reader = ConsoleClient(console)
    reader.sign_in("reader", console.passwords["reader"])
    assert reader.get("/admin/configuration/backup").status_code == 403
    # Who took the token hashes and the personal data away is audited.
    audit = json.loads(console.cli("audit", "--actor", "ada", "--json").stdout)
    assert any(e["operation"] == "config.export" and e["actor"] == "ada (console)" for e in audit)
    assert any(e["operation"] == "backup" and e["actor"] == "ada (console)" for e in audit)


def test_a_huge_page_number_does_not_stop_the_responder(console):
    """page=9223372036854775807 made page × 50 overflow: a read-only account stopped the responder."""
    reader = ConsoleClient(console)
    reader.sign_in("reader", console.passwords["reader"])
    for path in ("/admin/audit", "/admin/directory", "/admin/directory/groups"):
        assert reader.get(path + "?page=9223372036854775807").status_code == 200
    assert reader.get("/admin/").status_code == 200


def test_the_console_is_reached_through_every_web_server(stack, uniq):
    """The deploy files route /admin/ to the responder: nginx, Apache mod_proxy_fcgi, mod_fcgid."""
    name = uniq("admin")
    password = create_admin(stack, name)
    client = ConsoleClient(stack)
    assert client.get("/admin/").headers["Location"] == "/admin/sign-in"
    page = client.get("/admin/sign-in")
    assert page.status_code == 200 and page.headers["X-Frame-Options"] == "DENY"
    assert client.sign_in(name, password).status_code == 303
    overview = client.get("/admin/")
    assert overview.status_code == 200 and "Configured IDPs" in overview.text and ">alpha</a>" in overview.text
    assert client.get("/admin/style.css").status_code == 200


def test_pages_fit_a_phone_width(console, browser):
    sign_in(browser, console, "ada", console.passwords["ada"])
    browser.get(console.origin + "/admin/apps/alpha")
    assert browser.find_element(By.CSS_SELECTOR, "button.danger").text in ("Disable", "Delete app")
    screenshot(browser, "20-app-phone", width=390)
    browser.set_window_size(390, 800)
    overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    browser.set_window_size(1280, 900)
    assert overflow <= 0, f"the page is {overflow}px wider than a phone"
    sign_out(browser)


def test_connection_settings_are_checked_and_saved(console, browser):
    sign_in(browser, console, "ada", console.passwords["ada"])
    browser.get(console.origin + "/admin/apps/beta")
    browser.find_element(By.ID, "public-url").send_keys("ftp://scim.example.com")
    browser.find_element(By.ID, "per-second").send_keys("many")
    click_through(browser, "form[action$='/settings'] button")
    assert "The rate and the burst are whole numbers." in browser.find_element(By.ID, "rate-limit-error").text
    assert "the base URL must be" in browser.find_element(By.ID, "public-url-error").text
    assert browser.find_element(By.ID, "public-url").get_attribute("value") == "ftp://scim.example.com"  # kept to correct
    screenshot(browser, "21-settings-refused")
    shown = console.cli_json("app", "show", "beta")
    assert shown.get("rateLimit") is None and shown["app"].get("baseURL") is None
    browser.find_element(By.ID, "public-url").clear()
    browser.find_element(By.ID, "public-url").send_keys("https://scim.example.com")
    browser.find_element(By.ID, "per-second").clear()
    browser.find_element(By.ID, "per-second").send_keys("7")
    click_through(browser, "form[action$='/settings'] button")
    assert "The connection settings are saved." in browser.page_source
    shown = console.cli_json("app", "show", "beta")
    assert shown["rateLimit"] == {"perSecond": 7, "burst": 14}
    assert shown["app"]["baseURL"] == "https://scim.example.com"
    assert browser.find_element(By.ID, "base-url").text == "https://scim.example.com/scim/beta/v2"
    sign_out(browser)


def test_a_synchronization_runs_in_batches_with_its_progress_page(console, browser):
    app = console.create_app("bulk")
    scim = console.client("bulk")
    count = 12 * SYNC_BATCH
    for index in range(count):
        created = scim.post("/Users", {"schemas": [USER_SCHEMA], "userName": f"bulk{index}@example.com"})
        assert created.status_code == 201, created.text
    # New rules rename every user: the synchronization has one change per user to make.
    console.cli("rules", "set", app.name, "--username-pattern", "^(.*)@example.com$", "--username-replacement", "$1")
    sign_in(browser, console, "ada", console.passwords["ada"])
    browser.get(console.origin + "/admin/apps/bulk")
    click_through(browser, "form[action$='/synchronize'] button")
    run_id = int(browser.current_url.rsplit("/", 1)[1])
    progress = browser.find_element(By.ID, "sync-users")
    assert progress.get_attribute("max") == str(count)
    assert finished_run(browser) == "Synchronized bulk"
    assert browser.find_element(By.ID, "sync-users-text").text == f"{count} of {count}"
    assert browser.find_element(By.ID, "sync-phase").text == "finished"
    assert 'http-equiv="refresh"' not in browser.page_source  # a finished run's page stays still
    changes = browser.find_element(By.CSS_SELECTOR, "ul.changes").text
    assert f"{count} changes:" in browser.page_source and "bulk7" in changes, changes
    screenshot(browser, "23-sync-finished")
    with sqlite3.connect(console.db) as db:
        row = db.execute("SELECT users_total, users_done, phase, outcome, changes_count, actor FROM sync_run WHERE id = ?",
                         (run_id,)).fetchone()
    assert row == (count, count, "finished", "succeeded", count, "ada (console)"), row
    click_through(browser, "main a[href^='/admin/audit?app=bulk']")
    rows = [r.text for r in browser.find_elements(By.CSS_SELECTOR, "tbody tr")]
    syncs = [r for r in rows if "ada (console)" in r and " sync " in f" {r} "]
    assert len(syncs) >= count // SYNC_BATCH, rows  # each batch that changed something is audited
    sign_out(browser)


def test_one_run_per_app_at_a_time_and_an_interrupted_one_is_shown(console, browser):
    """A run another process is making is shown instead of a second one; once its responder has been
    quiet for a minute (it died), the page says so and offers to synchronize again."""
    now = time.time()
    with sqlite3.connect(console.db) as db:
        app_id = db.execute("SELECT id FROM app WHERE name = 'beta'").fetchone()[0]
        cur = db.execute("INSERT INTO sync_run (app_id, actor, started_at, updated_at, users_total, users_done, phase) "
                         "VALUES (?, 'bob (console)', ?, ?, 40, 15, 'users')", (app_id, now - 5, now))
        running = cur.lastrowid
    client = ConsoleClient(console)
    client.sign_in("ada", console.passwords["ada"])
    second = client.post("/admin/apps/beta/synchronize", {"csrf": client.csrf("/admin/apps/beta")})
    assert second.status_code == 303
    assert second.headers["Location"] == f"/admin/apps/beta/sync/{running}?notice=already-running"
    page = client.get(second.headers["Location"])
    assert "already running" in page.text and '<meta http-equiv="refresh" content="2">' in page.text
    assert 'value="15" max="40"' in page.text and "bob (console)" in page.text
    # The read-only admin may watch, not start.
    reader = ConsoleClient(console)
    reader.sign_in("reader", console.passwords["reader"])
    assert reader.get(f"/admin/apps/beta/sync/{running}").status_code == 200
    assert reader.post("/admin/apps/beta/synchronize", {"csrf": reader.csrf()}).status_code == 403
    assert client.get(f"/admin/apps/alpha/sync/{running}").status_code == 404  # not alpha's run
    sign_in(browser, console, "ada", console.passwords["ada"])
    browser.get(console.origin + f"/admin/apps/beta/sync/{running}")
    assert heading(browser) == "Synchronizing beta…"
    assert browser.find_element(By.ID, "sync-users").get_attribute("value") == "15"
    assert browser.find_element(By.ID, "sync-users-text").text == "15 of 40"
    assert browser.find_element(By.ID, "sync-phase").text == "users"
    screenshot(browser, "22-sync-progress")
    # It reloads itself (a <meta> refresh, which the console's CSP allows), showing the newest row.
    with sqlite3.connect(console.db) as db:
        db.execute("UPDATE sync_run SET users_done = 30, updated_at = ? WHERE id = ?", (time.time(), running))
    WebDriverWait(browser, 10, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException)).until(
        lambda b: b.find_element(By.ID, "sync-users-text").text == "30 of 40")
    with sqlite3.connect(console.db) as db:
        db.execute("UPDATE sync_run SET updated_at = ? WHERE id = ?", (now - 120, running))
    browser.get(console.origin + f"/admin/apps/beta/sync/{running}")
    assert heading(browser) == "Synchronization of beta interrupted"
    assert "stopped without finishing" in browser.page_source and 'http-equiv="refresh"' not in browser.page_source
    screenshot(browser, "24-sync-interrupted")
    click_through(browser, "form[action$='/synchronize'] button")
    assert not browser.current_url.endswith(f"/sync/{running}")
    assert finished_run(browser) == "Synchronized beta"
    with sqlite3.connect(console.db) as db:
        assert db.execute("SELECT outcome FROM sync_run WHERE id = ?", (running,)).fetchone() == ("interrupted",)
    sign_out(browser)
