"""The first journey in a real browser: the home page in Thai, switched to English and back."""

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

BANGKOK = ZoneInfo("Asia/Bangkok")
THAI_HEADING = "พอร์ทัลสมาชิกเครือข่ายประชาสัมพันธ์"
ENGLISH_HEADING = "PR Network Portal"
THAI_MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
               "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"]
ENGLISH_MONTHS = ["January", "February", "March", "April", "May", "June",
                  "July", "August", "September", "October", "November", "December"]


def bangkok_today():
    return datetime.now(BANGKOK).date()


def today_pattern(days, language):
    """A regex for the 'today' line on any of these days: Buddhist-era year in Thai, Common Era in English."""
    if language == "th":
        dates = [f"{d.day} {THAI_MONTHS[d.month - 1]} {d.year + 543}" for d in days]
        return re.compile("^วันนี้วันที่ (" + "|".join(map(re.escape, dates)) + ")$")
    dates = [f"{ENGLISH_MONTHS[d.month - 1]} {d.day}, {d.year}" for d in days]
    return re.compile(r"^Today is (" + "|".join(map(re.escape, dates)) + r")\.$")


def test_home_in_thai_then_english_then_thai(page, live_server):
    days = {bangkok_today()}  # the test may straddle midnight in Bangkok: accept either day
    page.goto("/")
    days.add(bangkok_today())

    html, heading, today = page.locator("html"), page.get_by_role("heading", level=1), page.locator("p.today")
    expect(html).to_have_attribute("lang", "th")
    expect(heading).to_have_text(THAI_HEADING)
    expect(today).to_have_text(today_pattern(days, "th"))
    year = min(days).year
    assert str(year + 543) in today.inner_text()
    assert str(year) not in today.inner_text()

    # htmx 2 is loaded under the CSP and took its settings from <meta name="htmx-config">.
    htmx = page.evaluate("""() => window.htmx && {
        version: htmx.version, allowEval: htmx.config.allowEval, allowScriptTags: htmx.config.allowScriptTags,
        selfRequestsOnly: htmx.config.selfRequestsOnly, includeIndicatorStyles: htmx.config.includeIndicatorStyles}""")
    assert htmx is not None, "window.htmx is not defined"
    assert htmx["version"].startswith("2.0"), htmx
    assert {name: value for name, value in htmx.items() if name != "version"} == {
        "allowEval": False, "allowScriptTags": False, "selfRequestsOnly": True, "includeIndicatorStyles": False}

    # Thai is drawn with the self-hosted Sarabun face (the machine has no Thai font of its own).
    fonts = page.evaluate("""async () => {
        await document.fonts.ready;
        const h1 = document.querySelector("h1");
        return {family: getComputedStyle(h1).fontFamily,
                thai: document.fonts.check("16px Sarabun", "ก"),
                loaded: [...document.fonts].filter((f) => f.status === "loaded").map((f) => f.family + " " + f.weight)};
    }""")
    assert fonts["family"].startswith(("Sarabun", '"Sarabun"')), fonts
    assert fonts["thai"] and any(face.startswith(("Sarabun", '"Sarabun"')) for face in fonts["loaded"]), fonts

    page.get_by_role("button", name="English").click()
    expect(html).to_have_attribute("lang", "en")
    expect(heading).to_have_text(ENGLISH_HEADING)
    expect(today).to_have_text(today_pattern(days | {bangkok_today()}, "en"))
    assert str(year + 543) not in today.inner_text()
    expect(page).to_have_url(live_server + "/")

    page.reload()  # the choice is remembered
    expect(html).to_have_attribute("lang", "en")
    expect(heading).to_have_text(ENGLISH_HEADING)
    expect(page.get_by_role("button", name="ไทย")).to_be_visible()

    page.get_by_role("button", name="ไทย").click()
    expect(html).to_have_attribute("lang", "th")
    expect(heading).to_have_text(THAI_HEADING)
    expect(today).to_have_text(today_pattern(days | {bangkok_today()}, "th"))
    expect(page.get_by_role("button", name="English")).to_be_visible()


def test_csp_violations_are_caught(page, browser_problems):
    """The watch on the page works: an inline script, which the CSP forbids, is reported and does not run."""
    page.goto("/")
    # Chromium 156 words it "Executing inline script violates ... Content Security Policy" (older: "Refused to ...").
    with page.expect_console_message(lambda message: "Content Security Policy" in message.text):
        page.evaluate("""() => {
            const script = document.createElement("script");
            script.textContent = "window.__inlineRan = true;";
            document.body.append(script);
        }""")
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert page.evaluate("() => window.__inlineRan") is None
    assert page.evaluate("() => window.__cspViolations")[0]["directive"] == "script-src-elem"
    assert browser_problems.csp_violations and browser_problems.console_errors
    browser_problems.clear()
    page.evaluate("() => { window.__cspViolations.length = 0; }")
