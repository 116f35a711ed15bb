"""Untrusted text (scraped titles, shop names, server messages) made safe to show, log or print.

One cleaner for every way in and out: extraction cleans a page's title/name/brand with it, and notifications,
the terminal and the window clean again on the way out (a title stored before this cleaner, or typed by hand,
is not trusted either). Terminal escape sequences are removed whole, not just their ESC: "Evil\\x1b[31m title"
becomes "Evil title", never "Evil [31m title". Qt-free and dependency-free.
"""

from __future__ import annotations

import html
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
    if text.isprintable():
        # Escapes, controls, line breaks and the invisible characters are all unprintable: nothing to do
        # (the common case; the character loop below is a good part of reading a page's structured data).
        return text
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


# A tag, a comment or a declaration ("<b>", "</b >", "<!-- -->", "<?xml>"), or the empty "<>" left when tags
# nest ("<<b>>"); not "< 6 >" in running text.
_TAG = re.compile(r"<\s*/?\s*(?:[A-Za-z!?][^<>]{0,2000})?>")
_SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_text(value: object, max_length: int | None = None, *, multiline: bool = False) -> str:
    """Plain, printable text from text that may carry markup (a notification, a server's message).

    Entities are decoded first and markup stripped after, repeatedly, so "&amp;lt;b&amp;gt;" and "<<b>>"
    leave no tag either; a "<" that starts no tag ("5 < 6") stays text. Then as :func:`clean_line`, keeping
    line breaks with ``multiline``; at most ``max_length`` characters (an ellipsis marks a cut).
    """
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
