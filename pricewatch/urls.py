"""URL checks done before any I/O: only absolute http(s) URLs with a host are accepted.

Accepted URLs come back in one normal form (scheme and host in lower case, no default port, no ``#fragment``,
no tracking parameters such as ``utm_source`` or ``fbclid``) so that spellings of the same page are recognised
as one product. URLs with a user name or password are refused: PriceWatch would store and show them in clear.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pricewatch.errors import InvalidURLError

MAX_URL_LENGTH = 4096


_DEFAULT_PORTS = {"http": 80, "https": 443}
# Query parameters that say where a visitor came from, never which product a page shows: campaign tags, ad
# click ids, newsletter ids, referral markers. Dropping them makes a link shared from a newsletter and the
# same page typed by hand one product.
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_TRACKING = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "li_fat_id", "mc_cid", "mc_eid", "igshid", "_ga", "_gl", "ref", "ref_", "ref_src", "srsltid", "spm",
    "scm", "affiliate", "aff_id", "campaign_id",
})  # fmt: skip


def validate_url(url: str) -> str:
    """``url`` in normal form (see the module doc), or raise :class:`InvalidURLError` saying what is wrong."""
    if not isinstance(url, str):
        raise InvalidURLError("the URL must be text")
    url = url.strip()
    if not url:
        raise InvalidURLError("the URL is empty")
    if len(url) > MAX_URL_LENGTH:
        raise InvalidURLError(f"the URL is longer than {MAX_URL_LENGTH} characters")
    if any(ord(ch) < 32 or ch == "\x7f" for ch in url):
        raise InvalidURLError("the URL contains control characters")
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError on a bad port
    except ValueError as exc:
        raise InvalidURLError(f"not a valid URL: {exc}") from None
    if parts.scheme.lower() not in ("http", "https"):
        shown = parts.scheme or "none"
        raise InvalidURLError(f"only http and https URLs can be tracked (scheme: {shown}): {url[:200]}")
    if not parts.hostname:
        raise InvalidURLError(f"the URL has no host name: {url[:200]}")
    if parts.username is not None or parts.password is not None:
        # Not echoed back: the message would show the password.
        raise InvalidURLError(
            "the URL contains a user name or password; PriceWatch does not store credentials "
            "(remove the 'user:password@' part)"
        )
    if not _is_host_name(parts.hostname):
        raise InvalidURLError(f"the host name is not valid: {url[:200]}")
    scheme = parts.scheme.lower()
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    netloc = host if port is None or port == _DEFAULT_PORTS[scheme] else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path, _without_tracking(parts.query), ""))


_LABEL = re.compile(r"[^\W_]([\w-]*[^\W_])?|_[\w-]*")  # letters of any script, digits, inner hyphens


def _is_host_name(host: str) -> bool:
    """Whether ``host`` is an IP address or a dotted name of valid labels (no spaces, no empty label)."""
    if ":" in host:  # only an IPv6 address has colons here (the port is split off)
        try:
            ipaddress.IPv6Address(host.partition("%")[0])
        except ValueError:
            return False
        return True
    labels = host.removesuffix(".").split(".")
    return len(host) <= 253 and all(len(label) <= 63 and _LABEL.fullmatch(label) for label in labels)


def _without_tracking(query: str) -> str:
    """The query without tracking parameters; the others keep their order and their spelling."""
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not _is_tracking(k)]
    if len(kept) == len(pairs):
        return query  # nothing to drop: the shop's own spelling stays as it was
    return urlencode(kept)


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name in _TRACKING or name.startswith(_TRACKING_PREFIXES)


_URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}>\"'"


def find_url(text: str) -> str | None:
    """The first http(s) address in pasted text ("Check this: https://shop.example/p great deal"), or None.

    Punctuation that ends the sentence is not part of it; a closing bracket is, when the address opened one.
    """
    match = _URL_IN_TEXT.search(text or "")
    if match is None:
        return None
    url = match.group(0)
    while url and url[-1] in _TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d)")  # "javascript:", "ftp:", not "host:8080"


def assume_https(text: str) -> str:
    """``text`` with ``https://`` put in front when a person typed an address without one.

    "shop.example/product" becomes "https://shop.example/product". Only for what people type (the add
    dialog): the CLI, the API and imports take URLs as given, where a missing scheme is a mistake to report.
    Anything with a scheme (also a wrong one, which :func:`validate_url` refuses) or without a dotted host
    name is returned unchanged.
    """
    stripped = text.strip()
    if not stripped or "://" in stripped or _HAS_SCHEME.match(stripped):
        return text
    stripped = stripped.removeprefix("//")
    host = re.split(r"[/?#]", stripped, maxsplit=1)[0].rsplit("@", 1)[-1]
    name = host.split(":", 1)[0] if not host.startswith("[") else host
    if " " in stripped or not ("." in name or name == "localhost" or name.startswith("[")):
        return text
    return f"https://{stripped}"


def shop_name(url: str) -> str:
    """The shop's host name without a leading ``www.`` (shown in the products table)."""
    host = (urlsplit(url).hostname or "").lower()
    return host[4:] if host.startswith("www.") else host
