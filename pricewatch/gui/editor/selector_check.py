"""Checking the user's CSS price selector as it is typed, with the same parser the extraction uses."""

from __future__ import annotations

from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector
from PySide6.QtCore import QCoreApplication


def selector_problem(selector: str) -> str | None:
    """Why ``selector`` cannot be used ("Not a valid CSS selector: ..."), or None when it can (or is empty).

    The extraction compiles it exactly like this (lxml's CSSSelector with the html translator); a selector it
    cannot compile would be saved and then silently ignored at every check.
    """
    text = selector.strip()
    if not text:
        return None
    try:
        CSSSelector(text, translator="html")
    except (SelectorError, ValueError, TypeError, etree.XPathError) as exc:
        detail = " ".join(str(exc).split())[:160]
        if detail:
            return QCoreApplication.translate("SelectorCheck", "Not a valid CSS selector: {detail}").format(
                detail=detail
            )
        return QCoreApplication.translate("SelectorCheck", "Not a valid CSS selector.")
    return None
