"""Does a page as served to a plain client need a browser? Bot checks, empty script shells, script prices.

Pure functions over the HTML text (no I/O), so the fetch-mode chooser and its tests share one judgement.
The marks are the ones the common bot walls put in their challenge pages; they are looked for in the first
part of the page only, where those pages carry them, so a product page that mentions "captcha" in a review
far down is not taken for one.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass

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
_SCRIPT_TYPES = frozenset({"", "text/javascript", "module", "application/javascript"})
_HIDDEN = frozenset({"script", "style", "noscript", "template"})  # elements whose text no shopper sees
_parsers = threading.local()  # an lxml parser must not be shared between threads


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
    return check_parsed(html, _parse(html))


def check_parsed(html: str, root: etree._Element | None) -> PageCheck:
    """Judge ``html`` whose tree the caller parsed already (the extraction's), sparing a second parse.

    The tree is only read, never changed. ``root`` must come from lxml's HTML parser given ``html`` itself
    (None: the page did not parse); a page opening with an XML declaration is parsed again here, as the
    extraction drops the declaration that lxml refuses in text.
    """
    if root is not None and html[:100].lstrip()[:5].lower() == "<?xml":
        root = _parse(html)
    # Ordinary shop pages say "please enable JavaScript" in a <noscript>: that is no wall.
    head = _NOSCRIPT.sub(" ", html[:_HEAD_CHARS].lower())
    bot = next((name for name, clues, mark in _BOT_MARKS if _shows(head, clues, mark)), None)
    scripts = root is not None and _has_scripts(root)
    empty = scripts and root is not None and not _shows_text(root, _SHELL_TEXT_CHARS)
    return PageCheck(bot_check=bot, empty_shell=empty, has_scripts=scripts)


def _shows(head: str, clues: tuple[str, ...], mark: re.Pattern[str]) -> bool:
    return any(clue in head for clue in clues) and mark.search(head) is not None


def _parse(html: str) -> etree._Element | None:
    """The page's tree as ``lxml.html.document_fromstring`` builds it (plain elements: quicker to walk)."""
    if not html.strip():
        return None
    parser: etree.HTMLParser | None = getattr(_parsers, "parser", None)
    if parser is None:
        parser = _parsers.parser = etree.HTMLParser()
    try:
        return etree.fromstring(html, parser)
    except (etree.ParserError, ValueError):
        return None


def _has_scripts(root: etree._Element) -> bool:
    """Whether the page runs a script of its own (a data block such as JSON-LD is no script)."""
    for script in root.iter("script"):
        if (script.get("type") or "").strip().lower() in _SCRIPT_TYPES and (
            script.get("src") or (script.text or "").strip()
        ):
            return True
    return False


def _shows_text(root: etree._Element, chars: int) -> bool:
    """Whether the body's text as a shopper sees it (scripts, styles, noscript and templates left out, runs of
    white space counted as one space) reaches ``chars`` characters. Stops reading as soon as it does."""
    body = root.find("body")
    pieces: list[str] = []
    read = 0
    look_at = chars  # the raw text is never shorter than its collapsed form: collapse only past this length
    for piece in _shown_text(body if body is not None else root):
        pieces.append(piece)
        read += len(piece)
        if read >= look_at:
            if len(" ".join("".join(pieces).split())) >= chars:
                return True
            look_at = 2 * read  # collapse again only after as much text again: linear in all
    return len(" ".join("".join(pieces).split())) >= chars


def _shown_text(top: etree._Element) -> Iterator[str]:
    """The text nodes under ``top`` in document order, as XPath ``string()`` gives them once the hidden
    elements are dropped (their tails stay); comments give their tails only. No recursion: pages nest deep."""
    if top.text:
        yield top.text
    children = [iter(top)]
    tails: list[str | None] = [None]
    while children:
        child = next(children[-1], None)
        if child is None:
            children.pop()
            tail = tails.pop()
            if tail:
                yield tail
        elif isinstance(child.tag, str) and child.tag not in _HIDDEN:
            if child.text:
                yield child.text
            children.append(iter(child))
            tails.append(child.tail)
        elif child.tail:
            yield child.tail


NEEDS_BROWSER = "no price, page needs a browser"


def plain_reason(check: PageCheck, has_price: bool) -> str | None:
    """The reason a plain-only fetch gives when a browser would be needed: ``no price, page needs a browser
    (<why>)``, or None when the page does not need one."""
    why = check.reason(has_price)
    if why is None or has_price:
        return None
    return f"{NEEDS_BROWSER} ({why})"
