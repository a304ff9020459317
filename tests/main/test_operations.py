"""Running the portal as an operator does: gunicorn with the portal's settings, logs, proxies, and faults survived
(the database down or restarted, Redis down, oversized bodies)."""

import http.client
import logging
import re
import shutil
import subprocess
import sys
import threading
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from werkzeug.serving import make_server

from portal import create_app
from portal.applications.models import Application
from portal.extensions import db
from tests.conftest import BASE_CONFIG
from tests.support.applications import FORM as APPLICATION
from tests.support.databases import ROOT, count, portal_env
from tests.support.factories import make_user
from tests.support.mail import last_mail, link_in, token_in
from tests.support.network import PASSWORD
from tests.support.servers import gunicorn
from tests.support.smtp import free_port
from tests.support.waiting import port_open, wait_until
from tests.support.web import login

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
POSTGRES_ONLY = pytest.mark.parametrize("database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)],
                                        indirect=True)


def _session_and_token(base, path):
    """GET a page as a browser would: return its session cookie and the CSRF token of its form."""
    response = urllib.request.urlopen(base + path)
    cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', response.read().decode()).group(1)
    return cookie, token


@SQLITE_ONLY
def test_a_chunked_body_over_the_limit_is_refused_not_cut(app, database_url, tmp_path):
    """Werkzeug read a chunked body only up to MAX_CONTENT_LENGTH and parsed that part: the form's fields, sent
    first, were complete, and the application was saved."""
    with gunicorn(database_url, tmp_path / "gunicorn.log", MAX_CONTENT_LENGTH=1024 * 1024) as base:
        cookie, token = _session_and_token(base, "/apply")
        body = (urllib.parse.urlencode({**APPLICATION, "csrf_token": token}) + "&padding=" + "x" * 2 * 1024 * 1024)
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
        connection.request("POST", "/apply", body=(body[i:i + 65536].encode() for i in range(0, len(body), 65536)),
                           headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie},
                           encode_chunked=True)
        response = connection.getresponse()
        page = response.read().decode()
        assert response.status == 413 and "ไฟล์มีขนาดใหญ่เกินไป" in page
        cookie, token = _session_and_token(base, "/apply")
        small = urllib.parse.urlencode({**APPLICATION, "csrf_token": token})
        connection = http.client.HTTPConnection(base.removeprefix("http://"), timeout=30)
        connection.request("POST", "/apply", body=iter([small.encode()]), encode_chunked=True,
                           headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
        assert connection.getresponse().status == 303, "a chunked body within the limit is taken"
    with app.app_context():
        assert count(Application) == 1


@SQLITE_ONLY
def test_request_logs_hide_the_tokens_of_mailed_links(app, database_url, tmp_path):
    with app.app_context():
        make_user("member@home.example")
        db.session.commit()
    log = tmp_path / "gunicorn.log"
    with gunicorn(database_url, log, SERVER_NAME="portal.test") as base:
        cookie, token = _session_and_token(base, "/password/reset")
        request = urllib.request.Request(base + "/password/reset", method="POST", headers={"Cookie": cookie},
                                         data=urllib.parse.urlencode({"email": "member@home.example",
                                                                      "csrf_token": token}).encode())
        urllib.request.urlopen(request).read()
        with app.app_context():
            path = link_in(last_mail("member@home.example"))
        page = urllib.request.urlopen(base + path)
        assert page.headers["Referrer-Policy"] == "no-referrer" and page.headers["Cache-Control"] == "no-store"
    secret = token_in(path)
    written = log.read_text()
    assert "GET /password/reset/[token]" in written and secret not in written


def test_the_development_server_s_log_hides_tokens_too(app, caplog):
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    secret = "eyJ1IjoxLCJwIjoiYWJjIn0.aw1DCA.yfnqrdBHR2DoU3cyAeFrAEq-f3g"
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/password/reset/{secret}")
            except urllib.error.HTTPError as error:
                assert error.code == 400
    finally:
        server.shutdown()
    lines = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert any("/password/reset/[token]" in line for line in lines) and not any(secret in line for line in lines)


@SQLITE_ONLY
def test_gunicorn_believes_no_forwarded_scheme_unless_the_portal_trusts_a_proxy(app, database_url, tmp_path):
    """gunicorn believed X-Forwarded-Proto from any loopback peer even with TRUSTED_PROXIES=0: a plain request from
    anything on the host passed for https."""
    for proxies, hsts in [(0, False), (1, True)]:
        with gunicorn(database_url, tmp_path / f"gunicorn-{proxies}.log", TRUSTED_PROXIES=proxies) as base:
            request = urllib.request.Request(base + "/livez", headers={"X-Forwarded-Proto": "https"})
            headers = urllib.request.urlopen(request).headers
            assert ("Strict-Transport-Security" in headers) is hsts, proxies


def test_production_refuses_several_workers_that_count_rate_limits_alone(tmp_path):
    env = portal_env(f"sqlite:///{tmp_path}/portal.db", PORTAL_ENV="production", SECRET_KEY="x" * 48,
                     MAIL_SERVER="smtp.prnetwork.example")
    env.pop("RATELIMIT_STORAGE_URI", None)
    argv = [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", "--bind",
            f"127.0.0.1:{free_port()}", "--workers", "2", "--no-control-socket", "wsgi:app"]
    finished = subprocess.run(argv, env=env, cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert finished.returncode != 0 and "RATELIMIT_STORAGE_URI" in finished.stdout + finished.stderr


def test_a_logged_in_person_s_pages_are_not_stored_by_any_cache(app, client):
    with app.app_context():
        make_user("member@home.example", password_hash=_hashed())
        db.session.commit()
    assert "no-store" not in client.get("/").headers.get("Cache-Control", ""), "the public page may be cached"
    login(client, "member@home.example")
    assert client.get("/account").headers["Cache-Control"] == "no-store"
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


# The database unavailable

def _unreachable_app(**config):
    """An app whose PostgreSQL server is down (nothing listens on its port)."""
    url = f"postgresql://portal@127.0.0.1:{free_port()}/portal"
    return create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": url, **config})


def test_with_the_database_down_pages_answer_503_with_the_real_page_and_one_log_line(caplog):
    app = _unreachable_app()
    client = app.test_client()
    with client.session_transaction() as session:  # a logged-in person: the page's navigation would load them
        session["_user_id"], session["_fresh"] = "1:token", True
    with caplog.at_level(logging.INFO):
        response = client.get("/organisations")
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "ระบบไม่สามารถติดต่อฐานข้อมูลได้ในขณะนี้" in page and "เครือข่ายประชาสัมพันธ์" in page
    assert response.headers["Content-Security-Policy"], "the real page, with its headers"
    errors = [record for record in caplog.records if record.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].exc_info is None and "database unavailable" in errors[0].getMessage()


def test_health_checks_the_database_and_liveness_does_not():
    client = _unreachable_app().test_client()
    assert client.get("/healthz").status_code == 503
    assert client.get("/livez").status_code == 200


def _cut_connections(database_url):
    """End every other connection to the test database, as a restart of PostgreSQL does."""
    engine = sa.create_engine(create_app({**BASE_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
                              .config["SQLALCHEMY_DATABASE_URI"])
    with engine.connect() as connection:
        connection.execute(sa.text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                   "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
    engine.dispose()


@POSTGRES_ONLY
def test_after_a_database_restart_the_first_request_on_a_warm_process_works(app, database_url):
    with app.app_context():
        make_user("member@home.example", password_hash=_hashed())
        db.session.commit()
    client = app.test_client()
    assert login(client, "member@home.example").status_code == 303
    assert client.get("/directory").status_code in (200, 403)
    _cut_connections(database_url)
    assert client.get("/account").status_code == 200, "pooled connections are checked before use"


@POSTGRES_ONLY
def test_a_connection_cut_in_mid_request_answers_503_and_the_next_request_works(app, database_url, caplog):
    with app.app_context():
        make_user("member@home.example", password_hash=_hashed())
        db.session.commit()
    client = app.test_client()
    assert login(client, "member@home.example").status_code == 303
    cut = []

    def cut_before_the_page_s_query(conn, cursor, statement, parameters, context, executemany):
        if not cut and "FROM organisation" in statement:
            cut.append(statement)
            _cut_connections(database_url)

    event.listen(sa.engine.Engine, "before_cursor_execute", cut_before_the_page_s_query)
    try:
        with caplog.at_level(logging.INFO):
            response = client.get("/organisations")
    finally:
        event.remove(sa.engine.Engine, "before_cursor_execute", cut_before_the_page_s_query)
    assert cut and response.status_code == 503
    assert "ระบบไม่สามารถติดต่อฐานข้อมูลได้ในขณะนี้" in response.get_data(as_text=True)
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) == 1
    assert client.get("/organisations").status_code == 200


def _hashed():
    from portal.auth.passwords import hash_password

    return hash_password(PASSWORD)


# Redis, where rate limits are counted, unavailable

def test_logins_go_on_while_redis_is_down_and_limits_still_count(make_app, caplog):
    app = make_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{free_port()}")
    with app.app_context():
        make_user("member@home.example", password_hash=_hashed())
        db.session.commit()
    client = app.test_client()
    with caplog.at_level(logging.WARNING):
        assert login(client, "member@home.example").status_code == 303
    assert any("falling back to in-memory" in record.getMessage() for record in caplog.records)
    for _ in range(5):
        login(app.test_client(), "member@home.example", "wrong password")
    assert login(app.test_client(), "member@home.example").status_code == 429, "counted in this process meanwhile"


@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server is not installed")
def test_logins_go_on_when_redis_stops_under_way(make_app, tmp_path):
    port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                              "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    try:
        wait_until(lambda: port_open(port), "redis-server to listen")
        app = make_app(RATELIMIT_STORAGE_URI=f"redis://127.0.0.1:{port}")
        with app.app_context():
            make_user("member@home.example", password_hash=_hashed())
            db.session.commit()
        assert login(app.test_client(), "member@home.example").status_code == 303
    finally:
        redis.terminate()
        redis.wait(10)
    assert login(app.test_client(), "member@home.example").status_code == 303, "not a 500"
