"""Real Chromium for the browser journeys: one browser per session, a live server and a watched page per test.

Playwright's sync API is driven directly (no pytest-playwright). Debian's Chromium is used because
`playwright install` cannot download browsers here; without /usr/bin/chromium the browser tests are skipped.
"""

import os
import re
import threading

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCREENSHOTS = os.path.join(ROOT, "test-results", "screenshots")

# Runs in every document before the page's own scripts. Injected through the DevTools protocol, so the
# page's CSP (no inline script) does not block it. Violations go to window.__cspViolations (readable at
# the end of a test) and to a Playwright binding, so those seen on earlier pages of a journey are kept too.
CSP_WATCH = """
(() => {
  window.__cspViolations = [];
  document.addEventListener("securitypolicyviolation", (event) => {
    const violation = {
      directive: event.effectiveDirective || event.violatedDirective,
      blockedURI: event.blockedURI,
      sourceFile: event.sourceFile,
      line: event.lineNumber,
      sample: event.sample,
      page: document.location.href,
    };
    window.__cspViolations.push(violation);
    if (typeof window.__recordCspViolation === "function") {
      window.__recordCspViolation(violation);
    }
  });
})();
"""


class BrowserProblems:
    """What went wrong in the page during a test: console errors, uncaught errors, CSP violations."""

    def __init__(self):
        self.console_errors = []
        self.page_errors = []
        self.csp_violations = []
        self.expected_console_errors = []  # compiled patterns of console errors a test provokes on purpose

    def expect_http_error(self, status, path):
        """Allow Chromium's console error for a page answered with this status on purpose (e.g. 422, 400).

        Chromium logs "Failed to load resource: the server responded with a status of 422 (...)" for every 4xx
        document, including a form sent back with its errors. Only that status, for a URL with this path, is allowed.
        """
        self.expected_console_errors.append(re.compile(
            rf"^Failed to load resource: the server responded with a status of {status} .*"
            rf"\(https?://[^/]+{re.escape(path)}(\?[^ ]*)?:\d+\)$"))

    def all(self):
        unexpected = [text for text in self.console_errors
                      if not any(pattern.match(text) for pattern in self.expected_console_errors)]
        return (
            [f"console error: {text}" for text in unexpected]
            + [f"uncaught error: {text}" for text in self.page_errors]
            + [f"CSP violation: {violation}" for violation in self.csp_violations]
        )

    def clear(self):
        self.console_errors.clear()
        self.page_errors.clear()
        self.csp_violations.clear()


SQLITE_ONLY = "browser journeys run once, on SQLite"


def pytest_runtest_setup(item):
    """Skip the PostgreSQL variants before their fixtures run, so no PostgreSQL database is made just to be skipped."""
    callspec = getattr(item, "callspec", None)
    if callspec is not None and callspec.params.get("database_url") == "postgresql":
        pytest.skip(SQLITE_ONLY)


@pytest.fixture(scope="session")
def playwright():
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium, or `make chromium`)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class LiveServer:
    """A portal app served over real HTTP in a thread; `url` is its base URL, `app` the app it serves."""

    def __init__(self, make_app, **config):
        # Bind first (port 0: the kernel picks a free port, no race), then build the app for that port.
        self._server = make_server("127.0.0.1", 0, None, threaded=True)
        port = self._server.server_port
        self.url = f"http://127.0.0.1:{port}"
        self.app = self._server.app = make_app(
            **{"SERVER_NAME": f"127.0.0.1:{port}", "PREFERRED_URL_SCHEME": "http", **config})
        self._thread = threading.Thread(target=self._server.serve_forever, name=f"live-server-{port}", daemon=True)
        self._thread.start()

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def make_live_server(make_app, database_url):
    """Return a factory of live servers: make_live_server(**config) serves an app with extra settings.

    SERVER_NAME is set to the server's own address (so links in mail point at it); the servers stop after the test.
    """
    if database_url.startswith("postgresql"):
        pytest.skip(SQLITE_ONLY)
    servers = []

    def factory(**config):
        server = LiveServer(make_app, **config)
        servers.append(server)
        return server

    try:
        yield factory
    finally:
        for server in servers:
            server.stop()


@pytest.fixture
def live_server(make_live_server):
    """The portal served over real HTTP on a loopback port, with SERVER_NAME matching that port.

    A test module may override this fixture (e.g. to serve an app that mails through the test's SMTP server);
    `page` and `new_page` then use the override.
    """
    return make_live_server().url


@pytest.fixture
def browser_problems():
    return BrowserProblems()


def _watch(page, browser_problems):
    """Report the page's console errors and uncaught errors into browser_problems."""
    page.on("console", lambda message: message.type == "error" and browser_problems.console_errors.append(
        f"{message.text} ({message.location.get('url')}:{message.location.get('lineNumber')})"))
    page.on("pageerror", lambda error: browser_problems.page_errors.append(str(error)))


@pytest.fixture
def new_page(browser, live_server, browser_problems):
    """Return a factory of watched pages, each in a fresh browser context (a different browser, as it were).

    new_page() opens a Thai-Bangkok context on the live server (relative URLs work); keyword arguments go to
    browser.new_context. Every page is watched for console errors, uncaught errors and CSP violations; at the
    end the contexts are closed and the test fails if any page saw a problem.
    """
    contexts = []

    def factory(**options):
        context = browser.new_context(**{"base_url": live_server, "locale": "th-TH",
                                         "timezone_id": "Asia/Bangkok", **options})
        contexts.append(context)
        context.expose_binding(
            "__recordCspViolation", lambda source, violation: browser_problems.csp_violations.append(violation)
        )
        context.add_init_script(CSP_WATCH)
        context.set_default_timeout(10_000)  # fail in seconds, not half a minute
        page = context.new_page()
        _watch(page, browser_problems)
        return page

    try:
        yield factory
        for context in contexts:
            for page in context.pages:
                if not page.is_closed():
                    # The page's own record, in case a violation fired before the binding could report it.
                    for violation in page.evaluate("() => window.__cspViolations || []"):
                        if violation not in browser_problems.csp_violations:
                            browser_problems.csp_violations.append(violation)
    finally:
        for context in contexts:
            context.close()
    problems = browser_problems.all()
    assert not problems, "the browser saw problems:\n" + "\n".join(problems)


def save_screenshot(page, name):
    """Save a full-page screenshot as test-results/screenshots/<name>.png and return its path."""
    os.makedirs(SCREENSHOTS, exist_ok=True)
    path = os.path.join(SCREENSHOTS, re.sub(r"[^\w.\[\]-]+", "_", name) + ".png")
    # caret="initial": to hide the caret Playwright sets an inline style on every input and leaves style="" behind;
    # htmx would then copy those attributes into swapped content and history snapshots, which the CSP refuses.
    page.screenshot(path=path, full_page=True, caret="initial")
    return path


@pytest.fixture
def screenshot(request):
    """Return screenshot(page, step): saves test-results/screenshots/<test name>-<step>.png at a step of a journey."""
    return lambda page, step: save_screenshot(page, f"{request.node.name}-{step}")


@pytest.fixture
def page(request, new_page):
    """A fresh Thai-Bangkok browser context and page on the live server (relative URLs work: page.goto("/")).

    Fails the test on console errors, uncaught page errors or CSP violations (through new_page). Depends on
    live_server (through new_page) so that the server outlives the page: the screenshot and late requests
    (the favicon) happen before the server stops. The last state of the page is saved as a screenshot.
    """
    page = new_page()
    yield page
    if not page.is_closed():
        save_screenshot(page, request.node.name)
