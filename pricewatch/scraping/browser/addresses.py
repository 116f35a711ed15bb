"""Private and loopback addresses: a page may not lead the browser there unless the product lives there.

Pure checks of a host name or literal address; names are resolved by the caller's resolver (the helper asks
the system once per host and remembers the answer for the page's life).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

Resolver = Callable[[str], list[str]]


def system_resolver(host: str) -> list[str]:
    """The addresses ``host`` resolves to (empty when it does not resolve)."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [str(info[4][0]) for info in infos]


def is_local_address(address: str) -> bool:
    """Loopback, private, link-local, unspecified or reserved: not a shop on the internet."""
    try:
        ip = ipaddress.ip_address(address.strip("[]").split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return bool(
        ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_unspecified or ip.is_reserved
        or ip.is_multicast
    )  # fmt: skip


def is_local_host(host: str, resolve: Resolver = system_resolver) -> bool:
    """Whether ``host`` (a name or a literal address) is or resolves to a local address."""
    host = host.strip("[]").lower().rstrip(".")
    if not host:
        return True
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return any(is_local_address(address) for address in resolve(host))
    return is_local_address(host)
