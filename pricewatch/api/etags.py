"""Strong ETags for JSON answers that scripts poll (a task's status and progress): 304 when unchanged."""

from __future__ import annotations

import hashlib


def strong_etag(body: bytes) -> str:
    """The ETag of a body, quotes included."""
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """Whether the client's If-None-Match header names ``etag`` (or is ``*``): then a 304 answers."""
    sent = [tag.strip() for tag in (if_none_match or "").split(",")]
    return etag in sent or "*" in sent
