"""The deal verdict in the window's words (translated): its badge, its colour, its reason, its evidence.

:mod:`pricewatch.deals` works the verdict out and words it in English for the CLI and the API; the window
words it again from the same facts so a translation covers it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor

from pricewatch.deals import GENUINE, INFLATED, INVENTED, NOT_ENOUGH, OMNIBUS_DAYS, Deal, DiscountCheck
from pricewatch.gui.widgets import formatting as fmt
from pricewatch.gui.widgets.deal_counts import deal_counts
from pricewatch.models import Product
from pricewatch.units import UnitPrice, listing_quantity, unit_price

FAKE_COLOUR = QColor(207, 34, 46)
LOW_COLOUR = QColor(46, 160, 67)
QUIET_COLOUR = QColor(128, 128, 128)
HIGH_COLOUR = QColor(154, 103, 0)


def badge(deal: Deal) -> str:
    """A few words for the list's Deal column ("" when there is nothing to say)."""
    kind = deal.kind
    if kind == "invented_discount":
        return QCoreApplication.translate("Deal", "Invented was-price")
    if kind == "fake_discount":
        return QCoreApplication.translate("Deal", "Fake discount")
    if kind == "all_time_low":
        return QCoreApplication.translate("Deal", "All-time low")
    if kind == "lowest_in_days":
        days = deal.lowest_in_days or 0
        return deal_counts().lowest_badge(days)
    if kind == "high":
        return QCoreApplication.translate("Deal", "Above usual")
    if kind == "not_enough_history":
        return QCoreApplication.translate("Deal", "Not enough history")
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
    per = {
        "kg": QCoreApplication.translate("Deal", "per kg"),
        "L": QCoreApplication.translate("Deal", "per L"),
        "piece": QCoreApplication.translate("Deal", "per piece"),
    }[unit.unit]
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
        return QCoreApplication.translate("Deal", "No price known yet.")
    watched, lowest = deal.watched_days, deal.lowest_in_days or 0
    if deal.kind == "not_enough_history":
        text = deal_counts().watched_too_short(watched)
    elif deal.kind == "all_time_low":
        text = deal_counts().lowest_while_watched(watched)
    elif deal.kind == "lowest_in_days":
        text = deal_counts().no_lower_in(lowest)
    elif deal.distinct > 1 and deal.percentile is not None:
        text = QCoreApplication.translate("Deal", "The price was higher than now %1% of the time watched.")
        text = text.replace("%1", str(deal.percentile))
    else:
        text = QCoreApplication.translate("Deal", "The same price all along.")
    return text if check is None else f"{text} {discount_reason(check, currency)}"


def discount_reason(check: DiscountCheck, currency: str | None) -> str:
    """The was-price check in a sentence (%1 the was-price, %2 the low, %3 and %4 dates)."""
    was = fmt.money(check.was_price, currency)
    low = fmt.money(check.low, currency)
    if check.status == INVENTED:
        since = fmt.local_time(check.window[0].start) if check.window else fmt.DASH
        text = QCoreApplication.translate(
            "Deal", "The was-price %1 is invented: PriceWatch never saw it (watching since %2)."
        )
        return text.replace("%1", was).replace("%2", since)
    if check.status == INFLATED:
        text = QCoreApplication.translate(
            "Deal",
            "The was-price %1 is above %2, the lowest price of the 30 days before the cut on %3 (seen %4).",
        )
        reduced = fmt.local_time(check.reduced_at) if check.reduced_at else fmt.DASH
        seen = fmt.local_time(check.low_at) if check.low_at else fmt.DASH  # when the low was in effect
        return text.replace("%1", was).replace("%2", low).replace("%3", reduced).replace("%4", seen)
    if check.status == GENUINE:
        text = QCoreApplication.translate(
            "Deal", "The was-price %1 was the lowest price in the 30 days before the reduction."
        )
        return text.replace("%1", was)
    assert check.status == NOT_ENOUGH
    text = deal_counts().too_little_history(OMNIBUS_DAYS)
    return text.replace("%1", was)


def evidence(deal: Deal, currency: str | None) -> list[str]:
    """The facts behind the verdict, one line each: the rank, and the prices of the window looked at."""
    lines: list[str] = []
    if deal.rank is not None:
        text = QCoreApplication.translate("Deal", "Rank %1 of %2 prices seen; lowest %3, highest %4.")
        lines.append(
            text.replace("%1", str(deal.rank)).replace("%2", str(deal.distinct))
            .replace("%3", fmt.money(deal.low, currency)).replace("%4", fmt.money(deal.high, currency))
        )  # fmt: skip
    check = deal.discount
    if check is not None:
        text = QCoreApplication.translate("Deal", "Prices from %1 to %2:")
        start, end = fmt.local_time(check.window_start), fmt.local_time(check.window_end)
        lines.append(text.replace("%1", start).replace("%2", end))
        for span in check.window:
            shown = f"{fmt.local_time(span.start)} {fmt.DASH} {fmt.local_time(span.end)}"
            lines.append(f"  {shown}   {fmt.money(span.price, currency)}")
    return lines
