"""Error pages in both languages, each with the security headers."""

import pytest
from flask import abort

from portal.extensions import limiter

TITLES = {
    400: ("คำขอไม่ถูกต้อง", "Bad request"),
    403: ("ไม่มีสิทธิ์เข้าถึง", "Not allowed"),
    404: ("ไม่พบหน้าที่ต้องการ", "Page not found"),
    405: ("ไม่รองรับวิธีการเรียกนี้", "Method not allowed"),
    413: ("ไฟล์มีขนาดใหญ่เกินไป", "File too large"),
    429: ("มีคำขอมากเกินไป", "Too many requests"),
    500: ("เกิดข้อผิดพลาด", "Something went wrong"),
}


@pytest.fixture
def error_app(make_app):
    """An app with a route for each error a user can meet."""
    app = make_app(MAX_CONTENT_LENGTH=1024, WTF_CSRF_ENABLED=False)

    @app.route("/boom/<int:code>", methods=["GET", "POST"])
    def boom(code):
        if code == 500:
            raise RuntimeError("a bug")
        abort(code)

    @app.route("/limited")
    @limiter.limit("1/minute")
    def limited():
        return "ok"

    @app.post("/upload")
    def upload():
        from flask import request

        return str(len(request.form))

    return app


def provoke(client, code):
    if code == 404:
        return client.get("/no/such/page")
    if code == 405:
        return client.delete("/")
    if code == 413:
        return client.post("/upload", data={"text": "ก" * 5000})
    if code == 429:
        client.get("/limited")
        return client.get("/limited")
    return client.get(f"/boom/{code}")


def set_language(client, language):
    with client.session_transaction() as session:
        session["lang"] = language


@pytest.mark.parametrize("code", sorted(TITLES))
@pytest.mark.parametrize("language", ["th", "en"])
def test_error_page_in_each_language_with_security_headers(error_app, code, language):
    client = error_app.test_client()
    set_language(client, language)
    response = provoke(client, code)
    assert response.status_code == code
    page = response.get_data(as_text=True)
    title = TITLES[code][0 if language == "th" else 1]
    assert f"<h1>{title}</h1>" in page
    assert f'<html lang="{language}"' in page
    assert "a bug" not in page, "no internals leak to the visitor"
    assert_security_headers(response)


def test_method_not_allowed_keeps_the_allow_header(error_app):
    response = error_app.test_client().delete("/")
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "HEAD"}


def test_too_many_requests_says_when_to_retry(error_app):
    client = error_app.test_client()
    client.get("/limited")
    assert int(client.get("/limited").headers["Retry-After"]) > 0


def assert_security_headers(response):
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"


def test_security_headers_on_pages_and_static_files(client):
    for url in ["/", "/static/css/app.css", "/healthz"]:
        assert_security_headers(client.get(url))


def test_hsts_only_over_https(client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://portal.test")
    assert secure.headers["Strict-Transport-Security"].startswith("max-age=31536000")
