"""Currency symbols, local currency names and number symbols from CLDR (through Babel).

Every currency symbol any CLDR locale writes ("₩", "NT$", "Kč", "zł", the Arabic ones) maps to the ISO 4217
codes that use it; a symbol several currencies share ("$", "kr", "¥", "Rs") is settled by the page (its
currency, its country, its language) and else by the most common reading. Local names come from the page
language's own CLDR names ("forint"), plus the few unit words shops write that CLDR lists as no symbol
(원, 円, 元, TL, lei, đ, the Arabic abbreviations): they are customary, not symbols, in CLDR. The tables
are built on first use from every CLDR locale's own entries (about half a second), then kept for the
process.
"""

from __future__ import annotations

import pickle
import re
import threading
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

from babel import Locale, UnknownLocaleError, localedata, numbers
from babel.core import get_global

# Bidi marks CLDR puts into Arabic and Hebrew symbols ("ر.س.‏"); page text has them or not.
_BIDI = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
# Common readings of symbols several currencies share, when the page does not settle them.
PREFERRED = {"$": "USD", "kr": "SEK", "¥": "JPY", "￥": "JPY", "Rs": "PKR", "£": "GBP", "₨": "PKR"}
# Unit words and abbreviations shops write that CLDR has as names or not at all.
CUSTOMARY = {
    "TL": "TRY",
    "원": "KRW",
    "円": "JPY",
    "元": "CNY",
    "lei": "RON",
    "Lei": "RON",
    "LEI": "RON",
    "đ": "VND",
    "₫": "VND",
    "Rs.": "PKR",
    "Rs": "PKR",
    "Fr.": "CHF",
    "\u0440\u0443\u0431": "RUB",
    "грн": "UAH",
    "лв": "BGN",
    "kn": "HRK",
    "S/": "PEN",
    "د.إ": "AED",
    "ر.س": "SAR",
    "ر.ق": "QAR",
    "د.ك": "KWD",
    "د.ب": "BHD",
    "ر.ع": "OMR",
    "د.أ": "JOD",
    "ج.م": "EGP",
    "د.م": "MAD",
    "ريال": "SAR",
    "درهم": "AED",
    "جنيه": "EGP",
    "دينار": "KWD",
    "ش.ج": "ILS",
    "ש״ח": "ILS",
    'ש"ח': "ILS",
    "บาท": "THB",
    "so'm": "UZS",
    "ден": "MKD",
    "дин": "RSD",
}
# Latin letters that are a currency symbol somewhere but a size, a unit or a word elsewhere ("L", "K", "P").
_MIN_LATIN_SYMBOL = 3
_LATIN_SHORT_KEPT = frozenset({"Ft", "Rp", "RM", "kr", "Kč", "zł", "kn", "Br", "Bs", "Kz", "Rs", "TL"})
# ISO codes that are ordinary upper-case words; read from structured data, never from page text.
_WORD_CODES = frozenset(
    [
        *("ALL", "TOP", "CUP", "BOB", "MOP", "PEN", "SOS", "GEL", "DOP", "LAK", "MAD", "NIO"),
        *("AMD", "BAM", "BIF", "CVE", "ERN", "MRO", "SLL", "STD", "XXX", "XTS", "ZWL", "VES"),
    ]
)
# Symbols that are ordinary words of other languages ("In den Warenkorb", "Esc").
_WORD_SYMBOLS = frozenset({"den", "din", "Esc"})
_lock = threading.Lock()


def clean_symbol(symbol: str) -> str:
    """A symbol as matched in page text: no bidi marks, blanks or trailing dot."""
    return symbol.translate(_BIDI).replace(" ", "").replace("\u00a0", "").rstrip(".") or symbol


@lru_cache(maxsize=1)
def iso_codes() -> frozenset[str]:
    """Every ISO 4217 code CLDR knows (current and recent)."""
    return frozenset(code for code in numbers.list_currencies() if len(code) == 3 and code.isalpha())


def text_codes() -> frozenset[str]:
    """ISO codes trusted when written in page text (not ordinary upper-case words)."""
    return iso_codes() - _WORD_CODES


@lru_cache(maxsize=1)
def symbol_table() -> dict[str, frozenset[str]]:
    """Every currency symbol of every CLDR base locale, cleaned, to the ISO codes that write it."""
    with _lock:
        found: dict[str, set[str]] = {}
        for locale_id in localedata.locale_identifiers():
            try:
                data = _own_entries(locale_id)
            except (OSError, ValueError, KeyError, pickle.UnpicklingError):
                continue
            for code, symbol in data.get("currency_symbols", {}).items():
                _add(found, symbol, code)
        for symbol, code in CUSTOMARY.items():
            _add(found, symbol, code)
        # Shops capitalise letter symbols their own way ("KSh", "USh" for CLDR's "Ksh", "USh").
        for symbol, codes in list(found.items()):
            if len(symbol) >= _MIN_LATIN_SYMBOL and symbol.isascii() and symbol.isalpha():
                for variant in (symbol[:2].upper() + symbol[2:], symbol.capitalize()):
                    for code in codes:
                        _add(found, variant, code)
        return {symbol: frozenset(codes) for symbol, codes in found.items()}


def _own_entries(locale_id: str) -> dict[str, Any]:
    """A locale's own CLDR entries (what it inherits is read from its parents anyway).

    Read from its file, not through ``localedata.load(..., merge_inherited=False)``: Babel caches that
    partial dict under the locale's name, and every Locale of that name made later (the window's money
    format) would lack its inherited data (KeyError 'standard' on the first price formatted).
    """
    with open(localedata.resolve_locale_filename(locale_id), "rb") as file:
        data = pickle.load(file)
    return data if isinstance(data, dict) else {}


def _add(found: dict[str, set[str]], symbol: str, code: str) -> None:
    sym = clean_symbol(symbol)
    if not sym or sym == code or len(sym) > 8 or sym in _WORD_SYMBOLS:
        return
    if any(ch.isdigit() or ch.isspace() or unicodedata.category(ch) == "Cf" for ch in sym):
        return
    if sym.isascii() and sym.replace(".", "").isalpha():
        if len(sym) < _MIN_LATIN_SYMBOL and sym not in _LATIN_SHORT_KEPT:
            return
        if sym.isupper() and len(sym) == 3:
            return  # another code ("CHF" as a symbol of CHF is the code itself)
    found.setdefault(sym, set()).add(code)


@lru_cache(maxsize=64)
def local_names(lang: str | None) -> dict[str, str]:
    """The page language's own names for its countries' currencies ("forint", "złotych"), to ISO codes."""
    locale = _locale(lang)
    if locale is None:
        return {}
    codes: set[str] = set()
    if locale.territory:
        codes.update(numbers.get_territory_currencies(locale.territory))
    else:
        for territory in _language_territories(locale.language):
            codes.update(numbers.get_territory_currencies(territory))
    found: dict[str, str] = {}
    for code in codes:
        plural = locale.currency_names_plural if hasattr(locale, "currency_names_plural") else {}
        forms = [locale.currencies.get(code), *(plural.get(code, {}) or {}).values()]
        for name in forms:
            if isinstance(name, str) and 2 < len(name) <= 30:
                found.setdefault(name.lower(), code)
    return found


def _language_territories(language: str) -> list[str]:
    """The countries where ``language`` is an official language and there is a locale for it."""
    prefix = language + "_"
    found = {i.split("_")[-1] for i in localedata.locale_identifiers() if i.startswith(prefix)}
    return sorted(t for t in found if len(t) == 2 and t.isupper())[:8]


@lru_cache(maxsize=64)
def _locale(lang: str | None) -> Locale | None:
    if not lang:
        return None
    parts = lang.replace("_", "-").split("-")
    language = parts[0].lower()
    territory = next((p.upper() for p in parts[1:] if len(p) == 2 and p.isalpha()), None)
    try:
        return Locale.parse(f"{language}_{territory}" if territory else language)
    except (UnknownLocaleError, ValueError, TypeError):
        try:
            return Locale.parse(lang.split("-")[0].split("_")[0][:8])
        except (UnknownLocaleError, ValueError, TypeError):
            return None


@lru_cache(maxsize=256)
def resolve(symbol: str, lang: str | None, region: str | None, page_currency: str | None) -> str | None:
    """The ISO code a symbol stands for on a page of this language, country and currency."""
    sym = clean_symbol(symbol)
    if sym.upper() in iso_codes() and (sym.isupper() or len(sym) == 3):
        return sym.upper()
    codes = symbol_table().get(sym) or symbol_table().get(sym.lower())
    if not codes:
        name = local_names(lang).get(sym.lower())
        return name
    if len(codes) == 1:
        return next(iter(codes))
    if page_currency in codes:
        return page_currency
    for territory in _territories(lang, region):
        for code in numbers.get_territory_currencies(territory):
            if code in codes:
                return code
    preferred = PREFERRED.get(sym)
    return preferred if preferred in codes else sorted(codes)[0]


@lru_cache(maxsize=64)
def letter_symbol(code: str, lang: str | None, region: str | None) -> str | None:
    """The currency's own symbol in its country when it is one or two Latin letters, which the text matcher
    leaves out because elsewhere they are sizes and words (South Africa's "R", Guatemala's "Q", Zambia's
    "K"): asked only for a page whose country uses the currency."""
    own = _locale(lang)
    for territory in _territories(lang, region):
        if code not in numbers.get_territory_currencies(territory):
            continue
        spoken = get_global("territory_languages").get(territory, {})
        for language in ([own.language] if own is not None else []) + sorted(spoken):
            try:
                symbol = numbers.get_currency_symbol(code, Locale.parse(f"{language}_{territory}"))
            except (UnknownLocaleError, ValueError, TypeError):
                continue
            if symbol and len(symbol) <= 2 and symbol.isascii() and symbol.isalpha():
                return symbol
    return None


def _territories(lang: str | None, region: str | None) -> list[str]:
    """The page's countries, most telling first: the domain's, the language's region, the language's home."""
    found: list[str] = []
    if region and len(region) == 2 and region.isalpha():
        found.append("GB" if region.lower() == "uk" else region.upper())
    locale = _locale(lang)
    if locale is not None:
        if locale.territory:
            found.append(locale.territory)
        main = _main_territory(locale.language)
        if main:
            found.append(main)
    return found


@lru_cache(maxsize=128)
def _main_territory(language: str) -> str | None:
    """The country a bare language code stands for ("ja" Japan, "sv" Sweden), from CLDR's likely subtags."""
    full = get_global("likely_subtags").get(language)
    if not isinstance(full, str):
        return None
    last = full.split("_")[-1]
    return last if len(last) == 2 and last.isupper() else None


@lru_cache(maxsize=256)
def territory_currency(region: str | None) -> str | None:
    """The currency a country uses now ("es" EUR, "jp" JPY), or None."""
    if not region or len(region) != 2 or not region.isalpha():
        return None
    try:
        found = numbers.get_territory_currencies("GB" if region.lower() == "uk" else region.upper())
    except (KeyError, ValueError):
        return None
    return found[0] if found else None


@cache
def precision(code: str | None) -> int:
    """The number of minor-unit digits prices of this currency are written with (KWD 3, JPY 0, EUR 2)."""
    if not code:
        return 2
    try:
        return int(numbers.get_currency_precision(code))
    except (KeyError, ValueError):
        return 2


@lru_cache(maxsize=64)
def separators(lang: str | None) -> tuple[str, str] | None:
    """The page language's (decimal, group) marks in Latin digits, or None when the language is unknown."""
    locale = _locale(lang)
    if locale is None:
        return None
    try:
        return (
            numbers.get_decimal_symbol(locale, numbering_system="latn"),
            numbers.get_group_symbol(locale, numbering_system="latn"),
        )
    except Exception:  # Babel raises its own errors for locales it lacks Latin digits for
        return None


def symbols_for_matching() -> Iterable[str]:
    """Every symbol and customary word, for building the text matcher."""
    return symbol_table().keys()


_TRIE_END = ""


def trie_pattern(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` factored by common prefixes: one branch per first character, so
    hundreds of symbols cost about as much to search as a handful."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[_TRIE_END] = {}
    return _pattern(trie)


def _pattern(node: dict[str, dict]) -> str:  # type: ignore[type-arg]
    ends = _TRIE_END in node
    branches = [re.escape(ch) + _pattern(child) for ch, child in sorted(node.items()) if ch != _TRIE_END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends:
        return "(?:" + body + ")?"
    return body
