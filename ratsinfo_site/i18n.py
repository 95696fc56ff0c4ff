"""Message catalogues and address words, one TOML file per language in ``locale/``."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_LOCALE = Path(__file__).parent / "locale"


@dataclass(frozen=True)
class Catalogue:
    """Interface strings, address words and date words of one language."""

    language: str
    messages: dict[str, str]
    words: dict[str, str]
    outcomes: dict[str, str]
    months: tuple[str, ...]

    def date(self, value: dt.date | None) -> str:
        """31.03.2021 in German, 31 March 2021 in English."""
        if value is None:
            return ""
        if self.language == "de":
            return value.strftime("%d.%m.%Y")
        return f"{value.day} {self.months[value.month - 1]} {value.year}"

    def long_date(self, value: dt.date) -> str:
        """31. März 2021 in German, 31 March 2021 in English."""
        if self.language == "de":
            return f"{value.day}. {self.months[value.month - 1]} {value.year}"
        return self.date(value)

    def number(self, value: int) -> str:
        """1.234 in German, 1,234 in English."""
        text = f"{value:,}"
        return text.replace(",", ".") if self.language == "de" else text

    def counted(self, value: int, noun: str) -> str:
        """"1 Beschluss", "1.234 Beschlüsse": ``noun`` is resolution, session or topic."""
        return f"{self.number(value)} {self.messages[f'count_{noun}' + 's' * (value != 1)]}"

    def size(self, size: int) -> str:
        """A file size such as 1,2 MB."""
        for unit, factor in (("MB", 1 << 20), ("KB", 1 << 10)):
            if size >= factor:
                text = f"{size / factor:.1f} {unit}"
                return text.replace(".", ",") if self.language == "de" else text
        return f"{size} B"


@cache
def catalogue(language: str) -> Catalogue:
    """The catalogue of ``language`` (de or en)."""
    data = tomllib.loads((_LOCALE / f"{language}.toml").read_text(encoding="utf-8"))
    return Catalogue(language, data["messages"], data["words"], data["outcomes"],
                     tuple(data["months"]["names"]))
