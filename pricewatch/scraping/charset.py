"""Turning page bytes into text: header charset, then the page's own declaration, then sniffing."""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# Python codecs that are no web page charset: host-name and escape codecs turn ordinary text into garbage or
# raise UnicodeError, "undefined" always raises, and browsers refuse UTF-7 (it hides markup from filters).
_NOT_PAGE_CHARSETS = frozenset(
    {
        "idna",
        "punycode",
        "undefined",
        "unicode-escape",
        "raw-unicode-escape",
        "utf-7",
        "palmos",
        "mbcs",
        "oem",
    }
)


def _known(name: str | None) -> str | None:
    """The Python codec for a page charset label, or None for unknown, bogus and non-text codecs."""
    if not name or len(name) > 40:
        return None
    try:
        info = codecs.lookup(name.strip().lower())
    except (LookupError, ValueError):  # ValueError: a NUL in the label
        return None
    if not getattr(info, "_is_text_encoding", True) or info.name in _NOT_PAGE_CHARSETS:
        return None
    return info.name


def declared_encoding(content: bytes) -> str | None:
    """The charset the page declares in its first 4 KB (``<meta charset>`` or XML declaration), if known."""
    head = content[:4096]
    match = _META_CHARSET.search(head) or _XML_DECL.search(head)
    return _known(match.group(1).decode("ascii", "ignore")) if match else None


def sniff_encoding(content: bytes, header_encoding: str | None = None) -> str:
    """Return the codec name to decode ``content`` with.

    Order: a byte order mark; UTF-8 when the bytes are valid UTF-8 with non-ASCII characters (legacy byte
    strings almost never are, and shops often send a wrong header); then the header's charset, the page's own
    ``<meta charset>`` or XML declaration, and finally windows-1252, which decodes any byte string.
    """
    for bom, name in _BOMS:
        if content.startswith(bom):
            return name
    if not content.isascii():
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return "utf-8"
    declared = declared_encoding(content)
    for candidate in (_known(header_encoding), declared):
        if candidate is None or candidate == "utf-8":
            continue
        name = candidate
        try:
            content.decode(name)
        except (ValueError, LookupError):  # UnicodeError is a ValueError
            continue
        return name
    return "cp1252" if not content.isascii() else "utf-8"


def decode_html(content: bytes, header_encoding: str | None = None) -> str:
    """Decode page bytes to text; never raises (undecodable bytes become U+FFFD)."""
    return decode_body(content, header_encoding)[0]


def decode_body(content: bytes, header_encoding: str | None = None) -> tuple[str, str]:
    """(text, codec name) as :func:`sniff_encoding` would choose, decoding the page once instead of twice
    (validating a big page as UTF-8 and then decoding it cost the fetch a full extra pass)."""
    for bom, name in _BOMS:
        if content.startswith(bom):
            return content.decode(name, errors="replace"), name
    ascii_only = content.isascii()
    if not ascii_only:
        try:
            return content.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    declared = declared_encoding(content)
    for candidate in (_known(header_encoding), declared):
        if candidate is None or candidate == "utf-8":
            continue
        try:
            return content.decode(candidate), candidate
        except (ValueError, LookupError):  # UnicodeError is a ValueError
            continue
    if ascii_only:
        return content.decode("ascii"), "utf-8"
    return content.decode("cp1252", errors="replace"), "cp1252"
