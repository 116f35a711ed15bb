"""The bookmarklet: ``GET /bookmarklet`` (the link to drag to the bookmarks bar), ``GET /add`` (the confirm
page it opens for a shop's page) and ``POST /add`` (the confirm button).

These pages are opened by the user's web browser as top-level pages, so they cannot send the API's bearer
token, and must not: the shop's page would see it. They need none because they only ever add a product after
a click on a page PriceWatch served: the form carries a one-time token (:mod:`.confirm_tokens`) that no other
site can read (no CORS headers, the Host check below against DNS rebinding, no framing).
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs, urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from pricewatch.api import confirm_pages
from pricewatch.api.auth import Runner
from pricewatch.api.confirm_tokens import ConfirmTokens, PendingAdd
from pricewatch.api.security import host_name, is_loopback
from pricewatch.errors import InvalidURLError
from pricewatch.link_lists import LinkEntry
from pricewatch.urls import validate_url

router = APIRouter(include_in_schema=False)

# Only the names the bookmarklet uses: not a LAN address the API may also listen on, not [::1] (the
# bookmarklet opens 127.0.0.1), so these token-free pages answer only on this computer.
PAGE_HOSTS = frozenset({"127.0.0.1", "localhost"})
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; "
        "base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",  # a shop's page cannot frame the confirm button under a decoy
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",  # our own form's POST still names its origin
    "Cache-Control": "no-store",
}


def _html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status, headers=HEADERS)


def _refused(reason: str) -> HTMLResponse:
    return _html(confirm_pages.refused_page(reason), 403)


def _local_problem(request: Request) -> str | None:
    """Why this request may not use the token-free pages, or None."""
    host = host_name(request.headers.get("host", ""))
    if host not in PAGE_HOSTS:
        return "these pages answer only at 127.0.0.1 or localhost"
    if request.client is None or not is_loopback(request.client.host):
        return "these pages answer only to this computer"
    return None


def _origin_problem(request: Request) -> str | None:
    """Why the POST did not come from our own confirm page (judged by Origin, else Referer), or None."""
    own = f"http://{request.headers.get('host', '').strip().lower()}"
    origin = request.headers.get("origin")
    if origin is not None:
        return (
            None if origin.strip().lower() == own else f"the request came from another site ({origin[:100]})"
        )
    referer = request.headers.get("referer")
    if referer:
        parts = urlsplit(referer)
        if f"{parts.scheme}://{parts.netloc}".lower() != own:
            return "the request came from another site"
    return None


def _tokens(request: Request) -> ConfirmTokens:
    tokens: ConfirmTokens = request.app.state.confirm_tokens
    return tokens


def _base(request: Request) -> str:
    return f"http://127.0.0.1:{request.url.port or 80}"


@router.get("/bookmarklet", response_class=HTMLResponse)
async def install(request: Request) -> HTMLResponse:
    problem = _local_problem(request)
    if problem is not None:
        return _refused(problem)
    return _html(confirm_pages.install_page(_base(request)))


@router.get("/add", response_class=HTMLResponse)
async def confirm(
    request: Request,
    runner: Runner,
    url: Annotated[str, Query(max_length=4096)] = "",
    title: Annotated[str, Query(max_length=1000)] = "",
) -> HTMLResponse:
    """The confirm page; it changes nothing (a GET any page can trigger must not add)."""
    problem = _local_problem(request)
    if problem is not None:
        return _refused(problem)
    try:
        normal = validate_url(url)
    except InvalidURLError as exc:
        reason = f"Not a web address PriceWatch can track: {exc}"
        return _html(confirm_pages.not_added_page(url, title, reason, "invalid"), 400)
    (outcome,) = await runner.call(runner.app.add_many, [LinkEntry(normal, title or None)], dry_run=True)
    if outcome.status != "new":
        reason = f"This page is {outcome.reason}." if outcome.reason else "This page cannot be added."
        return _html(confirm_pages.not_added_page(normal, title, reason, outcome.skip or "skipped"))
    token = _tokens(request).issue(PendingAdd(normal, title or None))
    return _html(confirm_pages.confirm_page(normal, title, token))


@router.post("/add", response_class=HTMLResponse)
async def confirmed(request: Request, runner: Runner) -> HTMLResponse:
    problem = _local_problem(request) or _origin_problem(request)
    if problem is not None:
        return _refused(problem)
    try:
        form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=10)
    except ValueError:
        form = {}
    token = (form.get("csrf") or [""])[0]
    pending = _tokens(request).take(token) if token else None
    if pending is None:
        reason = (
            "missing confirmation token" if not token else "this confirmation is unknown, used or expired"
        )
        return _refused(f"{reason}; open the page again from the bookmark")
    entry = LinkEntry(pending.url, pending.title)
    (outcome,) = await runner.call(runner.app.add_many, [entry])
    if outcome.status != "added" or outcome.product_id is None:
        reason = f"This page is {outcome.reason}." if outcome.reason else "This page cannot be added."
        return _html(
            confirm_pages.not_added_page(pending.url, pending.title, reason, outcome.skip or "skipped")
        )
    return _html(confirm_pages.added_page(outcome.url, pending.title, outcome.product_id))
