"""Untrusted text (scraped titles, shop names, server messages) made safe to show, log or print.

One cleaner for every way in and out: extraction cleans a page's title/name/brand with it, and notifications,
the terminal and the window clean again on the way out (a title stored before this cleaner, or typed by hand,
is not trusted either). Terminal escape sequences are removed whole, not just their ESC: "Evil\\x1b[31m title"
becomes "Evil title", never "Evil [31m title". Qt-free and dependency-free.
"""

from __future__ import annotations

import re
import unicodedata

# Terminal escape sequences (ECMA-48), in 7-bit (ESC ...) and 8-bit (C1) form:
_ESCAPES = re.compile(
    r"""
      (?:\x1b\[|\x9b) [\x30-\x3f]* [\x20-\x2f]* [\x40-\x7e]?              # CSI: params, intermediates, final
    | (?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f]) [^\x00-\x1f\x7f-\x9f]*      # OSC, DCS, SOS, PM, APC: a string
      (?:\x07|\x1b\\|\x9c)?                                               #   ended by BEL or ST
    | \x1b [\x20-\x2f]* [\x30-\x7e]?                                      # any other ESC sequence ("ESC ( B")
    """,
    re.VERBOSE,
)
# Bidi controls can make a title read backwards ("gpj.exe"); zero-width characters hide text.
INVISIBLE = frozenset(
    "\u061c\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff"
)
_DROPPED_CATEGORIES = frozenset(
    {"Cc", "Cs", "Co", "Cn"}
)  # controls, lone surrogates, private use, unassigned
_LINE_BREAKS = "\n\r\t\v\f\x1c\x1d\x1e\x85\u2028\u2029"
ELLIPSIS = "…"


def strip_escapes(text: str) -> str:
    """Remove terminal escape sequences whole (what a terminal would have interpreted instead of showing)."""
    return _ESCAPES.sub("", text)


def strip_controls(text: str, *, keep_newlines: bool = False) -> str:
    """Escape sequences removed whole, then control, bidi and zero-width characters; line breaks and tabs
    become spaces (``\\n`` is kept when ``keep_newlines``)."""
    out: list[str] = []
    for ch in strip_escapes(text.replace("\r\n", "\n")):
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch in _LINE_BREAKS:
            out.append(" ")
        elif ch in INVISIBLE or unicodedata.category(ch) in _DROPPED_CATEGORIES:
            continue
        else:
            out.append(ch)
    return "".join(out)


def cap(text: str, limit: int | None) -> str:
    """At most ``limit`` characters; an ellipsis marks a cut."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)].rstrip() + ELLIPSIS if limit > 0 else ""


def clean_line(value: object, limit: int | None = None) -> str:
    """One printable line: escapes and controls removed, NFC, runs of whitespace one space, capped."""
    if value is None:
        return ""
    text = unicodedata.normalize("NFC", strip_controls(str(value)))
    return cap(" ".join(text.split()), limit)
