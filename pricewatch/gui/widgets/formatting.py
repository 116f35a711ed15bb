"""The window's display helpers: :mod:`pricewatch.formatting` (shared with notifications and the CLI) plus
what only a Qt view needs (a QLocale given instead of a locale name, tooltips that show text literally)."""

from __future__ import annotations

import html
from datetime import datetime
from decimal import Decimal

from PySide6.QtCore import QCoreApplication, QLocale

from pricewatch import formatting as core
from pricewatch.formatting import DASH, availability, change, clock_time, duration, percent, relative
from pricewatch.text import clean_line
from pricewatch.translation import QT_TRANSLATE_NOOP

__all__ = [
    "DASH",
    "availability",
    "change",
    "clean_text",
    "clock_time",
    "currency_symbol",
    "duration",
    "local_time",
    "money",
    "percent",
    "plain_tooltip",
    "relative",
    "relative_tooltip",
    "schedule_reason",
]
MAX_SHOWN = 300
# Why no check is coming, as pricewatch.scheduling.CheckPlan says it, in words for the window.
_NO_CHECK = {
    "paused": QT_TRANSLATE_NOOP("Schedule", "paused"),
    "not scheduled": QT_TRANSLATE_NOOP("Schedule", "not scheduled"),
    "checks paused": QT_TRANSLATE_NOOP("Schedule", "checks paused"),
    "scheduler off": QT_TRANSLATE_NOOP("Schedule", "scheduler off"),
}


def schedule_reason(reason: str) -> str:
    """Why no check is coming ("paused", "checks paused") in the window's language."""
    return QCoreApplication.translate("Schedule", _NO_CHECK[reason]) if reason in _NO_CHECK else reason


def clean_text(text: str | None, limit: int = MAX_SHOWN) -> str:
    """Scraped text as safe to show: control and bidi-override characters removed, one line, capped."""
    # the shared cleaner removes terminal escape sequences whole ("Evil\x1b[31m x" -> "Evil x")
    return clean_line(text, limit) if text else ""


def plain_tooltip(text: str | None) -> str | None:
    """A tooltip that shows ``text`` literally: Qt renders a tooltip as HTML when it merely looks like HTML,
    so scraped markup ("<img src=x>") is escaped and the result marked as rich text (newlines kept)."""
    if not text:
        return None
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>"


def _name(locale: QLocale | None) -> str | None:
    if locale is None:
        return None
    return "en_US" if locale.language() == QLocale.Language.C else locale.name()


def currency_symbol(code: str | None, locale: QLocale | None = None) -> str:
    return core.currency_symbol(code, _name(locale)) or (code or "")


def money(
    value: Decimal | None, currency: str | None = None, locale: QLocale | None = None, *, cents: bool = True
) -> str:
    """A price as the locale writes it ("1.299,00 ₺", "$19.99"); DASH for unknown. Without ``cents``
    whole amounts only (an axis of round numbers). The C locale reads like US English ("£34.99")."""
    return core.money(value, currency, locale=_name(locale), cents=cents)


def local_time(value: datetime | None, *, seconds: bool = False) -> str:
    """An aware UTC time in the local zone as the locale writes it; DASH for none."""
    return core.local_time(value, seconds=seconds)


def relative_tooltip(value: datetime | None) -> str | None:
    """The exact time behind a relative one ("12 min ago")."""
    return core.local_time(value) if value is not None else None


def relative_time(value: datetime | None) -> str:
    """ "12 min ago", "in 47 min" as the user's locale says it; a dash for none."""
    return core.relative(value) if value is not None else DASH


def exact_time(value: datetime | None) -> str:
    """The local date and time, to the second, as the user's locale writes them (for tooltips)."""
    return core.local_time(value, seconds=True) if value is not None else DASH


def short_date(value: datetime) -> str:
    """A local date and time, short, by locale (the chart's readout)."""
    return core.local_time(value)
