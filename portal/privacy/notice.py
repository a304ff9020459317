"""The privacy notice's version: raise VERSION (and set PUBLISHED) whenever templates/privacy/notice.html changes in
substance, so that everyone is asked to read and accept it again."""

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Notice:
    version: int
    published: date


CURRENT = Notice(version=1, published=date(2026, 12, 1))
