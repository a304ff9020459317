"""What the web benchmarks share: a migrated SQLite database, gunicorn servers, wrk, a logged-in session."""

import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SECRET_KEY = "bench-secret-key-not-for-production"
# One browser: the login and every measured request send the same User-Agent, or Flask-Login's session protection
# sees another client on each request and re-signs the session cookie every time (which a real browser never causes).
USER_AGENT = "portal-bench"
TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
SECTORS = ["government", "state_enterprise", "private", "academic", "ngo", "media"]
REGIONS = [("bangkok_central", "กรุงเทพมหานคร"), ("north", "เชียงใหม่"), ("northeast", "ขอนแก่น"), ("east", "ชลบุรี"),
           ("west", "กาญจนบุรี"), ("south", "สงขลา")]
THAI_NAMES = ["สมชาย ใจดี", "สมหญิง รักงาน", "ประเสริฐ มั่นคง", "วิไลวรรณ ศรีสุข", "ธนากร พัฒนา", "กมลชนก แสงทอง"]
ENGLISH_NAMES = ["Jane Smith", "John Carter", "Anna Lee", "Peter Brown"]
POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"


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


INSTANCE = {"path": None}  # the run's instance folder (where the development seal's key is made): set by each main


def instance_env(database_url, **extra):
    """portal_env with the instance folder in the run's temporary folder, not the working tree's."""
    return portal_env(database_url, PORTAL_INSTANCE_PATH=INSTANCE["path"], **extra)


def portal_app(database_url):
    """The portal on `database_url`, in this process, with the settings the gunicorn workers get."""
    os.environ.update(instance_env(database_url))
    from portal import create_app

    return create_app()


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
    timeouts = re.search(r"Socket errors: .*timeout (\d+)", out)
    return {"rps": rps, "p50_ms": latency.get("50"), "p99_ms": latency.get("99"),
            "requests": int(re.search(r"(\d+) requests in", out).group(1)),
            "timeouts": int(timeouts.group(1)) if timeouts else 0}


def warm_up(url, headers=(), seconds=1):
    """Load `url` briefly with wrk so that every worker has compiled its templates and opened its database
    connection before the measured run (the first request of a worker otherwise lands in the p99)."""
    wrk(url, seconds, headers=headers)


def _ms(text):
    value, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


def percentiles(seconds):
    """p50, p99 and the slowest of some durations, in milliseconds."""
    ordered = sorted(seconds)
    if not ordered:
        return {"p50_ms": None, "p99_ms": None}
    p99 = ordered[min(len(ordered) - 1, int(round(0.99 * (len(ordered) - 1))))]
    return {"p50_ms": round(1000 * statistics.median(ordered), 2), "p99_ms": round(1000 * p99, 2),
            "max_ms": round(1000 * ordered[-1], 2)}


def tally(statuses):
    """How many times each status (HTTP code, answer...) came back."""
    counts = {}
    for status in statuses:
        counts[str(status)] = counts.get(str(status), 0) + 1
    return counts


def on_throwaway_postgres(prefix, run):
    """`run(database_url)` against a new PostgreSQL database, dropped afterwards; its report, or why it could not
    run (PostgreSQL unreachable or refusing)."""
    parsed = urllib.parse.urlsplit(POSTGRES_URL)
    try:
        socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 5432), timeout=2).close()
        import psycopg
    except (OSError, ImportError) as error:
        return {"skipped": f"PostgreSQL not reachable at {POSTGRES_URL}: {error}"}
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin_url = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as error:
        return {"skipped": f"PostgreSQL at {POSTGRES_URL} refused: {error}"}
    try:
        return {"database": name} | run(urllib.parse.urlunsplit(parsed._replace(path=f"/{name}")))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class LoggedGunicorn(Gunicorn):
    """bench.web.Gunicorn with the server's log in a file (read for "database unavailable"; a pipe nobody reads
    would fill up and stall the workers under a burst of errors)."""

    def __init__(self, target, env, log_path, workers=2):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115  (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--worker-class", "sync",
             "--bind", f"127.0.0.1:{self.port}", "--log-level", "warning", target],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=1)
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn {target} did not start: {self.log_text()[-2000:]}")

    def stop(self):
        super().stop()
        self.log.close()

    def log_text(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as handle:
            return handle.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: a cookie jar, the bench's User-Agent, redirects not followed (their status is read)."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  NoRedirect())

    def open(self, path, form=None, timeout=180):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, headers={"User-Agent": USER_AGENT})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.read()

    def token(self, path):
        status, page = self.open(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status}")
        return TOKEN.search(page.decode()).group(1)

    def log_in(self, email, password):
        status, _ = self.open("/login", {"email": email, "password": password, "csrf_token": self.token("/login")})
        if status not in (302, 303):
            raise RuntimeError(f"login of {email}: {status}")


def seed_members(app, organisations, per_organisation, coordinator, password=None, tag="member", english_every=10):
    """A coordinator (`coordinator` is their address; a password to log in with, or none), `organisations` active
    organisations and `per_organisation` people in each, one in `english_every` English (bulk INSERTs). Return the
    coordinator's id, the organisations' ids, the people as (id, language) in order, and the seconds it took."""
    import sqlalchemy as sa

    from portal.auth.models import User
    from portal.auth.passwords import hash_password
    from portal.db import utcnow
    from portal.extensions import db
    from portal.organisations.models import Membership, Organisation, Region, Role, Sector

    with app.app_context():
        started = time.perf_counter()
        boss = User(email=coordinator, name="ผู้ประสานงาน", is_admin=True, language="th",
                    password_hash=hash_password(password) if password else None)
        created = []
        for k in range(organisations):
            region, province = REGIONS[k % len(REGIONS)]
            created.append(Organisation(slug=f"{tag}-org-{k}", name_th=f"องค์กรสมาชิกเครือข่ายลำดับที่ {k + 1}",
                                        name_en=f"Network Member Organisation {k + 1}", sector=Sector(SECTORS[k % 6]),
                                        region=Region(region), province=province))
        db.session.add_all([boss, *created])
        db.session.flush()
        organisation_ids = [o.id for o in created]
        now = utcnow()
        english = [n % english_every == english_every - 1 for n in range(organisations * per_organisation)]
        db.session.execute(sa.insert(User.__table__), [{
            "email": f"{tag}{n:05d}@bench.example",
            "name": f"{ENGLISH_NAMES[n % 4]} {n}" if is_english else f"{THAI_NAMES[n % 6]} {n}",
            "language": "en" if is_english else "th", "is_admin": False, "active": True, "password_hash": None,
            "session_token": secrets.token_urlsafe(24), "created_at": now} for n, is_english in enumerate(english)])
        people = db.session.execute(sa.select(User.id, User.language).where(User.email.like(f"{tag}%@bench.example"))
                                    .order_by(User.id)).all()
        db.session.execute(sa.insert(Membership.__table__), [{
            "user_id": user_id, "organisation_id": organisation_ids[n // per_organisation], "role": Role.MEMBER,
            "position": "นักประชาสัมพันธ์", "is_signatory": False, "created_at": now}
            for n, (user_id, _) in enumerate(people)])
        db.session.commit()
        coordinator_id = boss.id
        db.session.remove()
    return coordinator_id, organisation_ids, [tuple(row) for row in people], round(time.perf_counter() - started, 3)
