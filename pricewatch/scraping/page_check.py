"""Does a page as served to a plain client need a browser? Bot checks, empty script shells, script prices.

Pure functions over the HTML text (no I/O), so the fetch-mode chooser and its tests share one judgement.
The marks are the ones the common bot walls put in their challenge pages; they are looked for in the first
part of the page only, where those pages carry them, so a product page that mentions "captcha" in a review
far down is not taken for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import cast

import lxml.html
from lxml import etree

# Challenge pages are small; their marks sit near the top.
_HEAD_CHARS = 100_000
# A page with less visible text than this (scripts and styles not counted) shows nothing to a shopper.
_SHELL_TEXT_CHARS = 200

# (name, clues, mark): the mark decides; the clues are plain strings of which any match of the mark contains
# one, looked for first (``in`` scans 100 KB in microseconds, the marks' alternations took milliseconds on the
# interpreter lock for every page a check read).
_BOT_MARKS: tuple[tuple[str, tuple[str, ...], re.Pattern[str]], ...] = (
    (
        "Cloudflare",
        ("cf-browser-verification", "challenge-platform", "cf_chl_", "just a moment..."),
        re.compile(r"cf-browser-verification|challenge-platform|cf_chl_|just a moment\.\.\."),
    ),
    ("DataDome", ("captcha-delivery.com", "datadome"), re.compile(r"captcha-delivery\.com|datadome")),
    ("PerimeterX", ("px-captcha", "_pxhd", "perimeterx"), re.compile(r"px-captcha|_pxhd|perimeterx")),
    ("Imperva", ("_incapsula_resource", "incap_ses_"), re.compile(r"_incapsula_resource|incap_ses_")),
    (
        "Akamai",
        ("_abck", "bm-verify", "akamai bot manager"),
        re.compile(r"_abck|bm-verify|akamai bot manager"),
    ),
    (
        "a JavaScript check",
        ("checking your browser", "you are human", "you are a human", "are you a robot"),
        re.compile(r"checking your browser|verify(ing)? you are (a )?human|are you a robot"),
    ),
    (
        "a JavaScript check",
        ("please enable ", "javascript to "),
        re.compile(r"please enable (javascript|cookies)|requires? javascript to (run|work)"),
    ),
)


_NOSCRIPT = re.compile(r"<noscript\b.*?</noscript\s*>", re.S)


@dataclass(frozen=True, slots=True)
class PageCheck:
    """What a plain fetch of a page shows about its need for a browser.

    Attributes:
        bot_check: the wall's name (``Cloudflare``, ``a JavaScript check``, ...) when the page is a challenge.
        empty_shell: the page shows (almost) no text but carries scripts that would fill it.
        has_scripts: the page runs scripts at all (without any, a browser would see the same page).
    """

    bot_check: str | None
    empty_shell: bool
    has_scripts: bool

    def reason(self, has_price: bool) -> str | None:
        """Why a browser should read this page, or None when the plain page will do."""
        if self.bot_check:
            return f"the shop answers plain clients with a bot check ({self.bot_check})"
        if self.empty_shell:
            return "the page is an empty shell that scripts fill in"
        if not has_price and self.has_scripts:
            return "no price in the page as served; its scripts may write it"
        return None


def check_page(html: str) -> PageCheck:
    """Judge ``html`` (untrusted text, any size); never raises."""
    # Ordinary shop pages say "please enable JavaScript" in a <noscript>: that is no wall.
    head = _NOSCRIPT.sub(" ", html[:_HEAD_CHARS].lower())
    bot = next((name for name, clues, mark in _BOT_MARKS if _shows(head, clues, mark)), None)
    text, scripts = _visible_text_and_scripts(html)
    empty = scripts and len(text) < _SHELL_TEXT_CHARS
    return PageCheck(bot_check=bot, empty_shell=empty, has_scripts=scripts)


def _shows(head: str, clues: tuple[str, ...], mark: re.Pattern[str]) -> bool:
    return any(clue in head for clue in clues) and mark.search(head) is not None


def _visible_text_and_scripts(html: str) -> tuple[str, bool]:
    if not html.strip():
        return "", False
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return "", False
    scripts = False
    for script in root.iter("script"):
        kind = (script.get("type") or "").strip().lower()
        if kind in ("", "text/javascript", "module", "application/javascript"):
            scripts = scripts or bool(script.get("src") or (script.text or "").strip())
    for element in list(root.iter("script", "style", "noscript", "template")):
        cast(lxml.html.HtmlElement, element).drop_tree()  # keeps the text after it
    body = root.find("body")
    shown = cast(lxml.html.HtmlElement, body if body is not None else root)
    text = " ".join(shown.text_content().split())
    return text, scripts


NEEDS_BROWSER = "no price, page needs a browser"


def plain_reason(check: PageCheck, has_price: bool) -> str | None:
    """The reason a plain-only fetch gives when a browser would be needed: ``no price, page needs a browser
    (<why>)``, or None when the page does not need one."""
    why = check.reason(has_price)
    if why is None or has_price:
        return None
    return f"{NEEDS_BROWSER} ({why})"
