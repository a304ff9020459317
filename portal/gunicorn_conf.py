"""gunicorn's settings for the portal: `gunicorn -c python:portal.gunicorn_conf wsgi:app`.

Command-line options (`--bind`, `--workers`...) override these. Only gunicorn reads this module.
"""

import os

from gunicorn.glogging import Logger

from portal.security import scrub_tokens

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A worker silent this long is killed. The slowest page is a large agreement's certificate PDF, made on its first
# download: about 15 s for 500 signatures (bench/agreements.py), more on a busy machine; 30 s (gunicorn's default)
# was seen to kill two workers making it at once.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "90"))
accesslog = "-"  # one line per request on standard output, tokens scrubbed (below)

# The client's address and scheme come from X-Forwarded-For and -Proto only through the portal's own setting
# (TRUSTED_PROXIES, which counts the proxies in front). gunicorn by default believes X-Forwarded-Proto from any
# loopback peer, so that anything on the host could make a plain request pass for https: believe no one here.
forwarded_allow_ips = ""
secure_scheme_headers = {}


class ScrubbingLogger(Logger):
    """gunicorn's logger, with mailed links' tokens taken out of the access log's request line, path and referrer."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "q", "f"):
            atoms[key] = scrub_tokens(atoms[key])
        return atoms


logger_class = ScrubbingLogger


def on_starting(server):
    """Refuse to start several workers that would each count rate limits alone (memory:// storage) in production."""
    storage = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    production = os.environ.get("PORTAL_ENV", "production").strip().lower() == "production"
    if production and storage.startswith("memory://") and server.cfg.workers > 1:
        raise SystemExit(f"Refusing to start {server.cfg.workers} workers with RATELIMIT_STORAGE_URI={storage}: each "
                         "would count login attempts alone. Set RATELIMIT_STORAGE_URI=redis://host:6379, or run one "
                         "worker.")
