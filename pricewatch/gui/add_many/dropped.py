"""What was dropped on the window, as plain data, and the address list it holds (read on a pool thread)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pricewatch.link_lists import MAX_BYTES, LinkEntry, read_link_list

LIST_SUFFIXES = (".html", ".htm", ".txt")  # bookmarks exports and text lists; JSON and CSV go to Import


@dataclass(frozen=True, slots=True)
class Dropped:
    """Local files, web links (with their titles when the browser gave them) and text of one drop."""

    files: tuple[str, ...] = ()
    links: tuple[LinkEntry, ...] = ()
    text: str = ""

    def __bool__(self) -> bool:
        return bool(self.files or self.links or self.text.strip())


def read_dropped(dropped: Dropped) -> list[LinkEntry]:
    """Every address of the drop: the files' lists, then the links, else the text's.

    Raises ValueError saying which file could not be read or is too large."""
    entries: list[LinkEntry] = []
    for name in dropped.files:
        path = Path(name)
        try:
            if path.stat().st_size > MAX_BYTES:
                raise ValueError(f"{path.name} is larger than {MAX_BYTES // 1_000_000} MB")
            entries += read_link_list(path.read_text(encoding="utf-8-sig", errors="replace"))
        except OSError as exc:
            raise ValueError(f"cannot read {path.name}: {exc.strerror or exc}") from None
    entries += dropped.links
    if not entries and dropped.text.strip():
        entries = read_link_list(dropped.text)
    return entries
