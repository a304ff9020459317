"""What the web benchmarks share: a migrated SQLite database, gunicorn servers, wrk, a logged-in session."""

import http.cookiejar
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET_KEY = "bench-secret-key-not-for-production"
# One browser: the login and every measured request send the same User-Agent, or Flask-Login's session protection
# sees another client on each request and re-signs the session cookie every time (which a real browser never causes).
USER_AGENT = "portal-bench"


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def portal_env(database_url, **extra):
    """The environment of a portal process on the bench database (no debug; cookies without Secure for http)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAIL_", "PORTAL_", "DATABASE_"))}
    env.update({"FLASK_APP": "wsgi.py", "PORTAL_ENV": "development", "SECRET_KEY": SECRET_KEY,  # (plain http: no Secure cookies)
                "DATABASE_URL": database_url, "PYTHONDONTWRITEBYTECODE": "1",
                "LOGIN_RATE_LIMIT_IP": "1000 per minute", "LOGIN_RATE_LIMIT_ACCOUNT": "1000 per minute"})
    env.update({k: str(v) for k, v in extra.items()})
    return env


def migrate(database_url):
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], env=portal_env(database_url), cwd=ROOT,
                   check=True, capture_output=True)


class Gunicorn:
    """gunicorn with sync workers (steady ratios on 2 cores, see MACHINE-NOTES) on a free loopback port."""

    def __init__(self, target, env, workers=2, ready_path=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", target],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        if ready_path is None:
            ready_path = "/healthz" if "wsgi" in target else "/"
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + ready_path, timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn {target} did not start: {self.process.stderr.read().decode()[-2000:]}")

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=30)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def log_in(base_url, email, password):
    """Log in through the form; return the Cookie header of the session."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    page = opener.open(base_url + "/login").read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"email": email, "password": password, "csrf_token": token}).encode()
    opener.open(base_url + "/login", data)
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def logged_in_client(app, email, password):
    """A test client of `app` logged in through the login form (in-process, for counting queries)."""
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    if response.status_code not in (302, 303):
        raise RuntimeError(f"in-process login failed: {response.status_code}")
    return client


def count_queries(client, engine, path, headers=None):
    """Request `path` in-process; return the response and the SQL statements it sent through `engine`."""
    import sqlalchemy as sa

    statements = []

    def listener(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", listener)
    try:
        response = client.get(path, headers=headers or {})
    finally:
        sa.event.remove(engine, "before_cursor_execute", listener)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: {response.status_code}")
    return response, statements


def wrk(url, seconds=8, connections=4, headers=()):
    """Requests per second and latency percentiles from wrk (Debian's package) for one URL."""
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    argv = ["wrk", "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency",
            "-H", f"User-Agent: {USER_AGENT}"]
    for header in headers:
        argv += ["-H", header]
    out = subprocess.run(argv + [url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {p: _ms(m) for p, m in re.findall(r"^\s+(50|99)%\s+([\d.]+[a-z]+)\s*$", out, re.M)}  # "1.30s " too
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        raise RuntimeError(f"{url}: {non_2xx.group(1)} failed responses\n{out}")
    return {"rps": rps, "p50_ms": latency.get("50"), "p99_ms": latency.get("99")}


def warm_up(url, headers=(), seconds=1):
    """Load `url` briefly with wrk so that every worker has compiled its templates and opened its database
    connection before the measured run (the first request of a worker otherwise lands in the p99)."""
    wrk(url, seconds, headers=headers)


def _ms(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
