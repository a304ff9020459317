"""Settings from environment variables, with safe development defaults."""

import os
from datetime import timedelta

DEV_SECRET_KEY = "dev-only-not-secret"


def _bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(name, default):
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def database_url(url):
    """Return the SQLAlchemy URL for a DATABASE_URL, choosing psycopg 3 for PostgreSQL."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def from_environment(instance_path, portal_env=None):
    """Build the settings mapping from the process environment (`portal_env` overrides PORTAL_ENV)."""
    env = (portal_env or os.environ.get("PORTAL_ENV", "production")).strip().lower()
    default_db = "sqlite:///" + os.path.join(instance_path, "portal.db")
    mail_server = os.environ.get("MAIL_SERVER") or None
    return {
        "PORTAL_ENV": env,
        "SECRET_KEY": os.environ.get("SECRET_KEY", DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": database_url(os.environ.get("DATABASE_URL", default_db)),
        "SERVER_NAME": os.environ.get("SERVER_NAME", "127.0.0.1:5000"),
        "PREFERRED_URL_SCHEME": os.environ.get("PREFERRED_URL_SCHEME", "http"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": env == "production",
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": env == "production",
        "MAX_CONTENT_LENGTH": _int("MAX_CONTENT_LENGTH", 8 * 1024 * 1024),
        # How long the navigation's counts of waiting work are kept in a person's session before they are counted
        # again (they are counted again at once after any change the person makes).
        "WAITING_BADGE_SECONDS": _int("WAITING_BADGE_SECONDS", 60),
        "WTF_CSRF_TIME_LIMIT": None,
        "BABEL_DEFAULT_LOCALE": "th",
        "BABEL_DEFAULT_TIMEZONE": "Asia/Bangkok",
        "LANGUAGES": ("th", "en"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # While Redis is down the limits count per process (and a warning is logged) instead of every login failing;
        # Flask-Limiter checks now and then whether Redis is back.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "MAIL_SERVER": mail_server,
        "MAIL_PORT": _int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _bool("MAIL_USE_TLS"),
        "MAIL_USE_SSL": _bool("MAIL_USE_SSL"),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME") or None,
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD") or None,
        "MAIL_DEFAULT_SENDER": os.environ.get(
            "MAIL_DEFAULT_SENDER", "PR Network Portal <no-reply@prnetwork.example>"
        ),
        "MAIL_TIMEOUT": _int("MAIL_TIMEOUT", 30),
        "OUTBOX_BATCH_SIZE": _int("OUTBOX_BATCH_SIZE", 200),
        "OUTBOX_MAX_ATTEMPTS": _int("OUTBOX_MAX_ATTEMPTS", 8),
        "OUTBOX_BACKOFF_SECONDS": _int("OUTBOX_BACKOFF_SECONDS", 30),
        "OUTBOX_LEASE_SECONDS": _int("OUTBOX_LEASE_SECONDS", 300),
        "OUTBOX_POLL_SECONDS": _int("OUTBOX_POLL_SECONDS", 2),
        # The development mailbox shows coordinators every message, sign-in links included: never in production.
        "MAILBOX_ENABLED": _bool("MAILBOX_ENABLED", mail_server is None and env != "production"),
        # How many proxies in front of the portal set X-Forwarded-For and -Proto (1 behind one TLS proxy); 0 trusts
        # no such header, so that nobody can choose the address the rate limits and the audit log see.
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        "PASSWORD_RESET_MAX_AGE": _int("PASSWORD_RESET_MAX_AGE", 3600),
        "EMAIL_CHANGE_MAX_AGE": _int("EMAIL_CHANGE_MAX_AGE", 86400),
        "INVITATION_MAX_AGE": _int("INVITATION_MAX_AGE", 7 * 86400),
        "APPLICATION_CONFIRM_MAX_AGE": _int("APPLICATION_CONFIRM_MAX_AGE", 3 * 86400),
        "APPLICATION_RATE_LIMIT": os.environ.get("APPLICATION_RATE_LIMIT", "5 per hour;20 per day"),
        "LOGO_RATE_LIMIT": os.environ.get("LOGO_RATE_LIMIT", "10 per minute;50 per day"),
        "LOGIN_RATE_LIMIT_IP": os.environ.get("LOGIN_RATE_LIMIT_IP", "30 per minute;200 per hour"),
        "LOGIN_RATE_LIMIT_ACCOUNT": os.environ.get("LOGIN_RATE_LIMIT_ACCOUNT", "5 per minute;30 per hour"),
        "RESET_RATE_LIMIT_IP": os.environ.get("RESET_RATE_LIMIT_IP", "10 per minute;50 per hour"),
        "RESET_RATE_LIMIT_ACCOUNT": os.environ.get("RESET_RATE_LIMIT_ACCOUNT", "3 per hour"),
        # The key and certificate (PEM files) that seal certificates of signing; outside production, when unset, a
        # development pair is made in the instance folder (`flask signing-key`). A timestamp authority is optional.
        "SIGNING_KEY_FILE": os.environ.get("SIGNING_KEY_FILE") or None,
        "SIGNING_CERT_FILE": os.environ.get("SIGNING_CERT_FILE") or None,
        "SIGNING_TSA_URL": os.environ.get("SIGNING_TSA_URL") or None,
        # Personal data (PDPA): whom people write to about it, and how long `flask retention run` keeps what it trims.
        "PRIVACY_CONTACT_EMAIL": os.environ.get("PRIVACY_CONTACT_EMAIL", "privacy@prnetwork.example"),
        "RETENTION_MAIL_BODY_DAYS": _int("RETENTION_MAIL_BODY_DAYS", 90),
        "RETENTION_AUDIT_IP_DAYS": _int("RETENTION_AUDIT_IP_DAYS", 180),
        "RETENTION_APPLICATION_DAYS": _int("RETENTION_APPLICATION_DAYS", 365),
    }


def derived(config):
    """Settings that follow from others once they are all known (create_app calls this after any overrides)."""
    uri = config["SQLALCHEMY_DATABASE_URI"]
    if not uri.startswith("sqlite"):
        # A pooled connection may have died with a database restart: test it before use (one round trip), so that the
        # first request on each warm process after a restart does not fail.
        config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {}).setdefault("pool_pre_ping", True)
    if config["RATELIMIT_STORAGE_URI"].startswith(("redis://", "rediss://")):
        # A Redis that hangs must not hang logins: give up within a second and count in memory meanwhile.
        config.setdefault("RATELIMIT_STORAGE_OPTIONS", {"socket_connect_timeout": 1, "socket_timeout": 1})


def counts_per_process(config):
    """Tell whether the rate limits' counters live in each process's memory (not shared between processes)."""
    return config["RATELIMIT_STORAGE_URI"].startswith("memory://")


class ConfigurationError(RuntimeError):
    """Raised when the settings are unsafe or inconsistent."""


def check(config):
    """Refuse settings that must never reach production."""
    if config["PORTAL_ENV"] not in {"production", "development", "testing"}:
        raise ConfigurationError(f"PORTAL_ENV must be production, development or testing, not {config['PORTAL_ENV']!r}")
    if config["PORTAL_ENV"] == "production":
        if config["SECRET_KEY"] in (None, "", DEV_SECRET_KEY) or len(config["SECRET_KEY"]) < 32:
            raise ConfigurationError(
                "SECRET_KEY must be set to a long random value in production "
                '(python -c "import secrets; print(secrets.token_urlsafe(48))").'
            )
        if not config["MAIL_SERVER"]:
            raise ConfigurationError("MAIL_SERVER must be set in production: without it no mail leaves the portal.")
        if counts_per_process(config) and _int("WEB_CONCURRENCY", 1) > 1:
            raise ConfigurationError(
                "RATELIMIT_STORAGE_URI is memory:// but WEB_CONCURRENCY runs several processes: each would count "
                "login attempts on its own. Set RATELIMIT_STORAGE_URI=redis://host:6379 (or run one process).")
        if config["MAILBOX_ENABLED"]:
            raise ConfigurationError("MAILBOX_ENABLED cannot be on in production: the development mailbox shows "
                                     "coordinators every message, password-reset links included.")
        for setting in ("SIGNING_KEY_FILE", "SIGNING_CERT_FILE"):
            path = config.get(setting)
            if not path or not os.path.isfile(path) or not os.access(path, os.R_OK):
                raise ConfigurationError(f"{setting} must name a readable PEM file in production: certificates of "
                                         "signing are sealed with that key and certificate.")
