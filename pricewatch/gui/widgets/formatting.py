"""Display helpers: money in the user's locale, local times, durations, untrusted text made safe to show."""

from __future__ import annotations

import html
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from PySide6.QtCore import QLocale

from pricewatch.text import clean_line

_SYMBOLS = {
    "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CNY": "¥", "TRY": "₺", "INR": "₹", "KRW": "₩",
    "RUB": "₽", "PLN": "zł", "BRL": "R$", "CHF": "CHF", "SEK": "kr", "NOK": "kr", "DKK": "kr",
    "CAD": "CA$", "AUD": "A$", "UAH": "₴", "ILS": "₪", "VND": "₫", "THB": "฿",
}  # fmt: skip
# ISO 4217 currencies without minor units: "CLP 249,990", never "CLP 249,990.00"
_ZERO_DECIMALS = frozenset({"BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX",
                            "UYI", "VND", "VUV", "XAF", "XOF", "XPF"})  # fmt: skip
MAX_SHOWN = 300
DASH = "\N{EN DASH}"  # shown for unknown values


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


def currency_symbol(code: str | None) -> str:
    return _SYMBOLS.get((code or "").upper(), code or "")


def money(
    value: Decimal | None, currency: str | None = None, locale: QLocale | None = None, *, cents: bool = True
) -> str:
    """A price as the user's locale writes it ("1.299,00 ₺", "$19.99"); DASH for unknown. Without ``cents``
    whole amounts only (an axis of round numbers)."""
    if value is None:
        return DASH
    locale = locale or QLocale()
    if locale.language() == QLocale.Language.C:
        # The C locale (LANG=C.UTF-8, many containers and minimal desktops) puts the symbol after the amount
        # ("34.99£"); English conventions are what such a user reads: "£34.99", "CA$229.99".
        locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    places = 0 if not cents or (currency or "").upper() in _ZERO_DECIMALS else 2
    exact = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    # float only for the final rendering of an already-rounded value (exact below 2**53 cents)
    return locale.toCurrencyString(float(exact), currency_symbol(currency), places)


def change(value: Decimal | None, previous: Decimal | None) -> tuple[str, int]:
    """The change since the previous price as text with an arrow, and its sign (-1, 0, 1)."""
    if value is None or previous is None or value == previous:
        return ("", 0)
    delta = value - previous
    percent = (delta / previous * 100) if previous else Decimal(0)
    arrow = "▲" if delta > 0 else "▼"
    return (f"{arrow} {abs(percent):.1f}%", 1 if delta > 0 else -1)


def local_time(value: datetime | None, *, seconds: bool = False) -> str:
    """An aware UTC time in the local zone, short form; DASH for none."""
    if value is None:
        return DASH
    local = value.astimezone()
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def duration(seconds: float | None) -> str:
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{seconds:.1f} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 120:
        return f"{minutes} min {secs} s"
    return f"{minutes // 60} h {minutes % 60} min"


def babel_locale(locale: QLocale | None = None) -> str:
    """The CLDR locale name Babel takes for a QLocale ("de_DE"); the bare C locale reads as English."""
    locale = locale or QLocale()
    if locale.language() == QLocale.Language.C:
        return "en_US"
    return locale.name() or "en_US"


def relative_time(value: datetime | None, now: datetime | None = None, locale: QLocale | None = None) -> str:
    """ "12 min ago", "in 47 min", "vor 3 Std." as the user's locale says it; DASH for none."""
    if value is None:
        return DASH
    from babel.dates import format_timedelta

    delta = value - (now or datetime.now(value.tzinfo))
    return str(format_timedelta(delta, add_direction=True, format="short", locale=babel_locale(locale)))


def exact_time(value: datetime | None, locale: QLocale | None = None) -> str:
    """The local date and time as the user's locale writes them ("Mar 12, 2025, 2:05:09 PM"); for tooltips."""
    if value is None:
        return DASH
    from babel.dates import format_datetime

    return str(format_datetime(value.astimezone(), "medium", locale=babel_locale(locale)))


def short_date(value: datetime, locale: QLocale | None = None) -> str:
    """A local date and time, short, by locale ("3/12/25, 2:05 PM")."""
    from babel.dates import format_datetime

    return str(format_datetime(value.astimezone(), "short", locale=babel_locale(locale)))
