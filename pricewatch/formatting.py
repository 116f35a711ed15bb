"""Numbers, money, dates and relative times as the user's locale writes them, for every front end.

The window, notifications and the command line all format through here (Babel's CLDR data, no Qt), so
"₺1.089,00" in the table is "₺1.089,00" in a notification too. The locale comes from the environment
(``LC_ALL``, ``LC_MONETARY``, ``LANG``); the bare C/POSIX locale reads as US English.

Babel formats a price in about 0.2 ms; the table formats several per painted row, so each (locale,
currency) pair is compiled once into a plain-Python formatter where the locale's pattern allows it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache

import babel
from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, format_timedelta
from babel.numbers import (
    get_currency_precision,
    get_currency_symbol,
    get_decimal_symbol,
    get_group_symbol,
    get_minus_sign_symbol,
    parse_pattern,
)

from pricewatch.text import clean_line
from pricewatch.translation import QT_TRANSLATE_NOOP, translate

FALLBACK_LOCALE = "en_US"
DASH = "\N{EN DASH}"  # an unknown value
# Symbols for currencies whose CLDR symbol in many locales is the ISO code ("TRY1,089.00" in English): only
# unambiguous ones ("kr" would hide whether it is Swedish or Danish).
_PLAIN_SYMBOLS = {"TRY": "₺", "INR": "₹", "KRW": "₩", "RUB": "₽", "PLN": "zł", "UAH": "₴", "ILS": "₪",
                  "VND": "₫", "THB": "฿", "CNY": "¥", "PHP": "₱", "NGN": "₦"}  # fmt: skip

_chosen: str | None = None


def set_locale(name: str | None) -> None:
    """Use ``name`` ("de_DE") from now on; None: the environment's again (tests, a settings choice)."""
    global _chosen
    _chosen = name
    _locale.cache_clear()


def locale_name() -> str:
    """The locale everything is formatted in, as Babel names it ("de_DE")."""
    return str(_locale())


@lru_cache(maxsize=1)
def _locale() -> Locale:
    name = _chosen or babel.default_locale("LC_MONETARY") or FALLBACK_LOCALE
    if name.split(".")[0].split("@")[0] in ("C", "POSIX", "en_US_POSIX", ""):
        name = FALLBACK_LOCALE
    return _parse(name)


@lru_cache(maxsize=32)
def _parse(name: str) -> Locale:
    try:
        return Locale.parse(name.split(".")[0].split("@")[0])
    except (ValueError, UnknownLocaleError):
        return Locale.parse(FALLBACK_LOCALE)


def _resolve(locale: str | None) -> Locale:
    if locale is None:
        return _locale()
    return _parse(FALLBACK_LOCALE if locale in ("C", "POSIX") else locale)


def warm_up() -> None:
    """Load the locale's CLDR data now (Babel reads it lazily: ~100 ms the first time something is formatted,
    which the window must not spend in the middle of a paint)."""
    now = datetime.now(UTC)
    money(Decimal("1234.5"), "EUR")
    percent(Decimal("12.5"))
    local_time(now, seconds=True)
    clock_time(now)
    relative(now - timedelta(minutes=12))


# -- money -----------------------------------------------------------------------------------------------
def currency_code(currency: str | None) -> str:
    """A scraped currency as safe to show: one line, letters only, at most 8 characters, upper case."""
    return clean_line(currency, 8).upper() if currency else ""


def currency_symbol(currency: str | None, locale: str | None = None) -> str:
    code = currency_code(currency)
    if not code:
        return ""
    symbol = get_currency_symbol(code, _resolve(locale))
    return _PLAIN_SYMBOLS.get(code, symbol) if symbol == code else symbol


def money(
    value: Decimal | None, currency: str | None = None, *, locale: str | None = None, cents: bool = True,
    unknown: str = DASH,
) -> str:  # fmt: skip
    """A price as the locale writes it ("1.299,00 €", "$19.99", "₺1.089,00"); ``unknown`` for None.

    Amounts keep their currency's usual decimals (none for yen); without ``cents`` whole amounts only (a
    chart axis of round numbers). Without a currency: the number alone.
    """
    if value is None:
        return unknown
    try:
        amount = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return unknown
    if not amount.is_finite():
        return unknown
    return _money_formatter(str(_resolve(locale)), currency_code(currency), cents)(amount)


def money_code(value: Decimal | None, currency: str | None = None, *, unknown: str = "-") -> str:
    """The locale-free form for scripts (JSON output): "1,299.00 TRY", the currency's usual decimals."""
    if value is None:
        return unknown
    code = currency_code(currency)
    places = get_currency_precision(code) if code else 2
    text = f"{Decimal(value).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}"
    return f"{text} {code}" if code else text


@lru_cache(maxsize=512)
def _money_formatter(locale_name: str, code: str, cents: bool) -> Callable[[Decimal], str]:
    locale = _parse(locale_name)
    places = (get_currency_precision(code) if code else 2) if cents else 0
    quantum = Decimal(1).scaleb(-places)
    if not code:
        return lambda amount: number(amount, places, locale=locale_name)
    pattern = locale.currency_formats["standard"]
    symbol = currency_symbol(code, locale_name)
    if pattern.grouping != (3, 3) or locale.default_numbering_system != "latn":
        exact = parse_pattern(_with_places(pattern.pattern, places))

        # Indian grouping, Arabic digits: Babel itself, on the rounded amount
        def slow(amount: Decimal) -> str:
            text: str = exact.apply(amount.quantize(quantum, rounding=ROUND_HALF_UP), locale, currency=code,
                                    currency_digits=False)  # fmt: skip
            return text.replace(get_currency_symbol(code, locale), symbol) if symbol else text

        return slow
    table = str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale)})
    (plus_prefix, minus_prefix), (plus_suffix, minus_suffix) = pattern.prefix, pattern.suffix
    shapes = (
        (plus_prefix.replace("¤", symbol), plus_suffix.replace("¤", symbol)),
        (minus_prefix.replace("¤", symbol), minus_suffix.replace("¤", symbol)),
    )

    def fast(amount: Decimal) -> str:
        rounded = amount.quantize(quantum, rounding=ROUND_HALF_UP)
        prefix, suffix = shapes[rounded < 0]
        return f"{prefix}{f'{abs(rounded):,.{places}f}'.translate(table)}{suffix}"

    return fast


def number(value: Decimal | float, places: int = 2, *, locale: str | None = None) -> str:
    """A plain number with the locale's separators ("1.299,50")."""
    loc = _resolve(locale)
    table = str.maketrans({",": get_group_symbol(loc), ".": get_decimal_symbol(loc)})
    text = f"{abs(Decimal(str(value))):,.{places}f}".translate(table)
    return f"{get_minus_sign_symbol(loc)}{text}" if value < 0 else text


def percent(value: Decimal | float, places: int = 1, *, locale: str | None = None, sign: bool = False) -> str:
    """``value`` per cent (12.3 -> "12.3%", "12,3 %" in German); ``sign``: "+12.3%" for a rise."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    text = _percent(rounded, places, str(_resolve(locale)))
    return f"+{text}" if sign and rounded > 0 else text


@lru_cache(maxsize=2048)
def _percent(value: Decimal, places: int, locale_name: str) -> str:
    locale = _parse(locale_name)
    pattern = parse_pattern(_with_places(locale.percent_formats[None].pattern, places))
    return str(pattern.apply(value / 100, locale))


def _with_places(pattern: str, places: int) -> str:
    """A CLDR number pattern ("#,##0 %", "¤#,##0.00") with exactly ``places`` decimals."""
    positive = pattern.split(";")[0]
    head, _, tail = positive.partition(".")
    if _:
        tail = tail.lstrip("0#")
    else:
        end = max(head.rfind("0"), head.rfind("#")) + 1
        head, tail = head[:end], head[end:]
    return head + ("." + "0" * places if places else "") + tail


def change(value: Decimal | None, previous: Decimal | None, *, locale: str | None = None) -> tuple[str, int]:
    """The change from ``previous`` to ``value`` as "▼ 12.3%" and its sign (-1 cheaper, 0 same, 1 dearer)."""
    if value is None or previous is None or value == previous:
        return ("", 0)
    delta = value - previous
    share = (delta / previous * 100) if previous else Decimal(0)
    arrow = "▲" if delta > 0 else "▼"
    return (f"{arrow} {percent(abs(share), locale=locale)}", 1 if delta > 0 else -1)


# -- dates and times ---------------------------------------------------------------------------------------
def local_time(value: datetime | None, *, seconds: bool = False, locale: str | None = None) -> str:
    """An aware time in the local zone as the locale writes it ("5 Mar 2026, 14:07"); DASH for none."""
    if value is None:
        return DASH
    local = value.astimezone().replace(tzinfo=None)
    if not seconds:
        local = local.replace(second=0, microsecond=0)
    return _date_time(local, seconds, str(_resolve(locale)))


@lru_cache(maxsize=4096)
def _date_time(local: datetime, seconds: bool, locale_name: str) -> str:
    locale = _parse(locale_name)
    day = format_date(local, "medium", locale=locale)
    clock = format_time(local, "medium" if seconds else "short", locale=locale)
    glue = str(locale.datetime_formats.get("medium", "{1}, {0}"))
    return glue.replace("{1}", day).replace("{0}", clock).replace("'", "")


def clock_time(value: datetime | None, *, locale: str | None = None) -> str:
    """Only the local time of day ("14:07", "2:07 PM"); DASH for none."""
    if value is None:
        return DASH
    local = value.astimezone().replace(tzinfo=None, second=0, microsecond=0)
    return _clock(local, str(_resolve(locale)))


@lru_cache(maxsize=2048)
def _clock(local: datetime, locale_name: str) -> str:
    return str(format_time(local, "short", locale=_parse(locale_name)))


def relative(value: datetime | None, now: datetime | None = None, *, locale: str | None = None) -> str:
    """How long ago or until ``value`` ("12 min ago", "in 47 min", "now"); DASH for none."""
    if value is None:
        return DASH
    seconds = (value - (now or datetime.now(UTC))).total_seconds()
    if abs(seconds) < 45:
        return translate("Time", "now")
    return _relative(round(seconds / 60), str(_resolve(locale)))


@lru_cache(maxsize=4096)
def _relative(minutes: int, locale_name: str) -> str:
    locale = _parse(locale_name)
    text = str(format_timedelta(timedelta(minutes=minutes), add_direction=True, format="short",
                                threshold=1.5, locale=locale))  # fmt: skip
    # English CLDR abbreviates with a period ("12 min. ago"); people write "12 min ago"
    return text.replace(".", "") if locale.language == "en" else text


def duration(seconds: float | None) -> str:
    """A task's run time: "850 ms", "4.2 s", "3 min 20 s", "2 h 5 min"."""
    if seconds is None:
        return ""
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 120:
        return f"{number(seconds, 1)} s"
    minutes, secs = divmod(int(seconds), 60)
    if minutes < 120:
        return f"{minutes} min {secs} s"
    return f"{minutes // 60} h {minutes % 60} min"


# -- words shared by every front end -------------------------------------------------------------------
AVAILABILITY_WORDS = {
    "InStock": QT_TRANSLATE_NOOP("Stock", "In stock"),
    "OutOfStock": QT_TRANSLATE_NOOP("Stock", "Out of stock"),
    "PreOrder": QT_TRANSLATE_NOOP("Stock", "Pre-order"),
    "BackOrder": QT_TRANSLATE_NOOP("Stock", "Back-order"),
    "Unknown": QT_TRANSLATE_NOOP("Stock", "Stock not stated"),
}


def availability(value: object) -> str:
    """The availability in words, the same in the list, the dialogs, notifications and the CLI (in the
    window's language where it installed its translator: :mod:`pricewatch.translation`)."""
    key = str(getattr(value, "value", value) or "Unknown")
    return translate("Stock", AVAILABILITY_WORDS.get(key, AVAILABILITY_WORDS["Unknown"]))
