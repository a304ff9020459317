"""The portal served as in production: gunicorn with the portal's own settings, in a process of its own."""

import subprocess
import sys
import urllib.request
from contextlib import contextmanager

from tests.support.databases import ROOT, portal_env
from tests.support.smtp import free_port
from tests.support.waiting import wait_until


@contextmanager
def gunicorn(database_url, log_path, workers=1, **env):
    """Serve the portal with `gunicorn -c python:portal.gunicorn_conf wsgi:app` on a free port; yield its base URL.

    Its output (the access log and errors) goes to `log_path`. `env` adds or overrides environment variables.
    """
    port = free_port()
    argv = [sys.executable, "-m", "gunicorn", "-c", "python:portal.gunicorn_conf", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers), "--no-control-socket", "wsgi:app"]
    with open(log_path, "w") as log:
        process = subprocess.Popen(argv, env=portal_env(database_url, **env), cwd=ROOT, stdout=log,
                                   stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log_path)
        yield base
    finally:
        process.terminate()
        process.wait(10)


def _wait_until_up(base, process, log_path, seconds=20):
    def answers():
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped: {open(log_path).read()}")
        try:
            urllib.request.urlopen(base + "/livez", timeout=5).read()
            return True
        except OSError:  # refused while it binds, or slow while the worker imports the portal
            return False

    wait_until(answers, f"gunicorn to answer ({log_path})", seconds)
