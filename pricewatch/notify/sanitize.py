"""Untrusted text (scraped titles, shop names) made safe to show in a notification.

Markup is stripped, terminal escape sequences, control and bidi-override characters removed (by the shared
:mod:`pricewatch.text` cleaner), whitespace collapsed and the length capped.
The result is plain text; a channel that speaks markup (the desktop notification spec allows a subset of HTML
in the body) escapes it with :func:`escape_markup` on its own way out.
"""

from __future__ import annotations

import html
import re
import unicodedata

from pricewatch.text import cap, strip_controls

TITLE_MAX = 120
MESSAGE_MAX = 600
NAME_MAX = 80

_TAG = re.compile(r"<[^<>]{0,2000}>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(value: object, max_length: int = MESSAGE_MAX, *, multiline: bool = False) -> str:
    """Plain, printable text of at most ``max_length`` characters (an ellipsis marks a cut)."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n")
    text = _SCRIPT.sub(" ", text)
    for _ in range(10):  # "<<b>>" leaves "< >" after one pass: repeat until no tag is left
        text, count = _TAG.subn(" ", text)
        if not count:
            break
    text = html.unescape(text)  # entities decoded after the tags are gone, so "&lt;b&gt;" stays visible text
    text = strip_controls(text, keep_newlines=multiline)  # after unescape: "&#27;[31m" is an escape too
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text)
    if multiline:
        text = "\n".join(line.strip() for line in text.split("\n"))
        text = _BLANK_LINES.sub("\n\n", text).strip()
    else:
        text = text.strip()
    return cap(text, max_length)


def clean_title(value: object) -> str:
    return clean_text(value, TITLE_MAX)


def clean_message(value: object) -> str:
    return clean_text(value, MESSAGE_MAX, multiline=True)


def escape_markup(text: str) -> str:
    """Escape ``& < >`` for a receiver that parses the body as markup (the desktop notification spec)."""
    return html.escape(text, quote=False)
