"""A real, small PNG built by hand (zlib + CRCs), so tests need no image library and no binary fixture."""

from __future__ import annotations

import struct
import zlib


def png_bytes(width: int = 64, height: int = 48, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * width  # filter type 0 per scanline
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(row * height))
            + chunk(b"IEND", b""))  # fmt: skip


def page_with_image(image_url: str, price: str = "19.99", title: str = "Red Kettle") -> str:
    return f"""<!doctype html><html lang="en"><head><title>{title} | Shop</title>
<script type="application/ld+json">
{{"@context": "https://schema.org", "@type": "Product", "name": "{title}", "image": "{image_url}",
  "offers": {{"@type": "Offer", "price": "{price}", "priceCurrency": "EUR",
             "availability": "https://schema.org/InStock"}}}}
</script></head><body><h1>{title}</h1></body></html>"""
