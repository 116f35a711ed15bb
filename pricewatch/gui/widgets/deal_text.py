"""The deal verdict in the window's words (translated): its badge, its colour, its reason, its evidence.

:mod:`pricewatch.deals` works the verdict out and words it in English for the CLI and the API; the window
words it again from the same facts so a translation covers it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from pricewatch.deals import GENUINE, INFLATED, INVENTED, NOT_ENOUGH, OMNIBUS_DAYS, Deal, DiscountCheck
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import Product
from pricewatch.units import UnitPrice, listing_quantity, unit_price

FAKE_COLOUR = QColor(207, 34, 46)
LOW_COLOUR = QColor(46, 160, 67)
QUIET_COLOUR = QColor(128, 128, 128)
HIGH_COLOUR = QColor(154, 103, 0)


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("Deal", text, None, n)


def badge(deal: Deal) -> str:
    """A few words for the list's Deal column ("" when there is nothing to say)."""
    kind = deal.kind
    if kind == "invented_discount":
        return _tr("Invented was-price")
    if kind == "fake_discount":
        return _tr("Fake discount")
    if kind == "all_time_low":
        return _tr("All-time low")
    if kind == "lowest_in_days":
        return _tr("Lowest in %n days", deal.lowest_in_days or 0)
    if kind == "high":
        return _tr("Above usual")
    if kind == "not_enough_history":
        return _tr("Not enough history")
    return ""


def colour(deal: Deal) -> QColor | None:
    if deal.kind in ("invented_discount", "fake_discount"):
        return FAKE_COLOUR
    if deal.kind in ("all_time_low", "lowest_in_days"):
        return LOW_COLOUR
    if deal.kind == "high":
        return HIGH_COLOUR
    return QUIET_COLOUR if deal.kind == "not_enough_history" else None


def unit_text(unit: UnitPrice, currency: str | None) -> str:
    """ "€25.98 per kg · 500 g" """
    per = {"kg": _tr("per kg"), "L": _tr("per L"), "piece": _tr("per piece")}[unit.unit]
    return f"{fmt.money(unit.amount, currency)} {per} · {unit.quantity.text()}"


def unit_line(product: Product) -> str:
    """The price per unit as a tooltip's second line ("" when the quantity is not known)."""
    unit = unit_price(product.price, listing_quantity(product.quantity, product.title))
    return "" if unit is None else "\n" + unit_text(unit, product.currency)


def reason(deal: Deal, currency: str | None) -> str:
    """Why the badge says what it says, in a sentence or two."""
    check = deal.discount
    if check is not None and check.flagged:
        return discount_reason(check, currency)
    if deal.kind == "unknown":
        return _tr("No price known yet.")
    if deal.kind == "not_enough_history":
        text = _tr(
            "PriceWatch has watched this product for %n day(s); a verdict needs 30.", deal.watched_days
        )
    elif deal.kind == "all_time_low":
        text = _tr("The lowest price in %n day(s) of watching.", deal.watched_days)
    elif deal.kind == "lowest_in_days":
        text = _tr("No lower price in the last %n day(s).", deal.lowest_in_days or 0)
    elif deal.distinct > 1 and deal.percentile is not None:
        text = _tr("The price was higher than now %1% of the time watched.").replace(
            "%1", str(deal.percentile)
        )
    else:
        text = _tr("The same price all along.")
    return text if check is None else f"{text} {discount_reason(check, currency)}"


def discount_reason(check: DiscountCheck, currency: str | None) -> str:
    was = fmt.money(check.was_price, currency)
    low = fmt.money(check.low, currency)
    reduced = fmt.local_time(check.reduced_at) if check.reduced_at else None
    if check.status == INVENTED:
        start = fmt.local_time(check.window[0].start) if check.window else "?"
        return _tr("The was-price %1 is invented: PriceWatch never saw it (watching since %2).").replace(
            "%1", was
        ).replace("%2", start)  # fmt: skip
    if check.status == INFLATED:
        seen = fmt.local_time(check.low_at) if check.low_at else "?"
        if reduced:
            text = _tr("The was-price %1 is higher than %2, the lowest price in the 30 days "
                       "before the reduction on %3 (seen on %4).")  # fmt: skip
        else:
            text = _tr("The was-price %1 is higher than %2, the lowest price in the last "
                       "30 days%3 (seen on %4).")  # fmt: skip
        return text.replace("%1", was).replace("%2", low).replace("%3", reduced or "").replace("%4", seen)
    if check.status == GENUINE:
        return _tr("The was-price %1 was the lowest price in the 30 days before the reduction.").replace(
            "%1", was
        )
    assert check.status == NOT_ENOUGH
    return _tr("Not enough history to check the was-price %1: the rule looks at the %n days before the "
               "reduction.", OMNIBUS_DAYS).replace("%1", was)  # fmt: skip


def evidence(deal: Deal, currency: str | None) -> list[str]:
    """The facts behind the verdict, one line each: the rank, and the prices of the window looked at."""
    lines: list[str] = []
    if deal.rank is not None:
        lines.append(
            _tr("Rank %1 of %2 prices seen; lowest %3, highest %4.")
            .replace("%1", str(deal.rank)).replace("%2", str(deal.distinct))
            .replace("%3", fmt.money(deal.low, currency)).replace("%4", fmt.money(deal.high, currency))
        )  # fmt: skip
    check = deal.discount
    if check is not None:
        lines.append(
            _tr("Prices from %1 to %2:")
            .replace("%1", fmt.local_time(check.window_start)).replace("%2", fmt.local_time(check.window_end))
        )  # fmt: skip
        for span in check.window:
            shown = f"{fmt.local_time(span.start)} {fmt.DASH} {fmt.local_time(span.end)}"
            lines.append(f"  {shown}   {fmt.money(span.price, currency)}")
    return lines
