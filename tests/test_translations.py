"""Both catalogues are complete and current; dates are Buddhist-era in Thai."""

import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from portal.i18n import format_date, format_datetime, format_time, in_language

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = ROOT / "portal" / "translations"


def catalogue(language):
    with (CATALOGUES / language / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        return read_po(handle, locale=language)


@pytest.fixture(scope="module")
def source_ids(tmp_path_factory):
    """Every translatable string in the code and templates now, extracted afresh."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", "-k", "_l",
                    "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "-k", "lazy_ngettext:1,2", "-o", str(pot), "--no-location", "."],
                   cwd=ROOT, check=True, capture_output=True)
    with pot.open("rb") as handle:
        return {message.id for message in read_po(handle) if message.id}


@pytest.mark.parametrize("language", ["th", "en"])
def test_every_source_string_has_a_translation(source_ids, language):
    translated = {m.id: m.string for m in catalogue(language) if m.id}
    # A plural's translation is a tuple of forms (one in Thai, two in English): every form must be there.
    missing = sorted(str(i) for i in source_ids
                     if not (all(translated.get(i)) if isinstance(i, tuple) else translated.get(i)))
    assert not missing, f"missing {language} translations (run `make catalogues`): {missing}"


@pytest.mark.parametrize("language", ["th", "en"])
def test_no_fuzzy_or_placeholder_mismatch(language):
    import re

    for message in catalogue(language):
        if not message.id:
            continue
        assert "fuzzy" not in message.flags, message.id
        placeholders = [sorted(re.findall(r"%\((\w+)\)[sd]", text)) for text in (
            message.id if isinstance(message.id, tuple) else (message.id,))]
        for text in (message.string if isinstance(message.string, tuple) else (message.string,)):
            assert sorted(re.findall(r"%\((\w+)\)[sd]", text)) in placeholders, message.id


def test_thai_catalogue_is_really_thai():
    untranslated = [m.id for m in catalogue("th") if m.id and m.id == m.string and m.id not in {"HTML", "CSR"}]
    assert not untranslated, f"Thai entries still in English: {untranslated}"


MOMENT = datetime(2026, 11, 23, 7, 30, tzinfo=timezone.utc)  # 14:30 in Bangkok


@pytest.mark.parametrize("language, expected", [("th", "23 พ.ย. 2569 14:30"), ("en", "Nov 23, 2026, 14:30")])
def test_datetime_in_bangkok_time_with_the_right_era(app_ctx, language, expected):
    with in_language(language):
        assert format_datetime(MOMENT) == expected


@pytest.mark.parametrize("language, width, expected", [
    ("th", "medium", "23 พ.ย. 2569"),
    ("th", "long", "23 พฤศจิกายน 2569"),
    ("th", "full", "วันจันทร์ที่ 23 พฤศจิกายน พ.ศ. 2569"),
    ("th", "short", "23/11/2569"),
    ("en", "long", "November 23, 2026"),
    ("en", "full", "Monday, November 23, 2026"),
])
def test_dates(app_ctx, language, width, expected):
    with in_language(language):
        assert format_date(date(2026, 11, 23), width) == expected


def test_date_of_a_moment_is_the_bangkok_date(app_ctx):
    late_evening_utc = datetime(2026, 12, 31, 18, 0, tzinfo=timezone.utc)  # already 1 January in Bangkok
    with in_language("th"):
        assert format_date(late_evening_utc, "long") == "1 มกราคม 2570"
        assert format_time(late_evening_utc) == "01:00 น."
    with in_language("en"):
        assert format_time(late_evening_utc) == "01:00"
