"""Quantities read from titles and structured data, and prices per kg, L or piece."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pricewatch.units import (
    COUNT,
    MASS,
    VOLUME,
    Quantity,
    comparable,
    parse_quantity,
    quantity_from_structured,
    unit_price,
)


@pytest.mark.parametrize(
    ("title", "dimension", "total", "packs"),
    [
        ("Kaffee Bohnen 500 g", MASS, "500", 1),
        ("Nutella 2 kg", MASS, "2000", 1),
        ("Zucker 1,5kg", MASS, "1500", 1),
        ("Mehl Type 405 1.000 g", MASS, "1000", 1),
        ("Safran 250 mg", MASS, "0.25", 1),
        ("Coca-Cola 6 x 1.5 L", VOLUME, "9000", 6),
        ("Cola 6x1,5L", VOLUME, "9000", 6),
        ("Red Bull 4x250ml", VOLUME, "1000", 4),
        ("Bier 12 \N{MULTIPLICATION SIGN} 330 ml Dose", VOLUME, "3960", 12),
        ("Wasser 0,5 L x 6", VOLUME, "3000", 6),
        ("Cola 330 ml, pack of 6", VOLUME, "1980", 6),
        ("Süt 1 lt", VOLUME, "1000", 1),
        ("Espresso 70 cl", VOLUME, "700", 1),
        ("Steak 16 oz", MASS, "453.59237", 1),
        ("Rice 2 lb bag", MASS, "907.18474", 1),
        ("Shampoo 12 fl oz", VOLUME, "354.882354750", 1),
        ("Shampoo 12 fl. oz.", VOLUME, "354.882354750", 1),
        ("AA batteries, pack of 10", COUNT, "10", 1),
        ("Eier 10 Stück", COUNT, "10", 1),
        ("Kurşun kalem 12 adet", COUNT, "12", 1),
        ("Cable ties 100 pcs", COUNT, "100", 1),
        ("Vitamin C 500 mg, 60 tablets", COUNT, "60", 1),
        ("Dishwasher tabs 40 count 720 g", MASS, "720", 1),
    ],
)
def test_quantities_in_titles(title: str, dimension: str, total: str, packs: int) -> None:
    quantity = parse_quantity(title)
    assert quantity is not None, title
    assert (quantity.dimension, quantity.total, quantity.packs) == (dimension, Decimal(total), packs)


@pytest.mark.parametrize(
    "title",
    [
        "Apple iPhone 15 Pro 256 GB Natural Titanium",
        "SanDisk USB 3.0 Stick 64GB",
        "Samsung Galaxy S23 5G 128GB",
        "Sony WH-1000XM5",
        'LG OLED 55" 4K TV',
        "Model X100 L",
        "Nike Air Max 90 size 42",
        "",
        None,
    ],
)
def test_no_quantity_in_model_numbers(title: str | None) -> None:
    assert parse_quantity(title) is None


def test_a_unit_price_the_page_prints_is_not_the_size() -> None:
    quantity = parse_quantity("€2.99/100 g - Bergkäse 250 g")
    assert quantity is not None and quantity.total == 250


def test_price_per_kg_litre_and_piece() -> None:
    per_litre = unit_price(Decimal("9.99"), parse_quantity("Cola 6 x 1.5 L"))
    assert per_litre is not None and (per_litre.amount, per_litre.unit) == (Decimal("1.1100"), "L")
    per_kg = unit_price(Decimal("4.49"), parse_quantity("Kaffee 500 g"))
    assert per_kg is not None and (per_kg.amount, per_kg.unit) == (Decimal("8.9800"), "kg")
    per_piece = unit_price(Decimal("3.00"), parse_quantity("pack of 12"))
    assert per_piece is not None and (per_piece.amount, per_piece.unit) == (Decimal("0.2500"), "piece")
    assert per_litre.to_json() == {
        "amount": "1.1100",
        "unit": "L",
        "quantity": "6 \N{MULTIPLICATION SIGN} 1.5 L",
    }


def test_no_unit_price_without_price_or_quantity() -> None:
    assert unit_price(None, parse_quantity("500 g")) is None
    assert unit_price(Decimal(1), None) is None
    assert unit_price(Decimal(1), Quantity(MASS, Decimal(0))) is None


def test_only_the_same_unit_compares() -> None:
    a = unit_price(Decimal(2), parse_quantity("1 kg"))
    b = unit_price(Decimal(3), parse_quantity("750 g"))
    c = unit_price(Decimal(3), parse_quantity("1 L"))
    assert comparable(a, b) and not comparable(a, c) and not comparable(a, None)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"@type": "QuantitativeValue", "value": 500, "unitCode": "GRM"}, "500 g"),
        ({"@type": "QuantitativeValue", "value": "1.5", "unitCode": "LTR"}, "1.5 l"),
        ({"value": 12, "unitText": "fl oz"}, "12 fl oz"),
        ("6 x 330 ml", "6 x 330 ml"),
        ([{"value": 2, "unitCode": "KGM"}], "2 kg"),
        ({"value": 256, "unitCode": "4L"}, None),  # megabytes: no quantity for a unit price
        ("256 GB", None),
        (True, None),
        ({"value": None, "unitCode": "GRM"}, None),
    ],
)
def test_structured_sizes(value: object, text: str | None) -> None:
    assert quantity_from_structured(value) == text
