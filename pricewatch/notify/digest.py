"""Folding many notifications into one: after quiet hours, and for a large batch."""

from __future__ import annotations

from collections.abc import Sequence

from pricewatch.notify.sanitize import clean_message, clean_title
from pricewatch.text import clean_text
from pricewatch.translation import translate

DIGEST_THRESHOLD = 3  # a batch of more than this many becomes one digest per channel
MAX_LINES = 12
LINE_MAX = 140
DIGEST_MAX = 2000


def digest_text(items: Sequence[tuple[str, str]], *, reason: str = "") -> tuple[str, str]:
    """Title and message for ``(title, message)`` pairs: one line per item, the overflow counted."""
    if not items:
        raise ValueError("an empty digest")
    if len(items) == 1:
        return clean_title(items[0][0]), clean_message(items[0][1])
    title = translate("Notifications", "PriceWatch: {count} notifications").format(count=len(items))
    title += f" {reason}" if reason else ""
    lines = []
    for item_title, item_message in items[:MAX_LINES]:
        first = item_message.strip().splitlines()[0] if item_message.strip() else ""
        lines.append(clean_text(f"• {item_title}: {first}" if first else f"• {item_title}", LINE_MAX))
    if len(items) > MAX_LINES:
        more = translate("Notifications", "… and {count} more (see the notification log)")
        lines.append(more.format(count=len(items) - MAX_LINES))
    return clean_title(title), clean_text("\n".join(lines), DIGEST_MAX, multiline=True)
