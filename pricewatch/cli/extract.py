"""``pricewatch extract``: price, currency, availability and title of saved pages and live URLs.

Many inputs in one process, answered in input order, so a whole corpus can be scored in one call.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from pricewatch.text import clean_line

if TYPE_CHECKING:
    from pricewatch.app import PriceWatch
    from pricewatch.cli.page_reader import PageReader
    from pricewatch.scraping.extract import Extraction

EXIT_ALL_FAILED = 1
URL_WORKERS = 8
MAX_FILE_BYTES = 64_000_000  # a saved page larger than this (after unpacking) is refused
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")

HELP = """\
Reads local files (.html, or .html.gz unpacked on the fly) and http(s) URLs (fetched with the real fetcher:
robots.txt, politeness and limits from your settings) and prints one result per input, in input order.

With --json each line is one JSON object:
  {"source": ..., "price": "1299.00" | null, "currency": "TRY" | null, "availability": "InStock" | ...,
   "title": ..., "offers": [...], "methods": {...}, "error": null | "...", "reason": null | "...",
   "list_price": "1499.00" | null, "confidence": 0.97, "unsure": false, "evidence": ["..."],
   "candidates": [{"price", "currency", "source", "role", "score", "text", "context", "selector",
   "chosen"}, ...], "price_selector": "CSS" | null}
URL rows also say which fetcher's page was read: "fetcher": "plain" | "browser" (by default plain first,
the browser when the page needs one: a bot check, a page its scripts fill in, no price).
"error" says why an input could not be read or fetched; a page read fine but without a price has
"price": null, "error": null and says why in "reason". "confidence" (0 to 1) says how sure the price is;
"unsure" is true below 0.6. "evidence" says why this price (its source, what agreed or competed with it);
"candidates" lists every price considered, with the words around it and a CSS selector for it.
Without --json, --why prints the evidence and candidates under each line.

Exit status: 0 when at least one input was read (even without a price), 1 when every input failed,
2 for usage errors."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "extract",
        help="show what PriceWatch reads from pages (files or URLs), without storing anything",
        description=HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "inputs", nargs="+", metavar="PATH_OR_URL", help="saved page files and/or http(s) URLs"
    )
    parser.add_argument("--json", action="store_true", help="one JSON object per line, for scripts")
    parser.add_argument("--selector", metavar="CSS", help="CSS selector of the price, applied to every input")
    # Fetch mode of URLs: auto (default) reads the plain page and turns to the browser when it needs one.
    fetcher = parser.add_mutually_exclusive_group()
    fetcher.add_argument(
        "--browser", action="store_const", const="browser", dest="mode", default="auto",
        help="render URLs in the browser (their scripts run), never with the plain fetcher",
    )  # fmt: skip
    fetcher.add_argument(
        "--plain", action="store_const", const="plain", dest="mode",
        help="read URLs with the plain fetcher only, never the browser",
    )  # fmt: skip
    parser.add_argument(
        "--why",
        action="store_true",
        help="also print why this price: its evidence and the competing candidates",
    )
    parser.set_defaults(func=cmd_extract)


def is_url(source: str) -> bool:
    """Anything with a scheme is treated as a URL (so ``ftp://`` gets a clear "only http(s)" error)."""
    return bool(_SCHEME.match(source)) and not Path(source).exists() and len(source.split(":", 1)[0]) > 1


def read_page(path: Path) -> bytes:
    """A saved page's bytes, unpacked when gzip-compressed; raises OSError or ValueError."""
    with path.open("rb") as handle:
        head = handle.read(2)
        handle.seek(0)
        if head == b"\x1f\x8b":
            data = gzip.GzipFile(fileobj=handle).read(MAX_FILE_BYTES + 1)
        else:
            data = handle.read(MAX_FILE_BYTES + 1)
    if len(data) > MAX_FILE_BYTES:
        raise ValueError(f"larger than {MAX_FILE_BYTES // 1_000_000} MB")
    return data


def result_json(source: str, extraction: Extraction | None, error: str | None) -> dict[str, Any]:
    data = extraction.to_json() if extraction is not None else {}
    return {
        "source": source,
        "price": data.get("price"),
        "currency": data.get("currency"),
        "availability": data.get("availability"),
        "title": data.get("title"),
        "offers": data.get("offers", []),
        "methods": data.get("methods", {}),
        "error": error,
        "reason": data.get("reason"),
        "list_price": data.get("list_price"),
        "confidence": data.get("confidence", 0.0),
        "unsure": data.get("unsure", False),
        "evidence": data.get("evidence", []),
        "candidates": data.get("candidates", []),
        "price_selector": data.get("price_selector"),
    }


def extract_one(source: str, selector: str | None, reader: PageReader | None) -> dict[str, Any]:
    """One input: a URL read through ``reader``, or (``reader`` None) a file; failures become ``error``."""
    from pricewatch.errors import ScrapeError
    from pricewatch.scraping.extract import extract

    try:
        if reader is not None:
            moded = reader.read(source, selector)
            row = result_json(source, moded.extraction, None)
            row["fetcher"] = str(moded.fetcher)  # which fetcher's page was read: plain or browser
            return row
        html = read_page(Path(source))
        return result_json(source, extract(html, None, selector=selector), None)
    except ScrapeError as exc:
        return result_json(source, None, str(exc))
    except FileNotFoundError:
        return result_json(source, None, "no such file")
    except IsADirectoryError:
        return result_json(source, None, "a folder, not a page file")
    except (OSError, EOFError, ValueError) as exc:  # unreadable, broken gzip, too large
        return result_json(source, None, f"cannot read the file: {exc}")


def extract_all(
    sources: list[str], selector: str | None, open_app: Callable[[], PriceWatch], mode: str = "auto"
) -> Iterator[dict[str, Any]]:
    """Results in input order, each as soon as it and those before it are done.

    URLs are fetched concurrently (the fetcher's per-host limits still apply, so one shop is never hit
    harder than by the app itself); files are read in this thread. The facade (and its fetcher) is opened
    only when there is a URL.
    """
    urls = [source for source in sources if is_url(source)]
    if not urls:
        for source in sources:
            yield extract_one(source, selector, None)
        return
    from pricewatch.cli.page_reader import PageReader
    from pricewatch.scraping.fetch_modes import parse_mode

    app = open_app()
    reader = PageReader(app, parse_mode(mode))  # builds the fetcher here, once, before worker threads use it
    pool = ThreadPoolExecutor(min(URL_WORKERS, len(urls)), thread_name_prefix="extract")
    pending = {i: pool.submit(extract_one, s, selector, reader) for i, s in enumerate(sources) if is_url(s)}
    try:
        for i, source in enumerate(sources):
            future = pending.pop(i, None)
            yield future.result() if future is not None else extract_one(source, selector, None)
    finally:
        # Interrupted (Ctrl+C, a closed pipe): drop what has not started and do not wait for what has;
        # closing the facade next closes the fetcher, which ends those fetches at once.
        pool.shutdown(wait=not pending, cancel_futures=True)
        reader.close()


def shown(value: object, limit: int) -> str:
    """Page text made safe for a terminal: no control or direction characters, at most ``limit`` wide."""
    return clean_line(value, limit)


def shown_tail(value: str, limit: int) -> str:
    """Like :func:`shown` but keeps the end (a file name or URL path says more than its start)."""
    text = shown(value, len(value) + 1)
    return text if len(text) <= limit else "…" + text[-(limit - 1) :]


def print_row(row: dict[str, Any], out: TextIO, why: bool = False) -> None:
    if row["error"]:
        detail = "error: " + shown(row["error"], 80)
    elif row["price"] is None:
        detail = "no price: " + shown(row["reason"], 70)
    else:
        method = row["methods"].get("price", "")
        offers = len(row["offers"])
        sure = f"{'UNSURE ' if row['unsure'] else ''}{row['confidence']:.2f}"
        detail = f"{sure:<11}  " + shown(row["title"], 50) + (f"  [{method}]" if method else "")
        detail += f"  ({offers} offers)" if offers > 1 else ""
        detail += f"  was {shown(row['list_price'], 14)}" if row["list_price"] else ""
    price = f"{row['price']} {row['currency'] or ''}".strip() if row["price"] is not None else "-"
    availability = row["availability"] or "-"
    print(
        f"{shown_tail(row['source'], 48):<48}  {shown(price, 18):>18}  {availability:<12}  {detail}", file=out
    )
    if why and not row["error"]:
        print_why(row, out)


def print_why(row: dict[str, Any], out: TextIO) -> None:
    """The evidence lines and the candidates, indented under the result line."""
    for line in row["evidence"]:
        print(f"    why: {shown(line, 140)}", file=out)
    for cand in row["candidates"]:
        mark = "*" if cand["chosen"] else " "
        money = f"{cand['price']} {cand['currency'] or ''}".strip()
        where = f"  at {shown(cand['selector'], 70)}" if cand["selector"] else ""
        print(
            f"  {mark} {shown(money, 18):>18}  {cand['source']:<10} {cand['role']:<6} "
            f"{shown(cand['text'], 30)!s:<30}  {shown(cand['context'], 60)}{where}",
            file=out,
        )


def cmd_extract(args: argparse.Namespace) -> int:
    from pricewatch.cli.common import open_app

    out = sys.stdout
    ok = 0
    with ExitStack() as stack:
        if not args.json:
            print(f"{'SOURCE':<48}  {'PRICE':>18}  {'AVAILABILITY':<12}  TITLE / REASON", file=out)
        rows = extract_all(args.inputs, args.selector, lambda: stack.enter_context(open_app()), args.mode)
        for row in rows:
            ok += row["error"] is None
            if args.json:
                print(json.dumps(row, ensure_ascii=False), file=out, flush=True)
            else:
                print_row(row, out, args.why)
                out.flush()
    return 0 if ok else EXIT_ALL_FAILED
