"""Money parsing: every number format the shops write, currencies from symbols and context, never a float."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pricewatch.scraping.money import (
    Money,
    MoneyContext,
    find_currency,
    normalise_currency,
    parse_amount,
    parse_money,
)


@pytest.mark.parametrize(
    ("text", "ctx", "amount", "currency"),
    [
        ("1.299,00 TL", MoneyContext(lang="tr"), "1299.00", "TRY"),
        ("1.199 TL", MoneyContext(lang="tr"), "1199", "TRY"),
        ("1.199 TL", None, "1199", "TRY"),
        ("199,-", MoneyContext(lang="de", currency="EUR"), "199", "EUR"),
        ("199,– €", None, "199", "EUR"),  # noqa: RUF001 (shops write an en dash)
        ("R$ 1.759,99", None, "1759.99", "BRL"),
        ("23,450 Rs", MoneyContext(region="pk"), "23450", "PKR"),
        ("Rs 23,450", None, "23450", "PKR"),
        ("₹ 1,23,456", MoneyContext(region="in"), "123456", "INR"),
        ("$1,299.99", None, "1299.99", "USD"),
        ("$ 1,299.99", MoneyContext(region="ca"), "1299.99", "CAD"),
        ("$2.449", MoneyContext(region="ar"), "2449", "ARS"),
        ("1 299,00 €", MoneyContext(lang="fr"), "1299.00", "EUR"),
        ("1\u00a0299,00\u00a0€", None, "1299.00", "EUR"),
        ("CHF 1'299.50", None, "1299.50", "CHF"),
        ("£34.99", None, "34.99", "GBP"),
        ("12,95 zł", None, "12.95", "PLN"),
        ("499 kr", MoneyContext(region="se"), "499", "SEK"),
        ("1.234.567 Ft", None, "1234567", "HUF"),
        ("KWD 1.250", None, "1.250", "KWD"),
        ("0.299 €", None, "0.299", "EUR"),
        ("EUR 15", None, "15", "EUR"),
        ("Preis: 7,95", MoneyContext(currency="EUR"), "7.95", "EUR"),
    ],
)
def test_parse_money_formats(text: str, ctx: MoneyContext | None, amount: str, currency: str) -> None:
    money = parse_money(text, ctx)
    assert money == Money(Decimal(amount), currency)
    assert isinstance(money.amount, Decimal)


@pytest.mark.parametrize("text", ["", "no digits here", "€", "x" * 5000])
def test_parse_money_without_amount(text: str) -> None:
    assert parse_money(text) is None


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("1.299,00", "1299.00"),
        ("1,299.00", "1299.00"),
        ("23,450", "23450"),
        ("1.199", "1199"),
        ("1,5", "1.5"),
        ("12.99", "12.99"),
        ("199,-", "199"),
        ("1 234", "1234"),
        ("1.234.567", "1234567"),
    ],
)
def test_parse_amount(token: str, expected: str) -> None:
    assert parse_amount(token) == Decimal(expected)


def test_three_decimals_kept_for_three_decimal_currencies() -> None:
    assert parse_amount("1.250", currency="KWD") == Decimal("1.250")
    assert parse_amount("1.250", currency="EUR") == Decimal("1250")


@pytest.mark.parametrize(
    ("text", "ctx", "expected"),
    [
        ("R$ 10", None, "BRL"),
        ("US$ 10", None, "USD"),
        ("10 TL", None, "TRY"),
        ("10 ₺", None, "TRY"),
        ("$10", MoneyContext(region="au"), "AUD"),
        ("$10", MoneyContext(currency="NZD"), "NZD"),
        ("10 kr", MoneyContext(region="dk"), "DKK"),
        ("¥1000", MoneyContext(lang="zh-cn"), "CNY"),
        ("¥1000", None, "JPY"),
        ("plain 10", None, None),
        ("TLX 10", None, None),
        # a currency's own letter symbol, on pages of its country only
        ("R 2,499", MoneyContext(currency="ZAR", lang="en-za"), "ZAR"),
        ("R2,499", MoneyContext(lang="en", region="za"), "ZAR"),
        ("Q 549.00", MoneyContext(lang="es-gt"), "GTQ"),
        ("R 2,499", MoneyContext(currency="USD", lang="en-us"), None),
        # a letter symbol joined to digits by a hyphen is a model code
        ("Drehmaschine TL-420", MoneyContext(lang="de-de"), None),
        ("Mesin jahit RM-200", MoneyContext(lang="ms-my"), None),
    ],
)
def test_find_currency(text: str, ctx: MoneyContext | None, expected: str | None) -> None:
    assert find_currency(text, ctx) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("TRY", "TRY"),
        ("try", "TRY"),
        ("TL", "TRY"),
        ("€", "EUR"),
        ("RUR", "RUB"),
        ("", None),
        (12, None),
        ("dollars!!", None),
    ],
)
def test_normalise_currency(value: object, expected: str | None) -> None:
    assert normalise_currency(value) == expected


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [("Rp 150.000", "150000", "IDR"), ("RM 59.90", "59.90", "MYR"), ("35,000원", "35000", "KRW"),
     ("12 990 ₸", "12990", "KZT"), ("1 299 \u0440\u0443\u0431.", "1299", "RUB")],
)  # fmt: skip
def test_more_currencies(text: str, amount: str, currency: str) -> None:
    assert parse_money(text) == Money(Decimal(amount), currency)


def test_currency_letters_inside_a_word_are_no_currency() -> None:
    # "kr" in Latvian "krājumā" (in stock) and "TL" glued to a letter are words, not money.
    assert find_currency("līdz kamēr prece ir krājumā 06.07") is None
    assert find_currency("TLü 5") is None


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [("89€99", "89.99", "EUR"), ("1 249€90", "1249.90", "EUR"), ("149 €95", "149.95", "EUR"),
     ("12£50", "12.50", "GBP")],
)  # fmt: skip
def test_a_currency_sign_in_the_decimal_marks_place(text: str, amount: str, currency: str) -> None:
    assert parse_money(text) == Money(Decimal(amount), currency)


def test_a_sign_between_two_prices_is_no_decimal_mark() -> None:
    # "19,99 € 24,99 €": the sign ends one price; the next has its own cents.
    assert parse_money("19,99 € 24,99 €") == Money(Decimal("19.99"), "EUR")


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [("KSh3,450.00", "3450.00", "KES"), ("Ksh 3,450", "3450", "KES"), ("USh 85,000", "85000", "UGX"),
     ("TSh 12,000", "12000", "TZS")],
)  # fmt: skip
def test_letter_symbols_in_the_shops_capitals(text: str, amount: str, currency: str) -> None:
    assert parse_money(text) == Money(Decimal(amount), currency)
