"""Money from page text: Decimal amounts and ISO 4217 currencies, with the page's context settling formats.

"1.299,00 TL" is 1299.00 TRY, "1.199 TL" is 1199 TRY (Turkish uses "." for thousands), "199,-" is 199,
"R$ 1.759,99" is 1759.99 BRL and "23,450 Rs" is 23450 PKR. A lone separator is a decimal mark when one or two
digits follow it; with three it groups thousands, unless the currency has three decimals (KWD, BHD). The
currency comes from the symbol, else the page's priceCurrency; "$", "kr" and "Rs" take the page's country
(top-level domain, html lang). Never a float.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Currencies whose prices are normally written without minor units (or with three).
CURRENCY_DECIMALS = {
    "JPY": 0,
    "KRW": 0,
    "CLP": 0,
    "ISK": 0,
    "VND": 0,
    "PYG": 0,
    "UGX": 0,
    "HUF": 0,
    "COP": 0,
    "IDR": 0,
    "KWD": 3,
    "BHD": 3,
    "JOD": 3,
    "OMR": 3,
    "TND": 3,
    "LYD": 3,
    "IQD": 3,
}

# Longest first when matching, so "R$" wins over "$" and "US$" over "$".
SYMBOLS = {
    "US$": "USD",
    "U$S": "USD",
    "CA$": "CAD",
    "C$": "CAD",
    "AU$": "AUD",
    "A$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "MX$": "MXN",
    "R$": "BRL",
    "CLP$": "CLP",
    "€": "EUR",
    "£": "GBP",
    "₺": "TRY",
    "TL": "TRY",
    "₹": "INR",
    "Rs.": "PKR",
    "Rs": "PKR",
    "₨": "PKR",
    "zł": "PLN",
    "Kč": "CZK",
    "Ft": "HUF",
    "₽": "RUB",
    "\u0440\u0443\u0431": "RUB",
    "₴": "UAH",
    "грн": "UAH",
    "₩": "KRW",
    "원": "KRW",
    "Rp": "IDR",
    "RM": "MYR",
    "₸": "KZT",
    "₦": "NGN",
    "¥": "JPY",
    "円": "JPY",
    "元": "CNY",
    "₪": "ILS",
    "฿": "THB",
    "₫": "VND",
    "₱": "PHP",
    "lei": "RON",
    "Lei": "RON",
    "лв": "BGN",
    "kn": "HRK",
    "S/": "PEN",
    "Fr.": "CHF",
    "CHF": "CHF",
    "EUR": "EUR",
    "$": "USD",
}

ISO_CODES = frozenset(
    [
        "AED",
        "ARS",
        "AUD",
        "BAM",
        "BGN",
        "BHD",
        "BRL",
        "BYN",
        "CAD",
        "CHF",
        "CLP",
        "CNY",
        "COP",
        "CZK",
        "DKK",
        "EGP",
        "EUR",
        "GBP",
        "GEL",
        "HKD",
        "HRK",
        "HUF",
        "IDR",
        "ILS",
        "INR",
        "IQD",
        "ISK",
        "JOD",
        "JPY",
        "KES",
        "KRW",
        "KWD",
        "KZT",
        "LKR",
        "LYD",
        "MAD",
        "MXN",
        "MYR",
        "NGN",
        "NOK",
        "NZD",
        "OMR",
        "PEN",
        "PHP",
        "PKR",
        "PLN",
        "QAR",
        "RON",
        "RSD",
        "RUB",
        "SAR",
        "SEK",
        "SGD",
        "THB",
        "TND",
        "TRY",
        "TWD",
        "UAH",
        "USD",
        "UYU",
        "VND",
        "ZAR",
    ]
)

# "$" is the dollar of the page's country: a top-level domain or a language region settles which.
DOLLAR_BY_REGION = {
    "ca": "CAD",
    "au": "AUD",
    "nz": "NZD",
    "mx": "MXN",
    "ar": "ARS",
    "cl": "CLP",
    "co": "COP",
    "sg": "SGD",
    "hk": "HKD",
    "uy": "UYU",
    "br": "BRL",
}
KRONA_BY_REGION = {
    "se": "SEK",
    "sv": "SEK",
    "no": "NOK",
    "nb": "NOK",
    "nn": "NOK",
    "dk": "DKK",
    "da": "DKK",
    "is": "ISK",
}
_DOLLARS = frozenset({"USD", *DOLLAR_BY_REGION.values()})


def _words(text: str) -> list[str]:
    return text.split()


# The currency of a country, for prices written without any (the last resort).
_EURO_REGIONS = _words("at be cy de ee es fi fr gr hr ie it lt lu lv mt nl pt si sk")
CURRENCY_BY_REGION = {
    **dict.fromkeys(_EURO_REGIONS, "EUR"),
    **{
        "gb": "GBP",
        "us": "USD",
        "tr": "TRY",
        "pl": "PLN",
        "ch": "CHF",
        "cz": "CZK",
        "hu": "HUF",
        "ro": "RON",
    },
    **{
        "se": "SEK",
        "no": "NOK",
        "dk": "DKK",
        "br": "BRL",
        "in": "INR",
        "pk": "PKR",
        "jp": "JPY",
        "ru": "RUB",
    },
    **{"ua": "UAH", "bg": "BGN", "za": "ZAR", **DOLLAR_BY_REGION},
}
RUPEE_BY_REGION = {"in": "INR", "hi": "INR", "lk": "LKR", "pk": "PKR", "ur": "PKR"}

_SINGLE_SYMBOLS = "".join(sorted(s for s in SYMBOLS if len(s) == 1 and not s.isalpha()))
# One lookbehind before the alternation (not one per alternative) lets the regex engine skip ahead quickly;
# per-alternative lookbehinds made this search some 15 µs per short text, and it runs on many texts a page.
_SYMBOL_RE = re.compile(
    "["
    + re.escape(_SINGLE_SYMBOLS)
    + r"]|(?<![^\W\d_])(?:"
    + "|".join(
        # "C $ 61.99" as well as "C$61.99": a letter prefix may stand apart from its dollar sign.
        (re.escape(s[:-1]) + r"[ \u00a0]?\$" if len(s) > 1 and s[-1] == "$" else re.escape(s))
        + (r"(?![^\W\d_])" if s[-1].isalpha() else "")
        for s in sorted(SYMBOLS, key=len, reverse=True)
        if len(s) > 1 or s.isalpha()
    )
    + "|(?:"
    + "|".join(sorted(ISO_CODES))
    + r")(?![^\W\d_])"
    + r"|kr\.?(?![^\W\d_]))"
)
# A number: digits with thousands groups or decimals, optionally a trailing ",-" / ".-" / ",-" (no cents).
NUMBER_RE = re.compile(
    r"(?<![\d.,])\d{1,2}(?:,\d{2})+,\d{3}(?:\.\d{1,2})?(?![\d])"  # Indian grouping: 1,23,456.00
    r"|(?<![\d.,])\d{1,3}(?:[.,'\u2019\u00a0\u202f\u2009 ]\d{3})+(?:[.,]\d{1,3})?(?![\d])"
    r"|(?<![\d.,])\d+(?:[.,]\d{1,3})?(?![\d])"
)
_DASH_CENTS = re.compile(r"^[.,][-\u2013—]{1,2}")


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
    """The ISO code a symbol or code stands for, using the page's region for "$", "kr" and "Rs"."""
    sym = symbol.strip().replace(" ", "").replace("\u00a0", "")
    if sym.upper() in ISO_CODES:
        return sym.upper()
    region = _region(ctx)
    if sym == "$":
        if ctx is not None and ctx.currency in _DOLLARS:
            return ctx.currency
        return DOLLAR_BY_REGION.get(region or "", "USD")
    if sym.rstrip(".").lower() == "kr":
        return KRONA_BY_REGION.get(region or "", ctx.currency if ctx and ctx.currency else "SEK")
    if sym.rstrip(".") in ("Rs", "₨"):
        return RUPEE_BY_REGION.get(region or "", "PKR")
    if sym == "¥" and (region == "cn" or ((ctx and ctx.lang) or "").startswith("zh")):
        return "CNY"
    return SYMBOLS.get(sym)


def region_currency(region: str | None) -> str | None:
    """The usual currency of a country code ("es" -> EUR), or None."""
    return CURRENCY_BY_REGION.get(region or "")


def _region(ctx: MoneyContext | None) -> str | None:
    if ctx is None:
        return None
    if ctx.region:
        return ctx.region
    lang = (ctx.lang or "").replace("_", "-").lower()
    base, _, region = lang.partition("-")
    return region or base or None


def find_currency(text: str, ctx: MoneyContext | None = None) -> str | None:
    """The first currency symbol or code in ``text``, as an ISO code."""
    match = _SYMBOL_RE.search(text)
    return currency_from_symbol(match.group(0), ctx) if match else None


def parse_amount(token: str, ctx: MoneyContext | None = None, currency: str | None = None) -> Decimal | None:
    """Turn one number token ("1.299,00", "23,450", "1 234", "199,-") into a Decimal, or None."""
    token = token.strip().replace("\u00a0", " ").replace("\u202f", " ").replace("\u2009", " ")
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

    Shop prices with three decimals exist only in currencies that have three (KWD, BHD, ...), so elsewhere the
    separator groups thousands whatever the page language: "1.199 TL" and "23,450 Rs" alike.
    """
    if currency is not None and CURRENCY_DECIMALS.get(currency, 2) == 3:
        return sep
    if digits.startswith("0" + sep):
        return sep  # "0.299" cannot be a thousands group
    return None


def parse_money(text: str, ctx: MoneyContext | None = None) -> Money | None:
    """The first amount in ``text`` with the currency written next to it (else the context's), or None.

    Args:
        text: untrusted page text such as ``"1.299,00 TL"`` or ``"R$ 1.759,99"``.
        ctx: the page's money context; without it, common conventions decide.
    """
    if not text or len(text) > 2000:
        return None
    text = text.replace("\u00a0", " ")
    currency = find_currency(text, ctx)
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
    """An ISO code from a structured-data currency field ("TRY", "TL", "€", "eur"), or None."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if not value or len(value) > 8:
        return None
    if value.upper() in ISO_CODES:
        return value.upper()
    if value.upper() == "RUR":
        return "RUB"
    return currency_from_symbol(value, ctx) if value in SYMBOLS or value.rstrip(".").lower() == "kr" else None
