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

    def all(self):
        return (
            [f"console error: {text}" for text in self.console_errors]
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


@pytest.fixture
def live_server(make_app, database_url):
    """The portal served over real HTTP on a loopback port, with SERVER_NAME matching that port."""
    if database_url.startswith("postgresql"):
        pytest.skip(SQLITE_ONLY)
    # Bind first (port 0: the kernel picks a free port, no race), then build the app for that port.
    server = make_server("127.0.0.1", 0, None, threaded=True)
    port = server.server_port
    server.app = make_app(SERVER_NAME=f"127.0.0.1:{port}", PREFERRED_URL_SCHEME="http")
    thread = threading.Thread(target=server.serve_forever, name=f"live-server-{port}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.fixture
def browser_problems():
    return BrowserProblems()


@pytest.fixture
def page(request, browser, live_server, browser_problems):
    """A fresh Thai-Bangkok browser context and page on the live server (relative URLs work: page.goto("/")).

    Fails the test on console errors, uncaught page errors or CSP violations. Depends on live_server so that the
    server outlives the page: the screenshot and late requests (the favicon) happen before the server stops.
    """
    context = browser.new_context(base_url=live_server, locale="th-TH", timezone_id="Asia/Bangkok")
    context.expose_binding(
        "__recordCspViolation", lambda source, violation: browser_problems.csp_violations.append(violation)
    )
    context.add_init_script(CSP_WATCH)
    page = context.new_page()
    page.on("console", lambda message: message.type == "error" and browser_problems.console_errors.append(
        f"{message.text} ({message.location.get('url')}:{message.location.get('lineNumber')})"))
    page.on("pageerror", lambda error: browser_problems.page_errors.append(str(error)))
    try:
        yield page
        if not page.is_closed():
            # The last page's own record, in case a violation fired before the binding could report it.
            for violation in page.evaluate("() => window.__cspViolations || []"):
                if violation not in browser_problems.csp_violations:
                    browser_problems.csp_violations.append(violation)
            os.makedirs(SCREENSHOTS, exist_ok=True)
            name = re.sub(r"[^\w.\[\]-]+", "_", request.node.name)
            page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)
    finally:
        context.close()
    problems = browser_problems.all()
    assert not problems, "the browser saw problems:\n" + "\n".join(problems)
