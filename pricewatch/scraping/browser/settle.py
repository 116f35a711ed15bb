"""When a rendered page is done: the price appeared, or the network and the DOM went quiet after load.

The helper runs :data:`PROBE` in the page every ``POLL_MS`` (in its own JavaScript world, so the page's
scripts cannot fake or break it) and feeds the answers to :class:`Settle`, which is pure and decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field

POLL_MS = 100
QUIET_MS = 500  # nothing new loaded and the DOM unchanged this long after load: settled
PRICE_GRACE_MS = 150  # a price seen while the page still loads gets a moment for its neighbours

# Price-like: structured markup, the caller's selector, or (on pages of sane size) a number next to a
# currency in the visible text. Returns a small object as JSON text (Qt hands objects made in an isolated
# world back as nothing); never throws into the page.
_SYMBOLS = "$€£¥₺₹₩₽₪₫฿"
_CODES = "USD|EUR|GBP|TRY|TL|CHF|PLN|SEK|NOK|DKK|CZK|JPY|RON|HUF|kr|zł|Kč|lei"
PRICE_TEXT = (
    rf"(?:[{_SYMBOLS}]|\b(?:{_CODES})\b)\s?\d|\d(?:[.,]\d{{1,2}})?\s?(?:[{_SYMBOLS}]|\b(?:{_CODES})\b)"
)
_PRICE_META = ('meta[property="product:price:amount"]', 'meta[property="og:price:amount"]')
PRICE_MARKUP = ",".join(("[itemprop=price]", "[itemprop=lowPrice]", *_PRICE_META))

PROBE = r"""
(function (selector, markup, pattern) {
  try {
    var d = document, n = d.getElementsByTagName('*').length;
    var res = performance.getEntriesByType('resource').length;
    var price = !!d.querySelector(markup);
    if (!price) {
      var scripts = d.querySelectorAll('script[type="application/ld+json"]');
      for (var i = 0; i < scripts.length && !price; i++) price = /"price"\s*:/.test(scripts[i].textContent);
    }
    if (!price && selector) {
      try { var el = d.querySelector(selector); price = !!(el && /\d/.test(el.textContent)); } catch (e) {}
    }
    if (!price && n < 20000 && d.body) price = new RegExp(pattern).test(d.body.innerText || '');
    return JSON.stringify({n: n, res: res, price: price, ready: d.readyState});
  } catch (e) {
    return JSON.stringify({n: -1, res: -1, price: false, ready: 'error'});
  }
})
"""


def probe_source(selector: str | None) -> str:
    """The probe called with ``selector`` (JSON-quoted, so no page text can break out of the string)."""
    import json

    args = ", ".join(json.dumps(value) for value in (selector or "", PRICE_MARKUP, PRICE_TEXT))
    return f"{PROBE}({args})"


@dataclass(slots=True)
class Settle:
    """Decides from successive probe answers whether the page is done (times in milliseconds)."""

    started_ms: float
    loaded_ms: float | None = None
    last_change_ms: float = 0.0
    price_since_ms: float | None = None
    _shape: tuple[int, int] | None = field(default=None, repr=False)

    def loaded(self, now_ms: float) -> None:
        """The main document and its subresources finished loading (or failed to)."""
        if self.loaded_ms is None:
            self.loaded_ms = now_ms
            self.last_change_ms = max(self.last_change_ms, now_ms)

    def observe(self, now_ms: float, answer: dict[str, object]) -> str | None:
        """Take one probe answer; returns ``price`` or ``idle`` when the page is done, else None."""
        shape = (_int(answer.get("n")), _int(answer.get("res")))
        if shape != self._shape:
            self._shape = shape
            self.last_change_ms = now_ms
        ready = answer.get("ready")
        if answer.get("price") is True and ready in ("interactive", "complete"):
            if self.price_since_ms is None:
                self.price_since_ms = now_ms
            if self.loaded_ms is not None or now_ms - self.price_since_ms >= PRICE_GRACE_MS:
                return "price"
        if self.loaded_ms is not None and now_ms - self.last_change_ms >= QUIET_MS:
            return "idle"
        return None


def parse_answer(text: object) -> dict[str, object]:
    """A probe's JSON answer as a dict (anything else: an empty one, which counts as unknown)."""
    import json

    if not isinstance(text, str):
        return {}
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _int(value: object) -> int:
    """JavaScript numbers arrive as floats."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return -1
    return int(value)
