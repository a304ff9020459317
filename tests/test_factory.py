"""The application factory and its settings."""

import pytest
import sqlalchemy as sa

from portal import create_app
from portal.agreements.certificate import make_development_key
from portal.config import DEV_SECRET_KEY, ConfigurationError, database_url
from portal.extensions import db


def test_testing_app_uses_given_settings(app):
    assert app.testing
    assert app.config["SERVER_NAME"] == "portal.test"
    assert {"main", "mailbox"} <= set(app.blueprints)


@pytest.mark.parametrize("secret", [None, "", DEV_SECRET_KEY, "short", "x" * 31])
def test_production_refuses_a_missing_or_development_secret(monkeypatch, secret):
    monkeypatch.setenv("PORTAL_ENV", "production")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(ConfigurationError, match="SECRET_KEY"):
        create_app()


def _production(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/p.db")
    monkeypatch.setenv("MAIL_SERVER", "smtp.prnetwork.example")
    key, cert = make_development_key(tmp_path / "signing")
    monkeypatch.setenv("SIGNING_KEY_FILE", key)
    monkeypatch.setenv("SIGNING_CERT_FILE", cert)


def test_production_starts_with_a_real_secret_and_secure_cookies(monkeypatch, tmp_path):
    _production(monkeypatch, tmp_path)
    app = create_app()
    assert not app.debug and not app.testing
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    assert app.config["MAILBOX_ENABLED"] is False


@pytest.mark.parametrize("setting, value", [("MAIL_SERVER", ""), ("MAILBOX_ENABLED", "1")])
def test_production_refuses_to_start_without_mail_or_with_the_development_mailbox(monkeypatch, tmp_path, setting,
                                                                                  value):
    _production(monkeypatch, tmp_path)
    monkeypatch.setenv(setting, value)
    with pytest.raises(ConfigurationError, match=setting):
        create_app()


@pytest.mark.parametrize("setting", ["SIGNING_KEY_FILE", "SIGNING_CERT_FILE"])
@pytest.mark.parametrize("value", ["", "missing.pem"])
def test_production_refuses_to_start_without_the_seal_s_key_and_certificate(monkeypatch, tmp_path, setting, value):
    _production(monkeypatch, tmp_path)
    monkeypatch.setenv(setting, str(tmp_path / value) if value else "")
    with pytest.raises(ConfigurationError, match=setting):
        create_app()


def test_production_refuses_several_processes_counting_rate_limits_alone(monkeypatch, tmp_path):
    _production(monkeypatch, tmp_path)
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    with pytest.raises(ConfigurationError, match="RATELIMIT_STORAGE_URI"):
        create_app()
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    assert create_app().config["RATELIMIT_STORAGE_OPTIONS"]["socket_timeout"] == 1, "a hung Redis is given up"


def test_behind_a_trusted_proxy_each_client_keeps_its_own_address(monkeypatch, tmp_path):
    """Rate limits and the audit log see the client's address: the proxy's X-Forwarded-For when TRUSTED_PROXIES
    says a proxy sets it, and never a header a client could choose otherwise."""
    from flask import request

    _production(monkeypatch, tmp_path)
    for proxies, seen in [("0", "127.0.0.1"), ("1", "203.0.113.7")]:
        monkeypatch.setenv("TRUSTED_PROXIES", proxies)
        app = create_app()
        app.add_url_rule("/probe-address", "probe", lambda: f"{request.remote_addr} {request.scheme}")
        answer = app.test_client().get("/probe-address", environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={
            "X-Forwarded-For": "203.0.113.7", "X-Forwarded-Proto": "https"})
        assert answer.get_data(as_text=True) == f"{seen} {'https' if proxies == '1' else 'http'}"


def test_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "staging")
    with pytest.raises(ConfigurationError, match="PORTAL_ENV"):
        create_app()


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "development")
    monkeypatch.setenv("SERVER_NAME", "portal.prnetwork.example")
    monkeypatch.setenv("MAIL_SERVER", "smtp.prnetwork.example")
    monkeypatch.setenv("MAIL_PORT", "587")
    monkeypatch.setenv("MAIL_USE_TLS", "true")
    app = create_app()
    assert app.config["SERVER_NAME"] == "portal.prnetwork.example"
    assert (app.config["MAIL_SERVER"], app.config["MAIL_PORT"], app.config["MAIL_USE_TLS"]) == (
        "smtp.prnetwork.example", 587, True)
    assert app.config["MAILBOX_ENABLED"] is False, "with a real mail server there is no development mailbox"


@pytest.mark.parametrize("given, expected", [
    ("postgresql://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgres://u@h/db", "postgresql+psycopg://u@h/db"),
    ("postgresql+psycopg://u@h/db", "postgresql+psycopg://u@h/db"),
    ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
])
def test_postgresql_urls_use_psycopg_3(given, expected):
    assert database_url(given) == expected


def test_sqlite_connections_have_foreign_keys_wal_busy_timeout_and_mmap(app_ctx):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite settings")
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("PRAGMA foreign_keys")).scalar() == 1
        assert connection.execute(sa.text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(sa.text("PRAGMA busy_timeout")).scalar() == 10000
        assert connection.execute(sa.text("PRAGMA mmap_size")).scalar() == 128 * 1024 * 1024


def test_foreign_keys_are_enforced(app_ctx):
    from portal.organisations.models import Membership, Role

    db.session.add(Membership(user_id=999, organisation_id=999, role=Role.MEMBER))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_health_check(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json == {"status": "ok", "database": "ok"}
