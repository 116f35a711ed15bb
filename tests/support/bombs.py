"""Hostile response bodies for tests and benchmarks: decompression bombs built in small steps.

Each bomb is built once per process (a few hundred MB of zeros pass through a compressor in 1 MB pieces,
never held whole) and is a few KB on the wire.
"""

from __future__ import annotations

import functools
import gzip
import zlib

import brotli

BOMB_BYTES = 400_000_000  # what one bomb unpacks to: far beyond the 10 MB page cap
_PIECE = b"\0" * 1_000_000


def _gzip_stream(size: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    parts = [packer.compress(_PIECE) for _ in range(size // len(_PIECE))]
    parts.append(packer.flush())
    return b"".join(parts)


@functools.cache
def gzip_bomb(size: int = BOMB_BYTES) -> bytes:
    """``Content-Encoding: gzip`` body that unpacks to ``size`` zero bytes (about size / 1000 on the wire)."""
    return _gzip_stream(size)


@functools.cache
def stacked_gzip_bomb(size: int = BOMB_BYTES) -> bytes:
    """``Content-Encoding: gzip, gzip``: a gzip bomb gzipped again (a few KB on the wire)."""
    return gzip.compress(_gzip_stream(size), 9)


@functools.cache
def brotli_bomb(size: int = BOMB_BYTES) -> bytes:
    """``Content-Encoding: br`` body that unpacks to ``size`` zero bytes."""
    packer = brotli.Compressor(quality=5)
    parts = [packer.process(_PIECE) for _ in range(size // len(_PIECE))]
    parts.append(packer.finish())
    return b"".join(parts)


@functools.cache
def stacked_brotli_gzip_bomb(size: int = BOMB_BYTES) -> bytes:
    """``Content-Encoding: gzip, br``: a gzip bomb compressed again with brotli."""
    return brotli.compress(_gzip_stream(size), quality=11)
