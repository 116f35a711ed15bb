"""Point and click: a robust CSS selector for the element the user clicked, checked against the page.

The window asks the page (:data:`ANCESTRY_JS`) for the clicked element and its ancestors as plain data and
marks the element with :data:`MARKER`; everything else here is pure. Candidates go from the most stable
hooks to the least: ``itemprop``, a stable ``id``, ``data-*`` attributes, a nearby label's text
(``dt:contains("Price") + dd``), an anchored ancestor with a short tail; classes come last, and a position
(``:nth-of-type``) is only ever one step. The first candidate that selects exactly the marked element in the
page's HTML wins. It is checked with the extractor's own CSS engine (lxml's cssselect), so what is stored
is what the extractor finds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import lxml.html
from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

MARKER = "data-pricewatch-picked"
_STABLE_ATTRS = ("itemprop", "data-testid", "data-test", "data-qa", "data-cy", "data-price", "data-role",
                 "name", "aria-label", "role")  # fmt: skip
_MAX_LABEL = 40
# Generated names: hashes, long digit runs, CSS-in-JS ("css-1x2y3z", "sc-bdfBwQ"), framework ids (":r1:").
_GENERATED = re.compile(r"\d{3,}|[0-9a-f]{8,}|^(css|sc|jsx|emotion|styled|svelte)-|^:|__[A-Za-z0-9]{5}$")


@dataclass(frozen=True, slots=True)
class Node:
    """One element of the clicked element's ancestry, as the page reported it (untrusted text)."""

    tag: str
    id: str = ""
    classes: tuple[str, ...] = ()
    attrs: Mapping[str, str] = field(default_factory=dict)
    index: int = 1  # among siblings of the same tag, from 1
    label: str = ""  # the text of the previous element sibling, when short (a "Price:" label)
    label_tag: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Node:
        attrs = data.get("attrs") or {}
        return cls(
            tag=str(data.get("tag") or "*").lower()[:40],
            id=str(data.get("id") or "")[:200],
            classes=tuple(str(c)[:100] for c in (data.get("classes") or [])[:20]),
            attrs={str(k)[:60].lower(): str(v)[:200] for k, v in dict(attrs).items()},
            index=int(data.get("index") or 1),
            label=" ".join(str(data.get("label") or "").split())[:200],
            label_tag=str(data.get("label_tag") or "").lower()[:40],
        )


def stable(name: str) -> bool:
    """Whether an id, class or attribute value looks chosen by a person rather than generated."""
    return bool(name) and len(name) <= 60 and not _GENERATED.search(name)


def quote(value: str) -> str:
    """A CSS string literal (JSON's escaping is valid CSS for the characters that matter)."""
    return json.dumps(value, ensure_ascii=False)


def _own_hooks(node: Node) -> Iterator[str]:
    """Selectors for ``node`` alone, most stable first."""
    for name in _STABLE_ATTRS:
        value = node.attrs.get(name)
        if name == "itemprop" and value:
            yield f"[itemprop={quote(value)}]"
        elif name == "data-price" and name in node.attrs:
            yield f"{node.tag}[data-price]"  # its value is the price itself: the name is the hook
        elif value and stable(value):
            yield f"{node.tag}[{name}={quote(value)}]"
    if stable(node.id):
        yield f"#{_ident(node.id)}"
    for name, value in node.attrs.items():
        if name.startswith("data-") and name not in _STABLE_ATTRS and name != MARKER:
            yield f"{node.tag}[{name}={quote(value)}]" if value and stable(value) else f"{node.tag}[{name}]"


def _label_hook(node: Node) -> Iterator[str]:
    label = node.label.strip(" :")
    if label and len(label) <= _MAX_LABEL and not any(ch.isdigit() for ch in label) and node.label_tag:
        yield f"{node.label_tag}:contains({quote(label)}) + {node.tag}"


def _class_hooks(node: Node) -> Iterator[str]:
    for name in node.classes:
        if stable(name):
            yield f"{node.tag}.{_ident(name)}"


def candidates(ancestry: list[Node]) -> list[str]:
    """Selectors to try for ``ancestry[0]`` (the clicked element; then its parent, and so on)."""
    if not ancestry:
        return []
    target = ancestry[0]
    found: list[str] = [*_own_hooks(target), *_label_hook(target)]
    # An anchored ancestor (id, itemprop, data-*) with the target's tag, or its own hook, below it.
    for ancestor in ancestry[1:6]:
        for anchor in _own_hooks(ancestor):
            found.append(f"{anchor} {target.tag}")
            found.extend(f"{anchor} {hook}" for hook in _own_hooks(target))
            found.append(f"{anchor} {target.tag}:nth-of-type({target.index})")
            found.extend(f"{anchor} {hook}" for hook in _class_hooks(target))
    found.extend(_class_hooks(target))
    return list(dict.fromkeys(found))


def matches_only_marked(selector: str, root: lxml.html.HtmlElement) -> bool:
    """Whether ``selector`` selects exactly one element in the page, and it is the marked one."""
    try:
        found = CSSSelector(selector, translator="html")(root)
    except (SelectorError, ValueError, TypeError, etree.XPathError):
        return False
    if not isinstance(found, list) or len(found) != 1:
        return False
    element = found[0]
    return isinstance(element, etree._Element) and element.get(MARKER) is not None


def build_selector(ancestry: list[Node], html: str) -> str | None:
    """The most stable selector that selects the marked element alone in ``html``, or None."""
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None
    for selector in candidates(ancestry):
        if matches_only_marked(selector, root):
            return selector
    return None


def _ident(name: str) -> str:
    """``name`` as a CSS identifier (ids and classes with odd characters escaped)."""
    out = []
    for i, ch in enumerate(name):
        if (ch.isalnum() and ch.isascii() and not (i == 0 and ch.isdigit())) or ch in "-_":
            out.append(ch)
        else:
            out.append(f"\\{ord(ch):x} ")
    return "".join(out)


# Run in the page on a click: marks the element and reports it and its ancestors (never the page's own
# objects: plain strings and numbers only).
ANCESTRY_JS = r"""
(function (el, marker) {
  var out = [];
  document.querySelectorAll('[' + marker + ']').forEach(function (e) { e.removeAttribute(marker); });
  el.setAttribute(marker, '1');
  for (var node = el; node && node.nodeType === 1 && node.tagName !== 'HTML'; node = node.parentElement) {
    var attrs = {};
    for (var i = 0; i < node.attributes.length; i++) {
      var a = node.attributes[i];
      if (a.name !== 'id' && a.name !== 'class' && a.name !== marker) attrs[a.name] = a.value;
    }
    var index = 1;
    for (var s = node.previousElementSibling; s; s = s.previousElementSibling) {
      if (s.tagName === node.tagName) index++;
    }
    var prev = node.previousElementSibling, label = '';
    if (prev && prev.textContent.length < 60) label = prev.textContent;
    out.push({tag: node.tagName.toLowerCase(), id: node.id || '', classes: Array.from(node.classList),
              attrs: attrs, index: index, label: label, label_tag: prev ? prev.tagName.toLowerCase() : ''});
  }
  return out;
})
"""
