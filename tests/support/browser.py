"""Helpers of the browser journeys (Playwright): logging in, the navigation, forms, and the mail a journey reads."""

import re

from portal.mail.worker import deliver_batch

COORDINATOR_TOOLS = re.compile(r"^(เครื่องมือ|Tools)(\s|$)")


def deliver(server, expected):
    """Send the outbox to the SMTP server as the worker would, and check how many messages went."""
    with server.app.app_context():
        result = deliver_batch()
    assert (result.sent, result.errors) == (expected, []), result


def only_mail(smtp, address):
    """The one message the SMTP server received for an address."""
    messages = smtp.to(address)
    assert len(messages) == 1, [m["Subject"] for m in messages]
    return messages[0]


def link_in(message, server, path):
    """The one link to `path` in the mail's text part; it must point at the live server."""
    text = message.get_body(("plain",)).get_content()
    links = [link for link in re.findall(r"https?://\S+", text) if path in link]
    assert len(links) == 1, text
    assert links[0].startswith(f"{server.url}{path}"), (links[0], server.url)
    return links[0]


def choose(page, label, value):
    """Pick an option of the select labelled `label` (its accessible name also holds the chosen option's text)."""
    page.get_by_role("combobox", name=re.compile("^" + re.escape(label))).select_option(value)


def log_in(page, email, password, *, thai=True):
    """Fill and send the login form (on the page already open)."""
    page.get_by_label("อีเมล" if thai else "Email", exact=True).fill(email)
    # After a refusal the field's label also holds the error ("รหัสผ่าน อีเมลหรือรหัสผ่านไม่ถูกต้อง").
    page.get_by_label(re.compile("^" + ("รหัสผ่าน" if thai else "Password") + r"(\s|$)")).fill(password)
    page.get_by_role("button", name="เข้าสู่ระบบ" if thai else "Log in", exact=True).click()


def nav(page):
    """The main navigation, once the page's fonts are in: a web font arriving between Playwright finding a link and
    clicking it reflows the (wrapping) navigation, and the click lands on the link next to it."""
    page.evaluate("() => document.fonts.ready.then(() => true)")
    return page.get_by_role("navigation", name=re.compile("^(เมนูหลัก|Main navigation)$"))


def nav_link(page, label):
    """A link of the navigation by its label, whatever count of waiting work its name carries."""
    return nav(page).get_by_role("link", name=re.compile("^" + re.escape(label) + r"(\s*\(|$)"))


def person_menu(page, name):
    """The logged-in person's menu in the navigation, named after them."""
    return nav(page).locator("summary", has_text=name)


def log_out(page, thai=True):
    """Log out through the person's menu."""
    nav(page).locator(".person-menu summary").click()
    nav(page).get_by_role("button", name="ออกจากระบบ" if thai else "Log out").click()


def open_coordinator_tool(page, name):
    """Open the coordinators' tools menu in the navigation and follow one of its links."""
    nav(page).get_by_text(COORDINATOR_TOOLS).click()
    nav_link(page, name).click()
