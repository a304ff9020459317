"""One rule for page or fragment: a full page normally, only a named block for an htmx request."""

from flask import make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx():
    """Tell whether this request came from htmx and wants a fragment.

    A boosted link wants the page, and so does htmx's history restore (Back, once its cache lost the page): it
    puts the answer in place of the whole body.
    """
    headers = request.headers
    return (headers.get("HX-Request") == "true" and headers.get("HX-Boosted") != "true"
            and headers.get("HX-History-Restore-Request") != "true")


def render(template, block=None, status=200, **context):
    """Render the page, or only `block` of it for an htmx request, and mark the answer as varying on HX-Request."""
    if block and is_htmx():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def see_other(location):
    """Redirect after a successful POST: a 303 for a browser, HX-Redirect for htmx (a full page, with its flashes)."""
    if is_htmx():
        response = make_response("", 200)
        response.headers["HX-Redirect"] = location
        return response
    return redirect(location, 303)


def init_app(app):
    """Answers to htmx requests that concern the whole page, not the part of it being replaced:
    - a redirect (the login page, when the session has ended) takes the browser there: the request would otherwise
      follow it and swap a full page into a part of the page;
    - a refusal (403: the person's organisation was suspended meanwhile, say) reloads the page, which then says why:
      htmx swaps no 4xx answer, and a generic "the request failed" would leave the person guessing."""

    @app.after_request
    def answer_for_the_page(response):
        if not is_htmx():
            return response
        if response.status_code in (301, 302, 303, 307, 308) and response.location:
            redirected = make_response("", 200)
            redirected.headers["HX-Redirect"] = response.location
            redirected.vary.add("HX-Request")
            return redirected
        if response.status_code == 403:
            response.headers["HX-Refresh"] = "true"
        return response
