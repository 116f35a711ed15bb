"""Notification text: the shared cleaner (:func:`pricewatch.text.clean_text`) with a notification's limits.

The result is plain text; a channel that speaks markup (the desktop notification spec allows a subset of HTML
in the body) escapes it with :func:`escape_markup` on its own way out.
"""

from __future__ import annotations

import html

from pricewatch.text import clean_text

TITLE_MAX = 120
MESSAGE_MAX = 600
NAME_MAX = 80


def clean_title(value: object) -> str:
    return clean_text(value, TITLE_MAX)


def clean_message(value: object) -> str:
    return clean_text(value, MESSAGE_MAX, multiline=True)


def escape_markup(text: str) -> str:
    """Escape ``& < >`` for a receiver that parses the body as markup (the desktop notification spec)."""
    return html.escape(text, quote=False)
