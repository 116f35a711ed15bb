"""Currencies and digits from CLDR (Babel): symbols of every locale, settled by the page's context."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pricewatch.scraping import currencies
from pricewatch.scraping.money import MoneyContext, ascii_digits, find_currency, parse_money


@pytest.mark.parametrize(
    ("text", "lang", "amount", "currency"),
    [
        ("₩129,000", "ko", "129000", "KRW"),
        ("18,500원", "ko", "18500", "KRW"),
        ("NT$ 3,490", "zh-Hant-TW", "3490", "TWD"),
        ("1,249.90 ₪", "he", "1249.90", "ILS"),
        ("2,750円\uff08税込\uff09", "ja", "2750", "JPY"),  # full-width brackets
        ("￥1299.00", "zh-CN", "1299.00", "CNY"),
        ("售价\uff1a199元", "zh-CN", "199", "CNY"),
        ("₹ 2,49,990.00", "en-IN", "249990.00", "INR"),
        ("1,990 บาท", "th", "1990", "THB"),
        ("1.290.000 đ", "vi", "1290000", "VND"),
        ("49,99 zł", "pl", "49.99", "PLN"),
        ("1 290,- Kč", "cs", "1290", "CZK"),
        ("1.299,95 kr.", "da-DK", "1299.95", "DKK"),
        ("kr 1 990,-", "nb-NO", "1990", "NOK"),
        ("349,99 lei", "ro", "349.99", "RON"),
        ("R$ 89,90", "pt-BR", "89.90", "BRL"),
        ("\u0663\u0664\u0669 د.إ", "ar-AE", "349", "AED"),  # Eastern Arabic digits
        ("\u0661\u0662\u066b\u0665\u0660\u0660 د.ك", "ar-KW", "12.500", "KWD"),  # three decimals
        ("ر.س \u06f7\u06f5\u066b\u06f5\u06f0", "ar-SA", "75.50", "SAR"),  # Persian digits
        ("₹ \u0967,\u096a\u096f\u096f", "hi", "1499", "INR"),  # Devanagari digits
        ("\uffe5\uff12\uff0c\uff14\uff18\uff10", "ja", "2480", "JPY"),  # full-width yen and digits
        ("₺1.249,90", "tr", "1249.90", "TRY"),
        ("$ 1,249", "es-MX", "1249", "MXN"),
        ("C$ 61.99", None, "61.99", "CAD"),
    ],
)
def test_prices_in_many_scripts_and_currencies(
    text: str, lang: str | None, amount: str, currency: str
) -> None:
    money = parse_money(text, MoneyContext(lang=lang))
    assert money is not None
    assert (money.amount, money.currency) == (Decimal(amount), currency)


def test_every_cldr_symbol_maps_to_its_currencies() -> None:
    table = currencies.symbol_table()
    assert {"₩", "NT$", "₪", "₹", "฿", "₫", "zł", "Kč", "R$", "₺"} <= set(table)
    assert table["$"] >= {"USD", "CAD", "AUD", "MXN", "ARS"}
    assert table["kr"] >= {"SEK", "NOK", "DKK"}


@pytest.mark.parametrize(
    ("symbol", "lang", "region", "page_currency", "expected"),
    [
        ("$", None, None, None, "USD"),
        ("$", "en-CA", None, None, "CAD"),
        ("$", None, "au", None, "AUD"),
        ("$", "en", None, "NZD", "NZD"),
        ("kr", "sv", None, None, "SEK"),
        ("kr", "nb", None, None, "NOK"),
        ("¥", "zh-CN", None, None, "CNY"),
        ("¥", "ja", None, None, "JPY"),
        ("Rs", "en-IN", None, None, "INR"),
        ("Rs", None, "pk", None, "PKR"),
    ],
)
def test_shared_symbols_are_settled_by_the_page(
    symbol: str, lang: str | None, region: str | None, page_currency: str | None, expected: str
) -> None:
    assert currencies.resolve(symbol, lang, region, page_currency) == expected


def test_words_that_are_also_symbols_elsewhere_are_no_currency() -> None:
    assert find_currency("In den Warenkorb") is None  # "den" is the Macedonian denar's Latin symbol
    assert find_currency("Size L 42") is None
    assert find_currency("ALL PRICES 42") is None


def test_digits_of_other_scripts_read_as_ascii() -> None:
    assert ascii_digits("\u0661\u066c\u0662\u0669\u0669\u066b\u0660\u0660") == "1,299.00"
    assert ascii_digits("\u0e51\u0e52\u0e53") == "123"  # Thai digits
    assert currencies.precision("KWD") == 3 and currencies.precision("JPY") == 0


def test_reading_every_symbol_leaves_babels_locale_data_whole() -> None:
    """The symbol table reads each locale's own entries; Babel's cache must keep the merged data, or the
    first price formatted after a page was read fails (a fresh process: nothing loaded before)."""
    import subprocess
    import sys

    code = (
        "from pricewatch.scraping import currencies\n"
        "from pricewatch import formatting\n"
        "from decimal import Decimal\n"
        "currencies.symbol_table()\n"
        "formatting.set_locale('de_DE')\n"
        "print(formatting.money(Decimal('9.99'), 'EUR'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "9,99\xa0€"
