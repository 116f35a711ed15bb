"""Parsing a page once with lxml and reading the context every stage shares (language, region, base URL)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import lxml.html
from lxml import etree

from pricewatch.scraping.charset import decode_html
from pricewatch.scraping.money import MoneyContext

MAX_HTML_CHARS = 20_000_000  # beyond this a "page" is not a product page; refuse rather than stall
_BAD_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
# Country-code top-level domains that are not countries for our purpose.
_GENERIC_TLDS = frozenset({"com", "net", "org", "shop", "store", "io", "co", "eu", "info", "biz"})


@dataclass(slots=True)
class Page:
    """A parsed page: the lxml root and what it says about itself."""

    root: lxml.html.HtmlElement
    url: str | None = None
    lang: str | None = None
    money: MoneyContext = field(default_factory=MoneyContext)

    def absolute(self, link: str | None) -> str | None:
        """``link`` made absolute against the page URL (or left as is); None for empty or non-web links."""
        if not link or not isinstance(link, str):
            return None
        link = link.strip()
        if link.startswith("data:") or len(link) > 4096:
            return None
        if self.url:
            try:
                link = urljoin(self.url, link)
            except ValueError:
                return None
        return link


def to_text(html: bytes | str, encoding: str | None = None) -> str:
    """Page text from bytes or text; never raises."""
    if isinstance(html, bytes | bytearray | memoryview):
        return decode_html(bytes(html), encoding)
    return html if isinstance(html, str) else ""


def parse(html: bytes | str, url: str | None = None, encoding: str | None = None) -> tuple[Page | None, str]:
    """Parse a page; returns (page, "") or (None, reason) for documents that are empty or unreadable."""
    text = to_text(html, encoding)
    if len(text) > MAX_HTML_CHARS:
        return None, f"the document is too large ({len(text)} characters)"
    text = _XML_DECL.sub("", text, count=1)
    text = _BAD_CHARS.sub(" ", text)
    if not text.strip():
        return None, "the document is empty"
    try:
        root = lxml.html.document_fromstring(text)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
        return None, f"the document could not be parsed as HTML: {exc}"
    if root is None or not isinstance(root, lxml.html.HtmlElement):
        return None, "the document could not be parsed as HTML"
    lang = _lang(root)
    page = Page(root=root, url=url, lang=lang)
    page.money = MoneyContext(lang=lang, region=_region(lang, url))
    return page, ""


def _lang(root: lxml.html.HtmlElement) -> str | None:
    value = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not value:
        metas = root.xpath("//meta[@http-equiv][@content]")
        for meta in metas:
            if str(meta.get("http-equiv", "")).lower() == "content-language":
                value = meta.get("content")
                break
    if not value:
        for meta in root.xpath("//meta[@property='og:locale'][@content]"):
            value = meta.get("content")
            break
    value = (value or "").strip().replace("_", "-").lower()
    return value[:20] or None


def _region(lang: str | None, url: str | None) -> str | None:
    """The page's country: from the URL's country-code domain, else from the language's region."""
    if url:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        tld = host.rsplit(".", 1)[-1] if "." in host else ""
        if len(tld) == 2 and tld not in _GENERIC_TLDS:
            return "gb" if tld == "uk" else tld
    if lang and "-" in lang:
        return lang.split("-", 1)[1][:2]
    return None
