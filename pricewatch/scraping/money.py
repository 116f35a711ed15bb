"""Money from page text: Decimal amounts and ISO 4217 currencies, with the page's context settling formats.

"1.299,00 TL" is 1299.00 TRY, "1.199 TL" is 1199 TRY (Turkish uses "." for thousands), "199,-" is 199,
"R$ 1.759,99" is 1759.99 BRL and "23,450 Rs" is 23450 PKR. A lone separator is a decimal mark when one or two
digits follow it; with three it groups thousands, unless the currency has three decimals (KWD, BHD, by CLDR).
Digits of other scripts (Eastern Arabic, Persian, Devanagari, Thai, full-width) read as their values. The
currency comes from the symbol (every CLDR symbol: :mod:`~pricewatch.scraping.currencies`), else the page's
priceCurrency; "$", "kr", "¥" and "Rs" take the page's currency, country or language. Never a float.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from pricewatch.scraping import currencies

# Digits of every script (Eastern Arabic, Persian, Devanagari, Thai, full-width...) read as ASCII digits, and
# the separators written with them: Arabic decimal and thousands marks, full-width comma and stop.
_DIGITS = {
    **{
        cp: str(unicodedata.digit(chr(cp)))
        for cp in range(0x0660, 0x10000)
        if unicodedata.category(chr(cp)) == "Nd"
    },
    ord("\u066b"): ".",
    ord("\u066c"): ",",
    ord("\u060c"): ",",
    ord("\uff0c"): ",",
    ord("\uff0e"): ".",
    ord("\u2212"): "-",
}
_CJK_UNITS = "円元원"  # written right after the digits, with no space, inside running text
# A number: digits with thousands groups or decimals, optionally a trailing ",-" / ".-" / ",-" (no cents).
NUMBER_RE = re.compile(
    r"(?<![\d.,])\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?(?![\d])"  # Indian grouping: 1,23,456.00
    r"|(?<![\d.,])\d{1,3}(?:[.,'\u2019\u00a0\u202f\u2009 ]\d{3})+(?:[.,]\d{1,3})?(?![\d])"
    r"|(?<![\d.,])\d+(?:[.,]\d{1,3})?(?![\d])"
)
_DASH_CENTS = re.compile(r"^[.,][-\u2013—]{1,2}")
# Minor-unit digits for showing amounts (parsing asks CLDR through currencies.precision).
CURRENCY_DECIMALS = {"JPY": 0, "KRW": 0, "CLP": 0, "ISK": 0, "VND": 0, "PYG": 0, "UGX": 0, "HUF": 0,
                     "COP": 0, "IDR": 0, "KWD": 3, "BHD": 3, "JOD": 3, "OMR": 3, "TND": 3, "LYD": 3,
                     "IQD": 3}  # fmt: skip


def warm() -> None:
    """Build the CLDR symbol tables and the matcher now (about half a second once per process), so the first
    page a process reads is not the one that pays for them."""
    _symbol_re()


def ascii_digits(text: str) -> str:
    """``text`` with digits of any script and their separators as ASCII (Eastern Arabic "1,299.00" too)."""
    return text if text.isascii() else text.translate(_DIGITS)


@lru_cache(maxsize=1)
def _symbol_re() -> re.Pattern[str]:
    """One matcher for every CLDR symbol, customary unit word and ISO code (built on first use)."""
    symbols = list(currencies.symbols_for_matching())
    single = sorted(s for s in symbols if len(s) == 1 and not s.isalpha())
    wordlike = [s for s in symbols if (len(s) > 1 or s.isalpha()) and s not in _CJK_UNITS]
    # A letter prefix may stand apart from its dollar sign: "C $ 61.99" as well as "C$61.99".
    wordlike += [s[:-1] + " $" for s in wordlike if len(s) > 1 and s.endswith("$")]
    ends_in_letter = [s for s in wordlike if s[-1].isalpha()] + sorted(currencies.text_codes())
    ends_other = [s for s in wordlike if not s[-1].isalpha()]
    return re.compile(
        "[" + re.escape("".join(single)) + "]"
        + "|(?<=\\d)\\s?[" + _CJK_UNITS + "]"
        + "|(?<![^\\W\\d_])(?:"
        + "(?:" + currencies.trie_pattern(ends_in_letter) + ")(?![^\\W\\d_])(?!-\\d)"  # "TL-420": a model
        + "|" + currencies.trie_pattern(ends_other)
        + ")"
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class Money:
    """An amount and its ISO 4217 currency (None when the text and context do not say)."""

    amount: Decimal
    currency: str | None


@dataclass(slots=True)
class MoneyContext:
    """What the page tells about its money format.

    Attributes:
        currency: the page's currency (priceCurrency, og:price:currency, symbols seen), if known.
        lang: the html ``lang`` (for example ``tr`` or ``pt-BR``), lower case.
        region: a country code from the language or the URL's top-level domain.
    """

    currency: str | None = None
    lang: str | None = None
    region: str | None = None


def currency_from_symbol(symbol: str, ctx: MoneyContext | None = None) -> str | None:
    """The ISO code a symbol, unit word or code stands for, using the page's currency, country and language
    for symbols several currencies share ("$", "kr", "¥", "Rs")."""
    if ctx is None:
        return currencies.resolve(symbol, None, None, None)
    return currencies.resolve(symbol, ctx.lang, _region(ctx), ctx.currency)


def region_currency(region: str | None) -> str | None:
    """The usual currency of a country code ("es" -> EUR), or None."""
    return currencies.territory_currency(region)


def _region(ctx: MoneyContext | None) -> str | None:
    if ctx is None:
        return None
    if ctx.region:
        return ctx.region
    parts = (ctx.lang or "").replace("_", "-").lower().split("-")
    return next((p for p in parts[1:] if len(p) == 2 and p.isalpha()), None)


def symbol_free(text: str) -> str:
    """``text`` without its currency symbols and codes (what is left is a label or a unit)."""
    return _symbol_re().sub(" ", text)


def find_currency(text: str, ctx: MoneyContext | None = None) -> str | None:
    """The first currency symbol or code in ``text``, as an ISO code; on a page priced in a currency whose
    local symbol is a letter or two ("R 2,499" in South Africa), that symbol before the digits too."""
    match = _symbol_re().search(text)
    if match:
        return currency_from_symbol(match.group(0).strip(), ctx)
    if ctx is not None:
        region = _region(ctx)
        code = ctx.currency or region_currency(region)
        own = _letter_symbol_re(code, ctx.lang, region) if code else None
        if own is not None and own.search(text):
            return code
    return None


@lru_cache(maxsize=64)
def _letter_symbol_re(code: str, lang: str | None, region: str | None) -> re.Pattern[str] | None:
    symbol = currencies.letter_symbol(code, lang, region)
    return re.compile(r"(?<![^\W\d_])" + re.escape(symbol) + r"\s?(?=\d)") if symbol else None


def parse_amount(token: str, ctx: MoneyContext | None = None, currency: str | None = None) -> Decimal | None:
    """Turn one number token ("1.299,00", "23,450", "1 234", "199,-") into a Decimal, or None."""
    token = ascii_digits(token).strip().replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
    token = re.sub(r"[.,][-\u2013—]{1,2}$", "", token)
    token = token.replace("'", " ").replace("\u2019", " ")
    if not token or not token[0].isdigit():
        return None
    digits = token.replace(" ", "")
    dots, commas = digits.count("."), digits.count(",")
    if dots and commas:
        decimal = "." if digits.rfind(".") > digits.rfind(",") else ","
    elif dots + commas == 0:
        decimal = None
    else:
        sep = "." if dots else ","
        tail = len(digits) - digits.rfind(sep) - 1
        if dots + commas > 1:
            decimal = None  # "1.234.567": only thousands groups
        elif tail != 3:
            decimal = sep
        else:
            decimal = _settle_three(sep, digits, currency or (ctx.currency if ctx else None))
    if decimal is None:
        digits = digits.replace(".", "").replace(",", "")
    else:
        thousands = "," if decimal == "." else "."
        digits = digits.replace(thousands, "").replace(decimal, ".")
    try:
        value = Decimal(digits)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _settle_three(sep: str, digits: str, currency: str | None) -> str | None:
    """Decide whether the lone separator of "1.299" or "23,450" is a decimal mark (return it) or not (None).

    Shop prices with three decimals exist only in currencies that have three (KWD, BHD, ... by CLDR), so
    elsewhere the separator groups thousands whatever the page language: "1.199 TL" and "23,450 Rs" alike.
    """
    if currency is not None and currencies.precision(currency) == 3:
        return sep
    if digits.startswith("0" + sep):
        return sep  # "0.299" cannot be a thousands group
    return None


# A currency sign written where the decimal mark goes ("89€99", "149 €95"): French and Belgian shops.
_SIGNS = frozenset("€£$₺₽₴₹₩₪₫฿₦₱₸₾¥")
_SIGN_AS_DECIMAL = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:[ .]\d{3})+|\d+) ?([€£$₺₽₴₹₩₪₫฿₦₱₸₾¥])(\d{2})(?![\d.,])"
)


def sign_as_decimal(text: str) -> str:
    """ "89€99" as "89.99 €": a currency sign in the decimal mark's place, read as the mark."""
    if _SIGNS.isdisjoint(text) or not _SIGN_AS_DECIMAL.search(text):
        return text
    return _SIGN_AS_DECIMAL.sub(
        lambda m: f"{m.group(1).replace(' ', '').replace('.', '')}.{m.group(3)} {m.group(2)}", text
    )


def parse_money(text: str, ctx: MoneyContext | None = None) -> Money | None:
    """The first amount in ``text`` with the currency written next to it (else the context's), or None.

    Args:
        text: untrusted page text such as ``"1.299,00 TL"``, ``"R$ 1.759,99"``, in any script's digits.
        ctx: the page's money context; without it, common conventions decide.
    """
    if not text or len(text) > 2000:
        return None
    text = ascii_digits(text).replace("\u00a0", " ")
    currency = find_currency(text, ctx)
    text = sign_as_decimal(text)
    for match in NUMBER_RE.finditer(text):
        token = match.group(0).strip()
        rest = text[match.end() : match.end() + 3]
        if _DASH_CENTS.match(rest):
            token += rest[:2]
        amount = parse_amount(token, ctx, currency or (ctx.currency if ctx else None))
        if amount is not None:
            return Money(amount, currency or (ctx.currency if ctx else None))
    return None


def normalise_currency(value: object, ctx: MoneyContext | None = None) -> str | None:
    """An ISO code from a structured-data currency field ("TRY", "TL", "€", "eur", "zł"), or None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > 12:
        return None
    if value.upper() == "RUR":
        return "RUB"  # the rouble's code before 1998, still in shops' feeds
    if value.upper() in currencies.iso_codes():
        return value.upper()
    return currency_from_symbol(value, ctx)
