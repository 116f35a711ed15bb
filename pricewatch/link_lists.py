"""Addresses from files people have: a plain list (one per line, other text around them) or a browser's
bookmarks export (the Netscape bookmark HTML of Firefox and Chrome).

Each entry keeps what was written, so a refused one can be reported as the user wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlsplit, urlunsplit

from pricewatch.errors import InvalidURLError
from pricewatch.text import clean_line
from pricewatch.urls import find_url, validate_url

MAX_ENTRIES = 10_000
_OTHER_SCHEME = re.compile(r"(?!https?:)[a-z][a-z0-9+.-]*:\S", re.IGNORECASE)
MAX_BYTES = 20_000_000


@dataclass(frozen=True, slots=True)
class LinkEntry:
    """One address from a list: as written (``text``) and its title, when the file gave one."""

    text: str
    title: str | None = None


class _Anchors(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.entries: list[LinkEntry] = []
        self._href: str | None = None
        self._title: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._href = next((v for k, v in attrs if k == "href" and v is not None), "")
            self._title = []

    def handle_data(self, data: str) -> None:
        if self._href is not None:
            self._title.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._href is not None:
            title = clean_line("".join(self._title), 300) or None
            self.entries.append(LinkEntry(self._href.strip(), title))
            self._href = None


def is_bookmarks_html(text: str) -> bool:
    head = text[:2000].lower()
    return "<!doctype netscape-bookmark-file" in head or ("<dl>" in head and "<a " in text[:200_000].lower())


def read_link_list(text: str) -> list[LinkEntry]:
    """The entries of a bookmarks export, or of a text list (the address on each line that has one).

    Raises ValueError when the file holds more than :data:`MAX_ENTRIES` entries.
    """
    if is_bookmarks_html(text):
        parser = _Anchors()
        parser.feed(text)
        parser.close()
        entries = parser.entries
    else:
        entries = []
        for line in text.splitlines():
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            # A line that is another scheme's address (a bookmarklet, chrome://) stays itself, even when a web
            # address appears inside it.
            entries.append(LinkEntry(line if _OTHER_SCHEME.match(line) else find_url(line) or line))
    if len(entries) > MAX_ENTRIES:
        raise ValueError(f"the file lists {len(entries)} addresses; at most {MAX_ENTRIES} are read at once")
    return entries


@dataclass(frozen=True, slots=True)
class AddOutcome:
    """What adding one address of a list did, or would do.

    ``status`` is ``added``, ``new`` (a preview: it would be added) or ``skipped``; a skipped one says why in
    words (``reason``) and as a fact front ends can act on (``skip``: one of :data:`SKIP_KINDS`), with the
    product it is tracked as (``product_id``) when that is the reason.
    """

    url: str
    status: str
    product_id: int | None = None
    reason: str | None = None
    skip: str | None = None
    title: str | None = None


SKIP_KINDS = ("not_web_address", "invalid", "listed_twice", "already_tracked")


def page_key(url: str) -> str:
    """One key for the spellings of a page (in normal form) that differ only by a trailing slash or by the
    form of an international host name (``bücher.example`` or ``xn--bcher-kva.example``)."""
    parts = urlsplit(_ascii_host(url))
    if len(parts.path) > 1 and parts.path.endswith("/"):
        return urlunsplit(parts._replace(path=parts.path[:-1]))
    return urlunsplit(parts)


def spellings(url: str) -> list[str]:
    """``url`` (normal form) first, then its other spellings of the same page (see :func:`page_key`)."""
    found: list[str] = []
    for host_form in (url, _ascii_host(url), _unicode_host(url)):
        for spelling in (host_form, slash_twin(host_form)):
            if spelling not in found:
                found.append(spelling)
    return found


def slash_twin(url: str) -> str:
    """The other spelling of ``url`` (normal form) by a trailing slash; ``url`` itself for the host's root."""
    parts = urlsplit(url)
    if parts.path in ("", "/"):
        return url
    path = parts.path[:-1] if parts.path.endswith("/") else f"{parts.path}/"
    return urlunsplit(parts._replace(path=path))


def _ascii_host(url: str) -> str:
    parts = urlsplit(url)
    if parts.netloc.isascii():
        return url
    try:
        netloc = parts.netloc.encode("idna").decode("ascii")
    except UnicodeError:  # a name IDNA cannot spell: it has only the one form
        return url
    return urlunsplit(parts._replace(netloc=netloc))


def _unicode_host(url: str) -> str:
    parts = urlsplit(url)
    if "xn--" not in parts.netloc:
        return url
    try:
        netloc = parts.netloc.encode("ascii").decode("idna")
    except UnicodeError:
        return url
    return urlunsplit(parts._replace(netloc=netloc))


def screen_links(entries: list[LinkEntry], tracked: Callable[[str], int | None]) -> list[AddOutcome]:
    """Each entry's outcome before anything is added: ``new``, or skipped with the reason.

    ``tracked(url)`` is the id of the product tracked at a normal-form URL (or another of its spellings),
    else None. Within the list, an address counts once whatever its tracking parameters, fragment, trailing
    slash or host name form.
    """
    outcomes: list[AddOutcome] = []
    seen: dict[str, str] = {}
    for entry in entries:
        shown = clean_line(entry.text, 300)
        title = clean_line(entry.title, 300) or None  # a web page's words: untrusted
        if not shown.lower().startswith(("http://", "https://")):
            outcomes.append(AddOutcome(shown, "skipped", reason="not a web address", skip="not_web_address"))
            continue
        try:
            url = validate_url(entry.text)
        except InvalidURLError as exc:
            reason = f"not a valid address: {exc}"
            outcomes.append(AddOutcome(shown, "skipped", reason=reason, skip="invalid"))
            continue
        key = page_key(url)
        if key in seen:
            reason = f"listed twice (as {seen[key]})"
            outcomes.append(AddOutcome(shown, "skipped", reason=reason, skip="listed_twice"))
            continue
        seen[key] = shown
        existing = tracked(url)
        if existing is not None:
            reason = f"already tracked as product {existing}"
            outcomes.append(AddOutcome(shown, "skipped", existing, reason, "already_tracked", title))
            continue
        outcomes.append(AddOutcome(url, "new", title=title))
    return outcomes
