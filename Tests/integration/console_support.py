"""Helpers for the admin console tests: a signed-in requests session, headless Chromium
(Debian's chromium and chromium-driver, driven by selenium) and screenshots.

Screenshots go to Tests/integration/screenshots/ (kept out of git), or to
$SCIMSYNC_SCREENSHOTS; one PNG per screen, named by the test.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import requests

from stack import HTTP_TIMEOUT, REPO, Stack

SCREENSHOTS = Path(os.environ.get("SCIMSYNC_SCREENSHOTS") or REPO / "Tests" / "integration" / "screenshots")


def create_admin(stack: Stack, name: str, read_only: bool = False) -> str:
    """Creates a console account with the admin tool; returns the password it printed."""
    out = stack.cli_json("admin", "create", name, *(["--read-only"] if read_only else []))
    assert out["name"] == name and len(out["password"]) >= 12
    return out["password"]


def hidden(html: str, name: str) -> str:
    match = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert match, f"no hidden field {name} in the page"
    return match.group(1)


class ConsoleClient:
    """The console over plain HTTP (requests), for what a browser would never send."""

    def __init__(self, stack: Stack):
        self.origin = stack.origin
        self.http = requests.Session()

    def get(self, path: str, **kw) -> requests.Response:
        return self.http.get(self.origin + path, timeout=HTTP_TIMEOUT, allow_redirects=False, **kw)

    def post(self, path: str, data: dict | list | None = None, **kw) -> requests.Response:
        return self.http.post(self.origin + path, data=data, timeout=HTTP_TIMEOUT, allow_redirects=False, **kw)

    def sign_in(self, name: str, password: str) -> requests.Response:
        page = self.get("/admin/sign-in")
        return self.post("/admin/sign-in", {"csrf": hidden(page.text, "csrf"), "name": name, "password": password})

    def csrf(self, path: str = "/admin/") -> str:
        """The session's CSRF token, as every form of a page carries it."""
        return hidden(self.get(path).text, "csrf")


def chromium_driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,900"):
        options.add_argument(flag)
    service = Service(executable_path=shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    driver.set_page_load_timeout(60)
    return driver


def screenshot(driver, name: str, width: int = 1280) -> Path:
    """The whole page as one PNG (the window grown to the page's height)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    height = driver.execute_script("return Math.max(document.body.scrollHeight, 600)")
    driver.set_window_size(width, min(int(height) + 120, 4000))
    path = SCREENSHOTS / f"{name}.png"
    driver.save_screenshot(str(path))
    driver.set_window_size(1280, 900)
    return path
