"""What the end-to-end tests share: quiet, fast settings, a small shop page and ``pricewatch`` as a process.

The ``home`` fixture that writes these settings is in tests/e2e/conftest.py.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

FAST = """
[fetch]
per_host_delay = 0.0
thumbnails = false

[tasks]
retry_base_delay = 0.01
retry_max_delay = 0.05
max_retries = 1

[notify]
desktop = false
tray = false
"""


def widget(price: str, availability: str = "InStock") -> str:
    """A small shop page with schema.org JSON-LD, like most shop systems render."""
    data = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": "Widget Pro 3000",
        "offers": {
            "@type": "Offer",
            "price": price,
            "priceCurrency": "EUR",
            "availability": f"https://schema.org/{availability}",
        },
    }
    return (
        "<html><head><title>Widget Pro 3000 | Shop</title>"
        f'<script type="application/ld+json">{json.dumps(data)}</script></head>'
        f'<body><h1>Widget Pro 3000</h1><p class="price">{price} €</p></body></html>'
    )


def run(*args: str, home: Path | None = None, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    env = os.environ.copy()
    if home is not None:
        env["PRICEWATCH_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "pricewatch", *args],
        capture_output=True, text=True, timeout=timeout, env=env, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def ok(*args: str, home: Path | None = None) -> subprocess.CompletedProcess[str]:
    proc = run(*args, home=home)
    command = " ".join(args)
    assert proc.returncode == 0, f"pricewatch {command} -> {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def as_json(*args: str, home: Path | None = None) -> Any:
    return json.loads(ok(*args, "--json", home=home).stdout)
