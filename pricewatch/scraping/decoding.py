"""Undoing ``Content-Encoding`` in bounded steps, so a few KB on the wire never become one huge chunk.

httpx decodes each network chunk in one call, so 64 KB of gzip may become 64 MB before any size check, and
stacked encodings (``gzip, gzip``) multiply that. Here every stage hands on pieces of at most :data:`PIECE`
bytes and counts what it produced, so the caller's cap on decoded bytes holds at every stage.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from typing import Protocol

import brotli
import httpx

PIECE = 64 * 1024
MAX_ENCODINGS = 3  # more layers than this has no use but to multiply a bomb
ACCEPT_ENCODING = "gzip, deflate, br"
_IGNORED = frozenset({"", "identity"})
# Encodings we know but do not decode (so never ask for): a body in one of them is unreadable.
_UNSUPPORTED = frozenset({"zstd", "compress", "x-compress"})


class DecodedTooLarge(Exception):
    """A stage produced more than the limit of decoded bytes."""


class _Stage(Protocol):
    def feed(self, data: bytes) -> Iterator[bytes]: ...

    def finish(self) -> Iterator[bytes]: ...


class _Zlib:
    """gzip or deflate; deflate falls back to a raw stream (servers send both under that name)."""

    def __init__(self, wbits: int, *, raw_fallback: bool = False) -> None:
        self._inflater = zlib.decompressobj(wbits)
        self._raw_fallback = raw_fallback
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        first, self._started = not self._started and bool(data), self._started or bool(data)
        try:
            out = self._inflater.decompress(data, PIECE)
        except zlib.error:
            if not (first and self._raw_fallback):
                raise
            self._inflater = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._inflater.decompress(data, PIECE)
        yield out
        yield from self._drain(len(out))

    def _drain(self, last: int) -> Iterator[bytes]:
        # A full piece may leave output pending inside zlib even when no input is left.
        while not self._inflater.eof and (self._inflater.unconsumed_tail or last >= PIECE):
            out = self._inflater.decompress(self._inflater.unconsumed_tail, PIECE)
            last = len(out)
            yield out

    def finish(self) -> Iterator[bytes]:
        yield from self._drain(PIECE)


class _Brotli:
    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def feed(self, data: bytes) -> Iterator[bytes]:
        out = self._decompressor.process(data, output_buffer_limit=PIECE)
        yield out
        # Output may still be pending when the input is all taken: drain it before more input goes in.
        while (out or not self._decompressor.can_accept_more_data()) and not self._decompressor.is_finished():
            out = self._decompressor.process(b"", output_buffer_limit=PIECE)
            yield out

    def finish(self) -> Iterator[bytes]:
        return iter(())


def _stage(name: str) -> _Stage | None:
    if name in ("gzip", "x-gzip"):
        return _Zlib(zlib.MAX_WBITS | 16)
    if name == "deflate":
        return _Zlib(zlib.MAX_WBITS, raw_fallback=True)
    if name == "br":
        return _Brotli()
    if name in _UNSUPPORTED:
        raise httpx.DecodingError(f"the page is compressed with {name}, which PriceWatch does not read")
    return None  # a made-up token ("utf-8", "binary"): the body is taken as it is, as browsers do


class BoundedDecoder:
    """Decodes a body whose ``Content-Encoding`` lists ``encodings`` (in the order they were applied).

    Raises:
        httpx.DecodingError: broken compressed data, an unsupported or too deep stack of encodings.
        DecodedTooLarge: some stage produced more than ``limit`` bytes.
    """

    def __init__(self, encodings: Iterable[str], limit: int) -> None:
        names = [e.strip().lower() for e in encodings if e.strip().lower() not in _IGNORED]
        if len(names) > MAX_ENCODINGS:
            raise httpx.DecodingError(f"the page is compressed {len(names)} times over; refused")
        stages = [_stage(name) for name in reversed(names)]
        self._stages = [s for s in stages if s is not None]
        self._limit = limit
        self._produced = [0] * len(self._stages)

    @classmethod
    def for_response(cls, response: httpx.Response, limit: int) -> BoundedDecoder:
        return cls(response.headers.get_list("content-encoding", split_commas=True), limit)

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Decoded pieces of ``data`` (each at most about :data:`PIECE` bytes)."""
        yield from self._through(0, [data], final=False)

    def finish(self) -> Iterator[bytes]:
        """What the stages still hold once the body has ended."""
        yield from self._through(0, [], final=True)

    def _through(self, index: int, pieces: Iterable[bytes], *, final: bool) -> Iterator[bytes]:
        if index == len(self._stages):
            yield from (p for p in pieces if p)
            return
        stage = self._stages[index]
        yield from self._through(index + 1, self._count(index, self._run(stage, pieces, final)), final=final)

    @staticmethod
    def _run(stage: _Stage, pieces: Iterable[bytes], final: bool) -> Iterator[bytes]:
        try:
            for piece in pieces:
                yield from stage.feed(piece)
            if final:
                yield from stage.finish()
        except (zlib.error, brotli.error) as exc:
            raise httpx.DecodingError(str(exc)) from exc

    def _count(self, index: int, pieces: Iterator[bytes]) -> Iterator[bytes]:
        for piece in pieces:
            self._produced[index] += len(piece)
            if self._produced[index] > self._limit:
                raise DecodedTooLarge()
            yield piece
