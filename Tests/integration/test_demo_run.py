"""`make run` (scripts/run.sh) leaves nothing open to other local users: the database, its WAL and
the demo token are 0600, the socket 0660 in the group of nginx's workers; and it serves.

run.sh runs from a copy of the repository's scripts/ and deploy/ in a temporary directory (its
var/ is made there), with the binaries already built (SCIMSYNC_BIN_DIR) and the package check
stubbed out."""

from __future__ import annotations

import grp
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path

import requests

from stack import REPO, START_TIMEOUT, STOP_TIMEOUT, bin_dir, free_port, root


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_demo_stack_keeps_its_files_private():
    work = Path(tempfile.mkdtemp(prefix="scimsync-it-run-"))
    # nginx's workers (www-data when run as root) must be able to reach var/run/ in here.
    work.chmod(0o755)
    shutil.copytree(REPO / "deploy", work / "deploy")
    (work / "scripts").mkdir()
    shutil.copy2(REPO / "scripts" / "run.sh", work / "scripts" / "run.sh")
    stub = work / "scripts" / "install-deps.sh"
    stub.write_text("#!/bin/sh\nexit 0\n")
    stub.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith("SCIMSYNC_")}
    env.update(PORT=str(free_port()), SCIMSYNC_BIN_DIR=str(bin_dir()))
    log = work / "run.log"
    with open(log, "wb") as out:
        run = subprocess.Popen([str(work / "scripts" / "run.sh")], stdin=subprocess.DEVNULL, stdout=out,
                               stderr=subprocess.STDOUT, env=env, cwd=work, start_new_session=True)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while "Press Ctrl-C to stop." not in log.read_text():
            assert run.poll() is None, f"run.sh exited {run.returncode}:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"run.sh did not start:\n{log.read_text()}"
            time.sleep(0.2)
        text = log.read_text()
        token = re.search(r"^Bearer token: (\S+)$", text, re.M).group(1)
        base = re.search(r"^SCIM base URL: (\S+)$", text, re.M).group(1)
        r = requests.get(f"{base}/Users", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert r.status_code == 200, r.text
        port = env["PORT"]
        assert base == f"http://127.0.0.1:{port}/scim/demo/v2", text

        # The demo app keeps the URL it is served at: `app show` names it from a shell without
        # run.sh's environment, and responses build their URLs from it whatever Host is sent.
        cli_env = {k: v for k, v in os.environ.items() if not k.startswith("SCIMSYNC_")}
        cli_env["SCIMSYNC_DATABASE"] = str(work / "var" / "scimsync.sqlite")
        shown = subprocess.run([str(bin_dir() / "scimsync"), "app", "show", "demo", "--json"], env=cli_env,
                               capture_output=True, text=True, timeout=30, check=True)
        details = json.loads(shown.stdout)
        assert details["baseURL"] == base, details
        assert details["app"]["baseURL"] == f"http://127.0.0.1:{port}", details
        r = requests.get(f"{base}/ServiceProviderConfig",
                         headers={"Authorization": f"Bearer {token}", "Host": "elsewhere.example"}, timeout=10)
        assert r.status_code == 200, r.text
        assert r.json()["meta"]["location"] == f"{base}/ServiceProviderConfig", r.text

        # The console's first admin, printed with its URL, signs in there.
        console = re.search(r"^Admin console: (\S+)$", text, re.M).group(1)
        admin = re.search(r"^Sign in as: (\S+)$", text, re.M).group(1)
        password = re.search(r"^Password: (\S+)$", text, re.M).group(1)
        assert console == f"http://127.0.0.1:{port}/admin/", text
        browser = requests.Session()
        form = browser.get(console + "sign-in", timeout=10)
        csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
        signed = browser.post(console + "sign-in", data={"csrf": csrf, "name": admin, "password": password},
                              timeout=10, allow_redirects=False)
        assert signed.status_code == 303, signed.text
        assert "Configured IDPs" in browser.get(console, timeout=10).text

        var = work / "var"
        crowd_url = re.search(r"^Crowd server URL: (\S+) \(application (\S+),", text, re.M)
        assert crowd_url and crowd_url.group(1) == f"http://127.0.0.1:{port}/crowd", text
        r = requests.get(f"{crowd_url.group(1)}/rest/usermanagement/1/group/membership", timeout=10,
                         auth=(crowd_url.group(2), (var / "demo-crowd-password").read_text().strip()))
        assert r.status_code == 200 and b"<memberships" in r.content, r.text
        for name in ("scimsync.sqlite", "scimsync.sqlite-wal", "scimsync.sqlite-shm", "demo-token", "demo-crowd-password", "admin-password"):
            assert mode(var / name) == 0o600, f"{name}: {oct(mode(var / name))}"
        assert (var / "demo-token").read_text().strip() == token
        sock = var / "run" / "scimsync.sock"
        assert stat.S_ISSOCK(sock.stat().st_mode)
        assert mode(sock) == 0o660, oct(mode(sock))
        nginx_conf = (var / "run" / "nginx.conf").read_text()
        if root():
            workers = re.search(r"^user (\S+) (\S+);$", nginx_conf, re.M)
            assert workers, nginx_conf
            assert grp.getgrgid(sock.stat().st_gid).gr_name == workers.group(2)
            assert workers.group(1) == "www-data", "nginx's workers need not be root here"
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGTERM)
            try:
                run.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(run.pid, signal.SIGKILL)
                run.wait()
        shutil.rmtree(work, ignore_errors=True)
