"""Using the portal as a browser would, through Flask's test client: CSRF tokens, logging in, posting forms."""

import re

from tests.support.network import PASSWORD


def csrf(client, path="/login"):
    """Return a CSRF token from a page's form, as a browser would have it."""
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def login(client, email, password=PASSWORD, remember=False, next_url=None):
    """Log in through the form and return the response."""
    data = {"email": email, "password": password, "csrf_token": csrf(client)}
    if remember:
        data["remember"] = "y"
    url = "/login" + (f"?next={next_url}" if next_url else "")
    return client.post(url, data=data)


def client_as(app, email, password=PASSWORD):
    """A test client logged in through the form as `email`."""
    client = app.test_client()
    assert login(client, email, password).status_code == 303
    return client


def post(client, path, data=None, page=None):
    """Post a form with a CSRF token taken from `page` (default: the home page)."""
    return client.post(path, data={**(data or {}), "csrf_token": csrf(client, page or "/")})


def without_tokens(page):
    """A page with its CSRF tokens blanked: they differ from one page to the next."""
    return re.sub(r"[\w-]{20,}\.[\w-]+\.[\w-]+", "TOKEN", page)


def statements_of(client, path, warm=True):
    """How many SQL statements a GET of `path` sends (it must answer 200): for the "same queries whatever the
    counts" tests. The page is asked twice and the second counted: the navigation's counts of waiting work are
    counted on a person's first page and then kept in their session for a minute, as most pages find them."""
    import sqlalchemy as sa

    if warm:
        client.get(path)

    statements = []

    def on_execute(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(sa.engine.Engine, "before_cursor_execute", on_execute)
    try:
        assert client.get(path).status_code == 200
    finally:
        sa.event.remove(sa.engine.Engine, "before_cursor_execute", on_execute)
    return len(statements)
