"""Bot checks, empty script shells and script prices, judged from the page a plain client gets."""

from __future__ import annotations

import pytest

from pricewatch.scraping.page_check import NEEDS_BROWSER, check_page, plain_reason

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
