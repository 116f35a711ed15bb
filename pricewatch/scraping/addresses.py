"""What kind of network a host lives on: public, private (LAN), link-local or loopback.

Redirects and scraped image links may only lead where the product itself lives: a shop on the internet
cannot send PriceWatch to the router, the cloud metadata service or a server on this computer.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable

PUBLIC = "public"
PRIVATE = "private"
LINK_LOCAL = "link-local"
LOOPBACK = "loopback"

Resolver = Callable[[str], list[str]]


def resolve(host: str) -> list[str]:
    """The addresses ``host`` resolves to; empty when it cannot be resolved now."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [str(info[4][0]) for info in infos]


def kind_of(address: str) -> str:
    """The network kind of one IP address (``%zone`` suffixes allowed)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback or ip.is_unspecified:  # 0.0.0.0 connects to this computer
        return LOOPBACK
    if ip.is_link_local:
        return LINK_LOCAL
    if ip.is_global and not ip.is_multicast:
        return PUBLIC
    return PRIVATE  # RFC 1918, unique local, shared address space, reserved, multicast


def host_kinds(host: str, resolver: Resolver = resolve) -> frozenset[str]:
    """The kinds of every address ``host`` (a name or an IP literal) stands for; empty when unknown."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return frozenset({LOOPBACK})
    try:
        return frozenset({kind_of(host)})
    except ValueError:
        pass
    kinds = set()
    for address in resolver(host):
        try:
            kinds.add(kind_of(address))
        except ValueError:
            continue
    return frozenset(kinds)


def allowed_from(home_kinds: frozenset[str]) -> frozenset[str]:
    """Where links from a product living on ``home_kinds`` may lead: the internet and its own kinds."""
    return home_kinds | {PUBLIC}
