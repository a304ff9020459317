"""Keep the catalogues in step: extract, update both languages, fill English from the source, report gaps.

    python scripts/translations.py          # extract + update; English msgstr = msgid; list Thai gaps
    python scripts/translations.py th.json  # also take Thai translations from a {msgid: msgstr} file
                                            # (a message with a context: "context|msgid")
"""

import json
import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
DIRECTORY = ROOT / "portal" / "translations"
POT = DIRECTORY / "messages.pot"


def pybabel(*args):
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def extract():
    pybabel("extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "-k", "lazy_ngettext:1,2", "-o", str(POT),
            "--no-location",
            "--sort-output", "--project", "PR Network Portal", ".")
    pybabel("update", "-i", str(POT), "-d", str(DIRECTORY), "--no-fuzzy-matching", "--ignore-obsolete")


def fill(language, translate):
    path = DIRECTORY / language / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        value = translate(message.id, message.context)
        if value:
            message.string = value
            message.flags.discard("fuzzy")
        elif not (all(message.string) if isinstance(message.string, tuple) else message.string):
            missing.append(message.id)
    with path.open("wb") as handle:
        write_po(handle, catalog, no_location=True, sort_output=True, width=120)
    return missing


def main():
    extract()
    thai = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8")) if len(sys.argv) > 1 else {}
    # English is the source: a plural's two forms are its msgid and msgid_plural. Thai has one form, given in the
    # JSON under the singular.
    # A message with a context (pgettext) is keyed "context|message" in the JSON.
    fill("en", lambda msgid, context: msgid)
    missing = fill("th", lambda msgid, context: (thai[msgid[0]],) if isinstance(msgid, tuple) and msgid[0] in thai
                   else thai.get(f"{context}|{msgid}" if context else msgid) if isinstance(msgid, str) else None)
    for msgid in missing:
        print("missing Thai:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
