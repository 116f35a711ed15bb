"""Untrusted text (scraped titles, shop names) made safe to show in a notification.

Entities are decoded first and markup stripped after (repeatedly, so "&amp;lt;b&amp;gt;" and "<<b>>" leave no
tag either), terminal escape sequences, control and bidi-override characters removed (by the shared
:mod:`pricewatch.text` cleaner), whitespace collapsed and the length capped. A "<" that starts no tag
("5 < 6") stays text.
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

# A tag, a comment or a declaration ("<b>", "</b >", "<!-- -->", "<?xml>"), or the empty "<>" left when tags
# nest ("<<b>>"); not "< 6 >" in running text.
_TAG = re.compile(r"<\s*/?\s*(?:[A-Za-z!?][^<>]{0,2000})?>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(value: object, max_length: int = MESSAGE_MAX, *, multiline: bool = False) -> str:
    """Plain, printable text of at most ``max_length`` characters (an ellipsis marks a cut)."""
    text = "" if value is None else str(value)
    text = text.replace("\r\n", "\n")
    for _ in range(10):  # each round may uncover more: "&amp;lt;b&amp;gt;", "<<b>>"
        before = text
        text = html.unescape(text)  # decoded first: "&lt;b&gt;" is a tag for a receiver
        text = strip_controls(text, keep_newlines=multiline)  # "&#27;[31m" is an escape, "<\x00b>" a tag
        text = _TAG.sub(" ", _SCRIPT.sub(" ", text))
        if text == before:
            break
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
