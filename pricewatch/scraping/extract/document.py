"""Parsing a page once with lxml and reading the context every stage shares (language, region, key elements).

Speed matters here: parsing is most of the cost of an extraction. UTF-8 and ASCII bytes (nearly every shop)
go to libxml2 as they are, without a Python decode; the plain ``etree`` element class (not ``lxml.html``'s
Python-level class lookup) keeps every element access cheap; and one filtered pass over the tree collects the
few tags the stages need (scripts, meta tags, headings, buttons) so no stage walks the whole tree again.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

from lxml import etree

from pricewatch.scraping.charset import declared_encoding, sniff_encoding
from pricewatch.scraping.money import MoneyContext

Element = etree._Element
MAX_HTML_BYTES = 20_000_000  # beyond this a "page" is not a product page; refuse rather than stall
_WORD = re.compile(r"\w{3,}")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.IGNORECASE)
# Country-code top-level domains that are not countries for our purpose.
_GENERIC_TLDS = frozenset({"com", "net", "org", "shop", "store", "io", "co", "eu", "info", "biz"})
_SECOND_LEVELS = frozenset({"com", "net", "org", "gov", "edu"})
INDEXED_TAGS = ("script", "meta", "h1", "button", "input", "form", "title", "link")
CONTROLS = frozenset({"button", "input", "form"})  # also indexed together, in document order, as "controls"
_parsers = threading.local()  # lxml parsers must not be shared between threads


def _parser(encoding: str | None) -> etree.HTMLParser:
    cache: dict[str | None, etree.HTMLParser] | None = getattr(_parsers, "cache", None)
    if cache is None:
        cache = _parsers.cache = {}
    parser = cache.get(encoding)
    if parser is None:
        parser = cache[encoding] = etree.HTMLParser(encoding=encoding, collect_ids=False, no_network=True)
    return parser


@dataclass(slots=True)
class Page:
    """A parsed page: the lxml root, what it says about itself and its key elements by tag."""

    root: Element
    url: str | None = None
    lang: str | None = None
    money: MoneyContext = field(default_factory=MoneyContext)
    tags: dict[str, list[Element]] = field(default_factory=dict)
    order: dict[Element, int] = field(default_factory=dict)  # document order of the indexed elements

    def all(self, tag: str) -> list[Element]:
        """Every element with ``tag`` (one of INDEXED_TAGS, or "controls"), in document order."""
        return self.tags.get(tag, [])

    def absolute(self, link: str | None) -> str | None:
        """``link`` made absolute against the page URL (or left as is); None for empty or non-web links."""
        if not link or not isinstance(link, str):
            return None
        link = link.strip()
        if not link or link.startswith(("data:", "javascript:")) or len(link) > 4096:
            return None
        if self.url:
            try:
                link = urljoin(self.url, link)
            except ValueError:
                return None
        return link


def text_of(el: Element) -> str:
    """The text of an element and its descendants (comments excluded)."""
    return "".join(t for t in el.itertext() if isinstance(t, str))


def elements(found: object) -> list[Element]:
    """The elements among an XPath or CSS selector result (which may also hold strings or numbers)."""
    return [el for el in found if isinstance(el, etree._Element)] if isinstance(found, list) else []


def text_start(el: Element, limit: int) -> str:
    """About the first ``limit`` characters of :func:`text_of`, without reading a big element to its end."""
    parts: list[str] = []
    size = 0
    for text in el.itertext():
        if not isinstance(text, str):
            continue
        parts.append(text)
        size += len(text)
        if size >= limit:
            break
    return "".join(parts)[:limit]


def parse(html: bytes | str, url: str | None = None, encoding: str | None = None) -> tuple[Page | None, str]:
    """Parse a page; returns (page, "") or (None, reason) for documents that are empty or unreadable."""
    if isinstance(html, bytearray | memoryview):
        html = bytes(html)
    if not isinstance(html, bytes | str):
        return None, f"not a document: {type(html).__name__}"
    if len(html) > MAX_HTML_BYTES:
        return None, f"the document is too large ({len(html)} bytes)"
    if not html or html.isspace():
        return None, "the document is empty"
    try:
        root = _parse_tree(html, encoding)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError, LookupError) as exc:
        return None, f"the document could not be parsed as HTML: {exc}"
    if root is None:
        return None, "the document is empty"
    page = Page(root=root, url=url)
    for position, el in enumerate(root.iter(*INDEXED_TAGS)):
        page.order[el] = position
        tag = str(el.tag)
        page.tags.setdefault(tag, []).append(el)
        if tag in CONTROLS:
            page.tags.setdefault("controls", []).append(el)
    page.lang = _lang(page)
    # Without the address it was fetched from, the page's own canonical address tells its country (".com.ar").
    page.money = MoneyContext(lang=page.lang, region=_region(page.lang, url or _own_url(page)))
    return page, ""


def _parse_tree(html: bytes | str, encoding: str | None) -> Element | None:
    if isinstance(html, bytes):
        codec = _fast_codec(html, encoding) or sniff_encoding(html, encoding)
        if codec in ("utf-8", "ascii"):
            return etree.fromstring(html, _parser("utf-8"))
        if codec == "utf-8-sig":
            return etree.fromstring(html[3:], _parser("utf-8"))
        html = html.decode(codec, errors="replace")
    if html[:100].lstrip()[:5].lower() == "<?xml":
        html = _XML_DECL.sub("", html, count=1)  # lxml refuses text that declares an encoding
    return etree.fromstring(html, _parser(None))


def _fast_codec(html: bytes, encoding: str | None) -> str | None:
    """ "utf-8" when the bytes are ASCII or say they are UTF-8 (in the header or the page) and no BOM says
    otherwise, without the full decode that validating them costs (about 1 ms on a big page): libxml2 reads
    the odd invalid byte as U+FFFD. None leaves the decision to :func:`sniff_encoding`."""
    if html.startswith((b"\xff\xfe", b"\xfe\xff", b"\xef\xbb\xbf")):
        return None
    if html.isascii():
        return "utf-8"
    said = encoding or declared_encoding(html)
    return "utf-8" if said and said.replace("_", "-").lower() in ("utf-8", "utf8") else None


def _lang(page: Page) -> str | None:
    root = page.root
    value = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not value:
        for meta in page.all("meta"):
            if (
                str(meta.get("http-equiv", "")).lower() == "content-language"
                or meta.get("property") == "og:locale"
            ):
                value = meta.get("content")
                if value:
                    break
    value = (value or "").strip().replace("_", "-").lower()
    return value[:20] or None


def heading(page: Page, usable: Callable[[Element], bool] = lambda el: True) -> Element | None:
    """The page's product heading: among its h1 elements with text, the one sharing most words with the
    <title> or og:title (shops use h1 for badges and section names too), else the first."""
    found = [h1 for h1 in page.all("h1")[:20] if text_start(h1, 200).strip() and usable(h1)]
    if len(found) < 2:
        return found[0] if found else None
    titles = [text_start(t, 300) for t in page.all("title")[:1]]
    titles += [str(m.get("content", "")) for m in page.all("meta") if m.get("property") == "og:title"][:1]
    wanted = set(_WORD.findall(" ".join(titles).lower()))
    if not wanted:
        return found[0]
    return max(found, key=lambda h1: len(set(_WORD.findall(text_start(h1, 200).lower())) & wanted))


def _own_url(page: Page) -> str | None:
    """The page's own absolute address from its canonical link or og:url, if it gives one."""
    found = [
        str(link.get("href", ""))
        for link in page.all("link")
        if str(link.get("rel", "")).lower() == "canonical"
    ]
    found += [str(meta.get("content", "")) for meta in page.all("meta") if meta.get("property") == "og:url"]
    return next((u for u in found if u.startswith(("http://", "https://"))), None)


def _region(lang: str | None, url: str | None) -> str | None:
    """The page's country: from the URL's country-code domain, else from the language's region."""
    if url:
        try:
            host = urlsplit(url).hostname or ""
        except ValueError:
            host = ""
        labels = host.split(".")
        tld = labels[-1] if len(labels) > 1 else ""
        # ".co" is Colombia's domain, used worldwide; "tienda.com.co" under its generic second levels is
        # Colombia's own.
        generic = tld in _GENERIC_TLDS and not (
            tld == "co" and len(labels) > 2 and labels[-2] in _SECOND_LEVELS
        )
        if len(tld) == 2 and not generic:
            return "gb" if tld == "uk" else tld
    if lang and "-" in lang:
        # "zh-hant-tw": the region is the two-letter subtag, after any script subtag.
        return next((p for p in lang.split("-")[1:] if len(p) == 2 and p.isalpha()), None)
    return None
