"""Bot checks, empty script shells and script prices, judged from the page a plain client gets."""

from __future__ import annotations

import pytest

from pricewatch.scraping.extract.document import parse
from pricewatch.scraping.page_check import NEEDS_BROWSER, PageCheck, check_page, check_parsed, plain_reason
from pricewatch.scraping.reading import read_page

FILLER = "<p>" + "A sturdy kettle for every kitchen, with a two-year warranty. " * 6 + "</p>"


@pytest.mark.parametrize(
    ("html", "wall"),
    [
        ('<title>Just a moment...</title><div id="challenge-platform"></div>', "Cloudflare"),
        ('<script src="https://geo.captcha-delivery.com/captcha/"></script>', "DataDome"),
        ('<div id="px-captcha"></div>', "PerimeterX"),
        ('<script src="/_Incapsula_Resource?SWJIYLWA=1"></script>', "Imperva"),
        ("<h1>Checking your browser before accessing shop.example</h1>", "a JavaScript check"),
    ],
)
def test_bot_walls_are_named(html: str, wall: str) -> None:
    check = check_page(f"<html><body>{html}</body></html>")
    assert check.bot_check == wall
    assert check.reason(has_price=False) == f"the shop answers plain clients with a bot check ({wall})"


def test_a_noscript_hint_on_an_ordinary_page_is_no_wall() -> None:
    html = f"<html><body><noscript>Please enable JavaScript</noscript>{FILLER}<p>19,99 €</p></body></html>"
    check = check_page(html)
    assert check.bot_check is None and not check.empty_shell
    assert check.reason(has_price=True) is None


def test_an_app_shell_with_a_root_div_and_a_bundle_is_an_empty_shell() -> None:
    html = '<html><head><script src="/app.js"></script></head><body><div id="root"></div></body></html>'
    check = check_page(html)
    assert check.empty_shell and check.has_scripts
    assert (
        plain_reason(check, has_price=False)
        == f"{NEEDS_BROWSER} (the page is an empty shell that scripts fill in)"
    )


def test_a_full_page_without_a_price_needs_a_browser_only_when_it_has_scripts() -> None:
    with_scripts = check_page(f"<html><body>{FILLER}<script>load()</script></body></html>")
    without = check_page(f"<html><body>{FILLER}</body></html>")
    assert with_scripts.reason(has_price=False) == "no price in the page as served; its scripts may write it"
    assert with_scripts.reason(has_price=True) is None
    assert without.reason(has_price=False) is None and plain_reason(without, False) is None


@pytest.mark.parametrize("html", ["", "   ", "<<<>>>", "\x00\x01", "<html>" * 10000])
def test_junk_never_raises(html: str) -> None:
    check_page(html)


def test_json_ld_scripts_do_not_count_as_scripts_that_render() -> None:
    html = f'<html><body>{FILLER}<script type="application/ld+json">{{}}</script></body></html>'
    assert not check_page(html).has_scripts


@pytest.mark.parametrize(
    "mark",
    [
        "cf-browser-verification", "challenge-platform", "cf_chl_opt", "Just a moment...",
        "captcha-delivery.com", "DataDome", "px-captcha", "_pxhd", "PerimeterX", "_Incapsula_Resource",
        "incap_ses_12", "_abck", "bm-verify", "Akamai Bot Manager", "Checking your browser",
        "Verify you are human", "Verifying you are a human", "verify you are a human", "Are you a robot?",
        "Please enable JavaScript", "please enable cookies", "requires JavaScript to run",
        "require javascript to work",
    ],
)  # fmt: skip
def test_every_spelling_of_every_bot_mark_is_found(mark: str) -> None:
    """The plain-text clues looked for first never hide a mark the pattern matches."""
    page = f"<html><body><p>{mark}</p>{'<p>an ordinary product page</p>' * 50}</body></html>"
    assert check_page(page).bot_check is not None


def test_only_text_a_shopper_sees_counts_against_an_empty_shell() -> None:
    hidden = (
        "<style>" + "s" * 300 + "</style><noscript>" + "n" * 300 + "</noscript><template>" + "t" * 300
        + "</template><!-- " + "c" * 300 + " --><script>render()</script>"
    )  # fmt: skip
    assert check_page(f"<html><body><div id=app></div>{hidden}</body></html>").empty_shell
    # The text after a hidden element (its tail) is shown, and counts.
    tail = hidden.replace("</style>", "</style>" + "x" * 200)
    assert not check_page(f"<html><body>{tail}</body></html>").empty_shell


@pytest.mark.parametrize("words", [40, 41])
def test_runs_of_white_space_count_as_one_space(words: int) -> None:
    """An empty shell shows under 200 characters once white space is collapsed: 40 words of four letters
    with one space between them make 199, 41 make 204."""
    text = " \n\t ".join(["abcd"] * words) + "  "
    check = check_page(f"<html><body><script>go()</script><p>{text}</p></body></html>")
    assert check.empty_shell is (words == 40)


@pytest.mark.parametrize(
    "html",
    [
        '<html><head><script src="/app.js"></script></head><body><div id="root"></div></body></html>',
        f"<html><body>{FILLER}<script>load()</script></body></html>",
        '<title>Just a moment...</title><div id="challenge-platform"></div><script>c()</script>',
        "<?xml version='1.0' encoding='utf-8'?><html><body><script>x()</script>hi</body></html>",
        "<script>go()</script>" + "<div>" * 3000 + "deep" + "</div>" * 3000,
        "",
    ],
)
def test_the_check_on_the_extraction_tree_is_the_check_on_its_own_parse(html: str) -> None:
    page, _ = parse(html)
    assert check_parsed(html, page.root if page is not None else None) == check_page(html)
    assert read_page(html).check == check_page(html)


def test_a_page_read_once_gives_its_extraction_and_its_check() -> None:
    html = (
        '<html><head><script type="application/ld+json">{"@type": "Product", "name": "Kettle", "offers":'
        ' {"@type": "Offer", "price": "19.99", "priceCurrency": "EUR"}}</script><script src="/a.js"></script>'
        '</head><body><div id="root"></div></body></html>'
    )
    reading = read_page(html, "https://shop.example/kettle")
    assert str(reading.extraction.price) == "19.99"
    assert reading.check == PageCheck(bot_check=None, empty_shell=True, has_scripts=True)
