"""The privacy notice's version: raise it (and set the date) whenever templates/privacy/notice.html changes in
substance, so that everyone is asked to read and accept it again. A core module: the application form records the
version an applicant accepted, the privacy domain everyone else's."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Notice:
    version: int
    published: date


CURRENT = Notice(version=1, published=date(2026, 12, 1))
