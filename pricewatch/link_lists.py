"""Addresses from files people have: a plain list (one per line, other text around them) or a browser's
bookmarks export (the Netscape bookmark HTML of Firefox and Chrome).

Each entry keeps what was written, so a refused one can be reported as the user wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

from pricewatch.text import clean_line
from pricewatch.urls import find_url

MAX_ENTRIES = 10_000
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
            entries.append(LinkEntry(find_url(line) or line))
    if len(entries) > MAX_ENTRIES:
        raise ValueError(f"the file lists {len(entries)} addresses; at most {MAX_ENTRIES} are read at once")
    return entries
