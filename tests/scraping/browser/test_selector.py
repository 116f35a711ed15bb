"""Point and click selectors, built from the ancestry report and checked against the page (pure)."""

from __future__ import annotations

import re

import lxml.html
import pytest

from pricewatch.scraping.browser.selector import MARKER, Node, build_selector, candidates, stable
from pricewatch.scraping.extract import extract


def ancestry_of(root: lxml.html.HtmlElement, css: str) -> tuple[list[Node], str]:
    """What ANCESTRY_JS reports for the element ``css`` finds (and the page with it marked)."""
    target = root.cssselect(css)[0]
    target.set(MARKER, "1")
    nodes = []
    el = target
    while el is not None and el.tag != "html":
        same = [s for s in el.itersiblings(preceding=True) if s.tag == el.tag]
        prev = el.getprevious()
        attrs = {k: v for k, v in el.attrib.items() if k not in ("id", "class", MARKER)}
        nodes.append(Node.from_json({
            "tag": el.tag, "id": el.get("id", ""), "classes": (el.get("class") or "").split(), "attrs": attrs,
            "index": len(same) + 1, "label": prev.text_content() if prev is not None else "",
            "label_tag": prev.tag if prev is not None else "",
        }))  # fmt: skip
        el = el.getparent()
    return nodes, lxml.html.tostring(root, encoding="unicode")


def rename_classes(html: str) -> str:
    """The shop's next deploy: every class name changes."""

    def renamed(match: re.Match[str]) -> str:
        return 'class="' + " ".join(f"x{hash(c) & 0xFFFF:x}" for c in match.group(1).split()) + '"'

    return re.sub(r'class="([^"]*)"', renamed, html)


RELATED = '<div class="related"><span class="amount">9,99 €</span><span class="amount">4,99 €</span></div>'
STYLES = {
    "microdata": (
        f'<div class="box"><span class="p-lg" itemprop="price" content="49.90">49,90 €</span></div>{RELATED}',
        "span.p-lg",
        '[itemprop="price"]',
    ),
    "data attributes": (
        '<div class="css-1x2y3z"><div class="sc-bdfBwQ" data-testid="buy-price">49,90 €</div></div>'
        + RELATED,
        "div.sc-bdfBwQ",
        'div[data-testid="buy-price"]',
    ),
    "text label": (
        f'<dl class="facts"><dt class="k">Weight</dt><dd class="v">2 kg</dd><dt class="k">Price</dt>'
        f'<dd class="v">49,90 €</dd></dl>{RELATED}',
        "dd.v:nth-of-type(2)",
        'dt:contains("Price") + dd',
    ),
    "anchored box": (
        f'<div id="buybox"><div class="row"><b class="big">49,90 €</b></div></div>{RELATED}',
        "b.big",
        "#buybox b",
    ),
}


@pytest.mark.parametrize("style", list(STYLES))
def test_the_selector_uses_stable_hooks_and_survives_renamed_classes(style: str) -> None:
    body, click, expected = STYLES[style]
    root = lxml.html.document_fromstring(f"<html><body><h1>Kettle</h1>{body}</body></html>")
    ancestry, html = ancestry_of(root, click)
    selector = build_selector(ancestry, html)
    assert selector == expected
    assert "nth-child" not in selector and "." not in selector.replace("49.90", "")
    renamed = rename_classes(html)
    assert renamed != html
    assert str(extract(renamed, selector=selector).price) == "49.90"


def test_when_only_a_class_tells_the_element_apart_the_class_is_used() -> None:
    root = lxml.html.document_fromstring(
        f'<html><body><p><span class="now">49,90 €</span></p>{RELATED}</body></html>'
    )
    ancestry, html = ancestry_of(root, "span.now")
    assert build_selector(ancestry, html) == "span.now"


def test_no_candidate_selects_an_element_without_any_hook_alone() -> None:
    root = lxml.html.document_fromstring("<html><body><p><span>1</span><span>2</span></p></body></html>")
    ancestry, html = ancestry_of(root, "span")
    assert build_selector(ancestry, html) is None


def test_generated_names_are_not_hooks_and_positions_are_one_step_only() -> None:
    assert not stable("css-1x2y3z") and not stable("a8f3e2b1c9") and not stable(":r1:") and stable("buybox")
    ancestry = [Node("span", index=3), Node("div", id="buybox"), Node("div"), Node("div"), Node("body")]
    for selector in candidates(ancestry):
        assert selector.count(":nth-of-type") <= 1 and selector.count(" ") <= 1


def test_page_text_cannot_break_out_of_a_selector() -> None:
    nodes = [Node("dd", label='Pri"ce) , * { x', label_tag="dt"), Node("body")]
    hooks = candidates(nodes)
    assert 'dt:contains("Pri\\"ce) , * { x") + dd' in hooks
