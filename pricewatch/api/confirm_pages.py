"""The HTML of the bookmarklet's pages: the install page, the confirm page and its answers.

Everything shown from the request (the shop page's address and title) is untrusted: it is cleaned to one line
and escaped. The pages run no script; their headers (see :mod:`pricewatch.api.bookmarklet`) forbid scripts,
framing and form targets elsewhere.
"""

from __future__ import annotations

import json
from html import escape

from pricewatch.text import clean_line

_STYLE = (
    "body{font:15px/1.45 system-ui,sans-serif;max-width:42em;margin:2em auto;padding:0 1em;color:#222}"
    "h1{font-size:1.3em}.url{word-break:break-all;color:#555}.box{border:1px solid #ccc;border-radius:6px;"
    "padding:.8em 1em;margin:1em 0}button{font-size:1em;padding:.4em 1.2em}a.bm{display:inline-block;"
    "padding:.3em .8em;border:1px solid #888;border-radius:4px;text-decoration:none;font-weight:bold}"
)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>{body}</body></html>\n"
    )


def _shown(url: str, title: str | None) -> str:
    name = clean_line(title or "", 300)
    heading = f"<strong id='title'>{escape(name)}</strong><br>" if name else ""
    return f"<div class='box'>{heading}<span class='url' id='url'>{escape(clean_line(url, 600))}</span></div>"


def bookmarklet_script(base: str) -> str:
    """The bookmarklet's ``javascript:`` address: opens the confirm page for the page it is clicked on."""
    target = json.dumps(f"{base}/add?url=")
    return (
        "javascript:(function(){window.open("
        f"{target}+encodeURIComponent(location.href)+'&title='+encodeURIComponent(document.title.slice(0,300)),"
        "'_blank','noopener')})()"
    )


def install_page(base: str) -> str:
    link = escape(bookmarklet_script(base), quote=True)
    return _page(
        "PriceWatch bookmarklet",
        "<h1>Add to PriceWatch from your web browser</h1>"
        f"<p><a class='bm' id='bookmarklet' href=\"{link}\">Add to PriceWatch</a></p>"
        "<ol><li>Drag the button above to your browser's bookmarks bar (or right-click it and bookmark the "
        "link).</li><li>On a shop's product page, click the bookmark: a PriceWatch page opens in a new tab "
        "and shows the page's address and title.</li><li>Click <em>Add to PriceWatch</em> there to start "
        "tracking it.</li></ol>"
        f"<p>The bookmark talks to PriceWatch on this computer ({escape(base)}); PriceWatch and its local "
        "API must be running. If you change the API's port, drag the button again. The shop's page never "
        "sees your API token: nothing is added until you confirm on the PriceWatch page.</p>",
    )


def confirm_page(url: str, title: str | None, token: str) -> str:
    return _page(
        "Add to PriceWatch?",
        "<h1>Add this page to PriceWatch?</h1>" + _shown(url, title) + "<form method='post' action='/add'>"
        f"<input type='hidden' name='csrf' value='{escape(token, quote=True)}'>"
        "<button type='submit' id='confirm'>Add to PriceWatch</button></form>"
        "<p>Its price is read at the next check. If you did not ask for this, close this tab.</p>",
    )


def added_page(url: str, title: str | None, product_id: int) -> str:
    return _page(
        "Added to PriceWatch",
        f"<h1 id='outcome' data-product='{product_id}'>Added to PriceWatch</h1>"
        + _shown(url, title)
        + "<p>Its price is read at the next check. You can close this tab.</p>",
    )


def not_added_page(url: str, title: str | None, reason: str, status: str = "skipped") -> str:
    return _page(
        "Not added",
        f"<h1 id='outcome' data-status='{escape(status, quote=True)}'>Not added</h1>"
        + _shown(url, title)
        + f"<p id='reason'>{escape(clean_line(reason, 400))}</p>",
    )


def refused_page(reason: str) -> str:
    return _page(
        "Refused",
        "<h1 id='outcome' data-status='refused'>Refused: nothing was added</h1>"
        f"<p id='reason'>{escape(reason)}</p>"
        "<p>To add a page, click the PriceWatch bookmark on it and confirm on the page that opens.</p>",
    )
