"""A real ScimSync deployment in a temporary directory, for the integration tests.

A `Stack` is: a SQLite database prepared with the real admin tool (`scimsync`), the real
responder (`scimsync-fcgi`) on a Unix socket, and a real web server in front of it on a free
127.0.0.1 port:

- ``nginx``:             nginx -> responder (Unix socket)          deploy/nginx/scimsync.conf
- ``apache-proxy-fcgi``: Apache (mpm_event) mod_proxy_fcgi -> responder
                                                                   deploy/apache/scimsync-proxy-fcgi.conf
- ``apache-fcgid``:      Apache (mpm_event) mod_fcgid, which spawns the responder itself as
                         www-data                                  deploy/apache/scimsync-fcgid.conf

The web server configuration is the deploy/ file itself, with only the listen address, socket
path, binary path and database path substituted (plain string replacement), wrapped in a
minimal generated main configuration.

The responders run with a default rate limit far above what the tests send
(SCIMSYNC_DEFAULT_RATE_LIMIT, TEST_DEFAULT_RATE_LIMIT; under mod_fcgid one FcgidInitialEnv line
more): the tests of rate limits set an app's own.

Environment:
  SCIMSYNC_BIN_DIR   where scimsync and scimsync-fcgi are (default: <repo>/.build/debug)
  SCIMSYNC_KEEP_TMP  set to 1 to keep the temporary directories for inspection
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import requests

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
FRONTENDS = ("nginx", "apache-proxy-fcgi", "apache-fcgid")
APACHE_MODULES = Path("/usr/lib/apache2/modules")

# Addresses and paths as they appear in the deploy/ files; the tests substitute exactly these.
DEPLOY_LISTEN = "127.0.0.1:8080"
DEPLOY_SOCKET = "/run/scimsync/scimsync.sock"
DEPLOY_BINARY = "/usr/local/bin/scimsync-fcgi"
DEPLOY_DATABASE = "/var/lib/scimsync/scimsync.sqlite"
DEPLOY_NGINX_ACCESS_LOG = "/var/log/nginx/scimsync-access.log"
DEPLOY_APACHE_ACCESS_LOG = "${APACHE_LOG_DIR}/scimsync-access.log"
DEPLOY_FCGID_WORKERS = "FcgidInitialEnv SCIMSYNC_WORKERS 1"

TEST_DEFAULT_RATE_LIMIT = "100000/1000000"
HTTP_TIMEOUT = 10          # every HTTP request of the tests
CLI_TIMEOUT = 60           # every admin tool invocation (a debug build runs migrations first)
START_TIMEOUT = 45         # a responder or a web server becoming ready
STOP_TIMEOUT = 10          # SIGTERM -> exit, before SIGKILL

SCIM_JSON = "application/scim+json"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"
LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ENTERPRISE_SCHEMA = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


class StackError(RuntimeError):
    pass


def bin_dir() -> Path:
    return Path(os.environ.get("SCIMSYNC_BIN_DIR") or REPO / ".build" / "debug").resolve()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_is_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def unix_socket_accepts(path: Path) -> bool:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        try:
            s.connect(str(path))
            return True
        except OSError:
            return False


def substitute(text: str, replacements: dict[str, str], source: Path) -> str:
    """Plain string replacement; every original must occur, or the deploy file drifted."""
    for old, new in replacements.items():
        if old not in text:
            raise StackError(f"{source} no longer contains {old!r}: update Tests/integration/stack.py")
        text = text.replace(old, new)
    return text


def tail(path: Path, limit: int = 12000) -> str:
    try:
        data = path.read_bytes()
    except OSError:
        return "(missing)"
    text = data[-limit:].decode("utf-8", "replace")
    return ("...\n" if len(data) > limit else "") + text


def root() -> bool:
    return os.geteuid() == 0


class Proc:
    """A process we started, with its output in a log file; stopped by its own pid only."""

    def __init__(self, name: str, argv: list[str], log: Path, env: dict | None = None, cwd: Path | None = None):
        self.name = name
        self.argv = argv
        self.log = log
        self._logfile = open(log, "ab")
        self.popen = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=self._logfile, stderr=subprocess.STDOUT,
            env=env, cwd=cwd, start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill9(self) -> None:
        if self.alive():
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=STOP_TIMEOUT)
        self._logfile.close()

    def stop(self, timeout: float = STOP_TIMEOUT) -> int | None:
        """SIGTERM, then SIGKILL after `timeout`; returns the exit status."""
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    self.popen.send_signal(signal.SIGKILL)
                self.popen.wait(timeout=timeout)
        self._logfile.close()
        return self.popen.returncode


def wait_until(what: str, condition: Callable[[], bool], timeout: float, alive: Iterable[Proc] = (),
               logs: Callable[[], str] = lambda: "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        for p in alive:
            if not p.alive():
                raise StackError(f"{p.name} exited ({p.popen.returncode}) while waiting for {what}\n{logs()}")
        time.sleep(0.1)
    raise StackError(f"timed out after {timeout}s waiting for {what}\n{logs()}")


@dataclass
class App:
    name: str
    token: str
    token_id: int | None
    base_url: str            # as the web server serves it
    printed_base_url: str    # as the admin tool printed it


class Scim:
    """A SCIM client for one app's base URL, with a bearer token."""

    def __init__(self, base_url: str, token: str | None):
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.session = requests.Session()

    def url(self, path: str) -> str:
        return self.base_url + path

    def request(self, method: str, path: str, json_body=None, *, data=None, token: str | None = ...,
                headers: dict | None = None, content_type: str | None = SCIM_JSON, **kw) -> requests.Response:
        h = {"Accept": SCIM_JSON}
        tok = self.token if token is ... else token
        if tok is not None:
            h["Authorization"] = f"Bearer {tok}"
        if json_body is not None:
            data = json.dumps(json_body).encode()
        if data is not None and content_type is not None:
            h["Content-Type"] = content_type
        if headers:
            h.update(headers)
        return self.session.request(method, self.url(path), data=data, headers=h,
                                    timeout=HTTP_TIMEOUT, allow_redirects=False, **kw)

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def patch(self, path, body=None, **kw):
        return self.request("PATCH", path, body, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)

    def close(self):
        self.session.close()


class Stack:
    def __init__(self, frontend: str, responders: int = 1, workers: int | None = None, keep: bool | None = None,
                 env: dict[str, str] | None = None):
        if frontend not in FRONTENDS:
            raise ValueError(frontend)
        if frontend != "nginx" and responders != 1:
            raise ValueError("several responders only behind nginx")
        self.frontend = frontend
        self.responder_count = responders
        self.workers = workers
        self.extra_env = env or {}   # extra responder environment (e.g. SCIMSYNC_GROUP_BATCH)
        self.keep = bool(os.environ.get("SCIMSYNC_KEEP_TMP")) if keep is None else keep
        self.bin_dir = bin_dir()
        self.cli_bin = self.bin_dir / "scimsync"
        self.responder_bin = self.bin_dir / "scimsync-fcgi"
        for b in (self.cli_bin, self.responder_bin):
            if not os.access(b, os.X_OK):
                raise StackError(f"{b} not found: build first (swift build) or set SCIMSYNC_BIN_DIR")
        self.dir = Path(tempfile.mkdtemp(prefix=f"scimsync-it-{frontend}-"))
        # The web server's workers (nobody / www-data) must reach the socket in here.
        self.dir.chmod(0o755)
        self.db_dir = self.dir / "db"
        self.db_dir.mkdir()
        self.db = self.db_dir / "scimsync.sqlite"
        self.run_dir = self.dir / "run"
        self.run_dir.mkdir()
        self.log_dir = self.dir / "logs"
        self.log_dir.mkdir()
        self.log_dir.chmod(0o777)
        self.port = 0
        self.responders: list[Proc | None] = [None] * responders
        self.server: Proc | None = None
        self.apps: dict[str, App] = {}
        self.as_www_data = frontend == "apache-fcgid" and root()
        if frontend == "apache-fcgid":
            # mod_fcgid runs the responder as www-data: it must be able to execute it wherever the
            # repository lives, and to write the database directory (SQLite WAL files).
            own_bin = self.dir / "bin"
            own_bin.mkdir()
            own_bin.chmod(0o755)
            shutil.copy2(self.responder_bin, own_bin / "scimsync-fcgi")
            self.responder_bin = own_bin / "scimsync-fcgi"
            if self.as_www_data:
                pw = pwd.getpwnam("www-data")
                os.chown(self.db_dir, pw.pw_uid, pw.pw_gid)
            self.db_dir.chmod(0o750 if self.as_www_data else 0o755)

    # ----- paths and URLs -------------------------------------------------------------------
    def socket_path(self, index: int = 0) -> Path:
        if self.responder_count == 1:
            return self.run_dir / "scimsync.sock"
        return self.run_dir / f"scimsync-{index + 1}.sock"

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def access_log(self) -> Path:
        """The web server's access log, in the deploy/ file's own format (it names request ids)."""
        return self.log_dir / ("nginx-access.log" if self.frontend == "nginx" else "apache-access.log")

    def base_url(self, app: str) -> str:
        return f"{self.origin}/scim/{app}/v2"

    def client(self, app: str, token: str | None = ...) -> Scim:
        a = self.apps.get(app)
        tok = (a.token if a else None) if token is ... else token
        return Scim(self.base_url(app), tok)

    # ----- admin tool -----------------------------------------------------------------------
    def cli_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCIMSYNC_")}
        env["SCIMSYNC_DATABASE"] = str(self.db)
        env["SCIMSYNC_PUBLIC_URL"] = self.origin if self.port else "http://127.0.0.1:8080"
        env["HOME"] = str(self.dir)
        return env

    def cli(self, *args: str, check: bool = True, timeout: float = CLI_TIMEOUT) -> subprocess.CompletedProcess:
        """Runs `scimsync ARGS` on this stack's database (as www-data for the mod_fcgid stack,
        so that the files SQLite creates stay writable for the responder)."""
        argv = [str(self.cli_bin), *args]
        extra = {"user": "www-data", "group": "www-data", "extra_groups": []} if self.as_www_data else {}
        cp = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            env=self.cli_env(), cwd=self.dir, timeout=timeout, **extra)
        with open(self.log_dir / "cli.log", "a") as f:
            f.write(f"$ scimsync {' '.join(args)}\n-> exit {cp.returncode}\n{cp.stdout}{cp.stderr}\n")
        if check and cp.returncode != 0:
            raise StackError(f"scimsync {' '.join(args)} failed ({cp.returncode}):\n{cp.stdout}\n{cp.stderr}")
        return cp

    def cli_json(self, *args: str):
        cp = self.cli(*args, "--json")
        return parse_json_output(cp.stdout)

    def create_app(self, name: str, directory: str = "corp", provider: str = "generic") -> App:
        out = self.cli_json("app", "create", name, "--provider", provider, "--directory", directory)
        if not isinstance(out, dict) or not out.get("token"):
            raise StackError(f"app create --json printed no token: {out!r}")
        app = App(name=name, token=out["token"], token_id=out.get("tokenId"),
                  base_url=self.base_url(name), printed_base_url=out.get("baseURL", ""))
        self.apps[name] = app
        return app

    def rotate_token(self, app: str, grace_minutes: int) -> dict:
        out = self.cli_json("token", "rotate", app, "--grace-minutes", str(grace_minutes))
        if not isinstance(out, dict) or not out.get("token"):
            raise StackError(f"token rotate --json printed no token: {out!r}")
        return out

    # ----- processes ------------------------------------------------------------------------
    def start(self, apps: Iterable[tuple[str, str, str]] = (("alpha", "corp", "generic"),
                                                            ("beta", "corp", "okta"))) -> "Stack":
        try:
            self.port = free_port()
            self.cli("init")
            self.cli("directory", "create", "corp")
            for name, directory, provider in apps:
                self.create_app(name, directory, provider)
            if self.frontend != "apache-fcgid":
                for i in range(self.responder_count):
                    self.start_responder(i)
            self.start_server()
        except BaseException:
            self.stop()
            raise
        return self

    def responder_env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SCIMSYNC_")}
        env["SCIMSYNC_DEFAULT_RATE_LIMIT"] = TEST_DEFAULT_RATE_LIMIT
        if self.workers:
            env["SCIMSYNC_WORKERS"] = str(self.workers)
        env.update(self.extra_env)
        return env

    def start_responder(self, index: int = 0) -> Proc:
        sock = self.socket_path(index)
        with contextlib.suppress(FileNotFoundError):
            sock.unlink()
        proc = Proc(f"scimsync-fcgi#{index + 1}",
                    [str(self.responder_bin), "--socket", str(sock), "--socket-mode", "0660",
                     *self.socket_group(), "--database", str(self.db)],
                    self.log_dir / f"responder-{index + 1}.log", env=self.responder_env(), cwd=self.dir)
        self.responders[index] = proc
        wait_until(f"{proc.name} to listen on {sock}", lambda: unix_socket_accepts(sock),
                   START_TIMEOUT, alive=[proc], logs=self.logs_text)
        return proc

    def socket_group(self) -> list[str]:
        """As deployed: the socket is 0660 and its group is the web server workers' (nginx run as
        root without a `user` directive works as nobody:nogroup, Apache as www-data); run as
        another user, the web server is that user and needs no group."""
        if not root():
            return []
        return ["--socket-group", "nogroup" if self.frontend == "nginx" else "www-data"]

    def start_server(self) -> None:
        if self.frontend == "nginx":
            self._start_nginx()
        else:
            self._start_apache()
        self.wait_http_ready()

    def wait_http_ready(self) -> None:
        # Any answer from the responder (an unknown app gives 401/404) means the chain works;
        # 502/503/504 means the web server is up but cannot reach the responder yet.
        probe = f"{self.origin}/scim/readiness-probe/v2/ServiceProviderConfig"

        def ready() -> bool:
            try:
                r = requests.get(probe, timeout=HTTP_TIMEOUT)
            except requests.RequestException:
                return False
            return r.status_code < 500

        wait_until(f"{self.frontend} on port {self.port}", ready, START_TIMEOUT,
                   alive=[self.server], logs=self.logs_text)

    def _start_nginx(self) -> None:
        nx = self.dir / "nginx"
        nx.mkdir(exist_ok=True)
        (nx / "logs").mkdir(exist_ok=True)
        site_src = DEPLOY / "nginx" / "scimsync.conf"
        if self.responder_count == 1:
            target = f"unix:{self.socket_path(0)}"
            upstream = ""
        else:
            target = "scimsync_responders"
            servers = "".join(f"        server unix:{self.socket_path(i)} max_fails=0;\n" for i in range(self.responder_count))
            upstream = f"    upstream scimsync_responders {{\n{servers}    }}\n"
        site = substitute(site_src.read_text(), {DEPLOY_LISTEN: f"127.0.0.1:{self.port}",
                                                 f"unix:{DEPLOY_SOCKET}": target,
                                                 DEPLOY_NGINX_ACCESS_LOG: str(self.access_log)}, site_src)
        (nx / "scimsync.conf").write_text(site)
        (nx / "nginx.conf").write_text(f"""# generated by Tests/integration/stack.py
# worker_processes as Debian's /etc/nginx/nginx.conf deploys it (and make run, and make bench).
worker_processes auto;
daemon off;
pid {nx}/nginx.pid;
error_log {self.log_dir}/nginx-error.log info;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {nx}/client_body_temp;
    fastcgi_temp_path {nx}/fastcgi_temp;
    proxy_temp_path {nx}/proxy_temp;
    uwsgi_temp_path {nx}/uwsgi_temp;
    scgi_temp_path {nx}/scgi_temp;
{upstream}    include {nx}/scimsync.conf;
}}
""")
        self.server = Proc("nginx", ["nginx", "-p", str(nx), "-c", str(nx / "nginx.conf"),
                                     "-e", str(self.log_dir / "nginx-error.log")],
                           self.log_dir / "nginx-stdout.log", cwd=self.dir)

    def _start_apache(self) -> None:
        ap = self.dir / "apache"
        ap.mkdir(exist_ok=True)
        ap.chmod(0o755)
        (ap / "htdocs").mkdir(exist_ok=True)
        if self.frontend == "apache-proxy-fcgi":
            site_src = DEPLOY / "apache" / "scimsync-proxy-fcgi.conf"
            repl = {DEPLOY_LISTEN: f"127.0.0.1:{self.port}", DEPLOY_SOCKET: str(self.socket_path(0)),
                    DEPLOY_APACHE_ACCESS_LOG: str(self.access_log)}
            modules = ["proxy", "proxy_fcgi"]
            fcgid_conf = ""
        else:
            site_src = DEPLOY / "apache" / "scimsync-fcgid.conf"
            repl = {DEPLOY_LISTEN: f"127.0.0.1:{self.port}", DEPLOY_BINARY: str(self.responder_bin),
                    DEPLOY_DATABASE: str(self.db), DEPLOY_APACHE_ACCESS_LOG: str(self.access_log),
                    DEPLOY_FCGID_WORKERS: f"{DEPLOY_FCGID_WORKERS}\n    FcgidInitialEnv SCIMSYNC_DEFAULT_RATE_LIMIT {TEST_DEFAULT_RATE_LIMIT}"}
            modules = ["fcgid"]
            fcgid_conf = (f"FcgidIPCDir {ap}/fcgidsock\n"
                          f"FcgidProcessTableFile {ap}/fcgid_shm\n")
        site = substitute(site_src.read_text(), repl, site_src)
        (ap / "site.conf").write_text(site)
        wanted = ["mpm_event", "authz_core", "authz_host", "authn_core", "alias", "setenvif", "env", "headers",
                  "mime", "unique_id", *modules]
        loads = "".join(f"LoadModule {m}_module {APACHE_MODULES}/mod_{m}.so\n" for m in wanted)
        user = "User www-data\nGroup www-data\n" if root() else ""
        (ap / "httpd.conf").write_text(f"""# generated by Tests/integration/stack.py
ServerRoot {ap}
ServerName 127.0.0.1
Listen 127.0.0.1:{self.port}
PidFile {ap}/httpd.pid
DefaultRuntimeDir {ap}
ErrorLog {self.log_dir}/apache-error.log
LogLevel warn
{loads}{user}TypesConfig /etc/mime.types
StartServers 1
ServerLimit 2
ThreadsPerChild 25
MaxRequestWorkers 50
<Directory />
    AllowOverride None
    Require all denied
</Directory>
DocumentRoot {ap}/htdocs
<Directory {ap}/htdocs>
    Require all granted
</Directory>
{fcgid_conf}Include {ap}/site.conf
""")
        self.server = Proc("apache2", ["apache2", "-f", str(ap / "httpd.conf"), "-DFOREGROUND"],
                           self.log_dir / "apache-stdout.log", cwd=self.dir,
                           env={k: v for k, v in os.environ.items() if not k.startswith("SCIMSYNC_")})

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
        for p in self.responders:
            if p is not None:
                p.stop()
        self._reap_spawned()

    def _reap_spawned(self) -> None:
        """mod_fcgid's children should be gone with Apache; kill any left (only ours: their
        environment names this stack's database)."""
        if self.frontend != "apache-fcgid":
            return
        marker = f"SCIMSYNC_DATABASE={self.db}".encode()
        deadline = time.monotonic() + STOP_TIMEOUT
        while True:
            left = []
            for d in Path("/proc").iterdir():
                if not d.name.isdigit():
                    continue
                try:
                    if marker in (d / "environ").read_bytes().split(b"\0"):
                        left.append(int(d.name))
                except OSError:
                    continue
            if not left:
                return
            if time.monotonic() > deadline:
                for pid in left:
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(pid, signal.SIGKILL)
                return
            time.sleep(0.2)

    def cleanup(self) -> None:
        self.stop()
        if not self.keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    # ----- diagnostics ----------------------------------------------------------------------
    def log_files(self) -> list[Path]:
        return sorted(p for p in self.log_dir.iterdir() if p.is_file()) if self.log_dir.exists() else []

    def logs_text(self) -> str:
        parts = [f"--- stack {self.frontend} in {self.dir} (port {self.port})"]
        for p in self.log_files():
            parts.append(f"--- {p.name}\n{tail(p, 6000)}")
        return "\n".join(parts)


def parse_json_output(stdout: str):
    """The admin tool's --json output: one JSON document (tolerates log lines around it)."""
    s = stdout.strip()
    try:
        return json.loads(s)
    except ValueError:
        pass
    for line in reversed(s.splitlines()):
        line = line.strip()
        if line.startswith(("{", "[")):
            with contextlib.suppress(ValueError):
                return json.loads(line)
    raise StackError(f"expected JSON from the admin tool, got:\n{stdout}")


def bearer_token_from_text(stdout: str) -> str | None:
    m = re.search(r"^Bearer token: (\S+)\s*$", stdout, re.M)
    return m.group(1) if m else None
