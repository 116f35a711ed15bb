"""Where things are on a product page: the title, the buy button, the buy box, and which parts to distrust.

Per-element verdicts (hidden, part of a menu or a related-products list, a crossed-out list price) come from
the element's own tag and attributes and are cached, so checking all ancestors of many elements stays cheap.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import islice

from lxml import etree

from pricewatch.scraping.extract.document import Element, Page, heading, text_start
from pricewatch.scraping.extract.words import AVOID, LIST, NOT_PRICE, SALE, names, words

_AVOID_TAGS = frozenset(
    {
        "nav",
        "footer",
        "header",
        "aside",
        "select",
        "option",
        "script",
        "style",
        "noscript",
        "template",
        "button",
    }
    | {"label", "textarea"}
)
LIST_TAGS = frozenset({"del", "s", "strike"})
# A list-price word joined to "price" ("original-price", "price--old") wins over any sale word beside it.
_LIST_PRICE = re.compile(
    r"(?:old|was|original|regular|list|strike|before|crossed|compare|prev|reference)[-_]{0,2}(?:price|preis|prix)|"
    r"(?:price|preis|prix)[-_]{1,2}(?:old|was|original|regular|list|strike|before|crossed|compare|prev)"
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_HIDDEN_CLASS = re.compile(
    r"(?:^|\s)(?:hidden|d-none|hide|is-hidden|visually-hidden|sr-only|invisible)(?:\s|$)"
)
_BUY_ASCII = re.compile(
    r"add[\s_-]?to[\s_-]?(?:cart|basket|bag|trolley)|addtocart|add-to-cart|buy[\s_-]?now|buy[\s_-]?button|"
    r"warenkorb|ajouter au panier|aggiungi al carrello|a la cesta|al carr|winkelwagen|do koszyka|"
    r"adicionar ao carrinho|na sacola|sepete ekle|comprar|acheter|kaufen|kopen|acquista|kup teraz|bestellen|"
    r"varukorg|legg i handlekurv|ostoskori|koupit|in cos|pirkti|ostukorvi|keranjang|troli"
)
# Platform names of the cart button, the same in every language ("button-cart" in OpenCart); each holds
# "cart" or "buy", so the search runs only on labels with those.
_BUY_IDS = re.compile(
    r"button[-_]cart|btn[-_]cart|cart[-_]btn|cart[-_]button|btn[-_]buy|buy[-_]btn|btn[-_]addtocart"
)
# Words with letters beyond ASCII, searched only in such text: one alternation of them all costs ten times
# as much on the plain ASCII labels of most pages.
_BUY_OTHER = re.compile(
    r"añadir al carr|sat\u0131n al|à sacola|"
    # Nordic, Baltic, Central and Eastern European, Greek
    r"köp|læg i kurv|kjøp|køb|do košíku|do košíka|kúpiť|kosárba|vásárl|în coș|cumpără|į krepšelį|grozā|"
    r"u košaricu|v košarico|στο καλάθι|αγορά|в корзину|купить|\u0443 кошик|купити|в количката|\bк\u0443пи\b|"
    r"\u0443 корпу|"
    # Asian, Arabic and Hebrew shops
    r"カートに|かごに|購入|加入购物车|加入購物車|立即购买|直接購買|장바구니|바로구매|구매하기|ตะกร้า|ซื้อ|"
    r"giỏ hàng|vào giỏ|chọn mua|mua ngay|أضف إلى السلة|أضف للسلة|اشتر|לסל|לקנייה|კალათ|ყიდვა"
)


def buy_words(label: str) -> bool:
    """Whether a lower-case control label says "add to cart" or "buy", in one of the shops' languages."""
    return (
        _BUY_ASCII.search(label) is not None
        or (("cart" in label or "buy" in label) and _BUY_IDS.search(label) is not None)
        or (not label.isascii() and _BUY_OTHER.search(label) is not None)
    )


# The word lists above are matched, without re.IGNORECASE (ten times slower), against lower-cased text.
_BUTTON_INPUT_TYPES = frozenset({"submit", "button"})
_BUTTON_CLASS = re.compile(r"btn|button|Btn|Button")
_MAX_LINKS = 300
_REGION_LEVELS = 4
_REGION_MAX_ELEMENTS = 800  # a bigger "buy box" is most of the page: reading it would cost a full scan
_LARGER_THAN: dict[int, etree.XPath] = {}  # by size: whether an element has more descendants than that


def _larger_than(el: Element, size: int) -> bool:
    """Whether ``el`` has more than ``size`` descendant elements. libxml2 stops at the one past ``size``
    for a literal position, where counting them all would read a whole page section."""
    test = _LARGER_THAN.get(size)
    if test is None:
        test = _LARGER_THAN[size] = etree.XPath(f"boolean(descendant::*[{size + 1}])")
    return bool(test(el))


# Headings of page parts about other products or other sellers, in the shops' languages.
_OTHER_OFFERS = (
    *("related", "similar", "you may also", "you might also", "also bought", "also viewed", "also like"),
    *("frequently bought", "bought together", "buy it with", "recommended", "recently viewed"),
    *("other sellers", "more sellers", "more buying choices", "accessor", "sponsored", "bundle"),
    *("kunden kauften", "kunden haben auch", "ähnliche", "zubehör", "weitere angebote", "andere verkäufer"),
    *("passend dazu", "empfehlung", "vous aimerez", "produits similaires", "accessoires", "autres vendeurs"),
    *("souvent achetés", "potrebbe interessarti", "prodotti simili", "altri venditori", "spesso comprati"),
    *("también te puede", "productos relacionados", "otros vendedores", "comprados juntos"),
    *("gerelateerde", "vergelijkbare", "anderen bekeken", "andere verkopers", "benzer ürünler"),
    *("ilginizi çekebilir", "diğer sat\u0131c\u0131lar", "birlikte al\u0131nan", "podobne produkty"),
    *("inni sprzedawcy", "produtos relacionados", "outros vendedores", "quem viu", "compre junto"),
    *("関連商品", "おすすめ", "この商品を見た人", "一緒に購入", "相关商品", "推荐", "看了又看", "猜你喜欢"),
    *("相關商品", "推薦", "함께 본", "추천 상품", "연관 상품", "관련 상품", "สินค้าที่เกี่ยวข้อง"),
    *("sản phẩm liên quan", "sản phẩm tương tự", "منتجات ذات صلة", "منتجات مشابهة", "מוצרים דומים"),
    *("מוצרים נוספים", "похожие товары", "\u0441 этим товаром покупают"),
)
OTHER_OFFERS_HEADING = re.compile("|".join(re.escape(p) for p in _OTHER_OFFERS))
_HEADINGS = frozenset({"h2", "h3", "h4", "h5", "h6"})
_HEADING_TEXT = 60
_LEAD_ELEMENTS = 5  # an icon or a small label may come before a part's heading


def _titled_as_other(node: Element) -> bool:
    """Whether the part opens with a heading about other products or sellers ("Customers also bought")."""
    for count, child in enumerate(node.iterchildren(etree.Element)):
        if count >= 2:
            break
        if child.tag in _HEADINGS:
            text = text_start(child, _HEADING_TEXT).lower()
            return len(text) <= _HEADING_TEXT and bool(OTHER_OFFERS_HEADING.search(text))
        if next(islice(child.iterdescendants(), _LEAD_ELEMENTS, None), None) is not None:
            return False  # a heading after the product's own block titles what follows, not the part
    return False


def attrs(el: Element) -> str:
    """The attributes that name what an element is for (class, id, itemprop, data-testid), lower case."""
    return names(el).lower()


class Layout:
    """The product title, the buy button and cached per-element verdicts of one page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self._avoids: dict[Element, int] = {}
        self._hiddens: dict[Element, bool] = {}
        self._lists: dict[Element, bool] = {}
        self._words: dict[Element, frozenset[str]] = {}
        self.title = self._find_title()
        self.buy = self._find_buy()

    def _find_title(self) -> Element | None:
        return heading(self.page, lambda h1: not self.hidden(h1))

    def _find_buy(self) -> Element | None:
        """The first buy control after the title (cart buttons in the page header come before it), else the
        last one before it."""
        controls = self.page.all("controls")
        if self.title is not None:
            # The controls are in document order: the title's place splits them (a page may have hundreds).
            order = self.page.order
            split = bisect_right(controls, order.get(self.title, 0), key=order.__getitem__)
            controls = controls[split:] + controls[split - 1 :: -1] if split else controls
        for el in controls[:300]:
            tag = el.tag
            if tag == "input" and str(el.get("type", "")).lower() not in _BUTTON_INPUT_TYPES:
                continue
            if tag == "form" and el.get("action") is None:
                continue
            if self.is_buy(el):
                return el
        return self._buy_link()

    def _buy_link(self) -> Element | None:
        """Without a buy button: a link styled as one ("<a class="btn js_btn_buy">In winkelwagen</a>"),
        which shops use when a script, not a form, puts the product in the cart. Looked for around the
        title when there is one (reading every link of a big page costs a millisecond)."""
        root = self.page.root
        if self.title is not None:
            root = next(islice(self.title.iterancestors(), _REGION_LEVELS - 1, None), root)
        for el in islice(root.iter("a"), _MAX_LINKS):
            cls = el.get("class")
            if (
                (cls is not None and _BUTTON_CLASS.search(cls)) or el.get("role") == "button"
            ) and self.is_buy(el):
                return el
        return None

    def is_buy(self, el: Element) -> bool:
        """Whether ``el`` is an add-to-cart / buy control outside menus and lists."""
        label = f"{attrs(el)} {el.get('value', '')} {el.get('action', '')} {text_start(el, 80)}".lower()
        return buy_words(label) and not self.avoided(el)

    def words(self, node: Element) -> frozenset[str]:
        """The words of the node's class, id and itemprop names (cached)."""
        found = self._words.get(node)
        if found is None:
            found = self._words[node] = words(names(node))
        return found

    def _avoid(self, node: Element) -> int:
        """1 if the node marks a part to avoid, 2 if only for prices (shipping, instalments), else 0."""
        verdict = self._avoids.get(node)
        if verdict is None:
            if node.tag in _AVOID_TAGS:
                verdict = 1
            elif node.tag in ("body", "html"):
                verdict = 0  # page-wide classes say nothing about a part of the page
            else:
                found = self.words(node)
                verdict = 1 if found & AVOID else 2 if found & NOT_PRICE else 0
                if verdict == 0 and _titled_as_other(node):
                    verdict = 1
            self._avoids[node] = verdict
        return verdict

    def _hidden(self, node: Element) -> bool:
        verdict = self._hiddens.get(node)
        if verdict is None:
            style = node.get("style")
            cls = node.get("class")
            verdict = self._hiddens[node] = (
                node.get("hidden") is not None
                or node.get("aria-hidden") == "true"
                or bool(style and _HIDDEN_STYLE.search(style.lower()))
                or bool(cls and _HIDDEN_CLASS.search(cls))
            )
        return verdict

    def _listed(self, node: Element) -> bool:
        verdict = self._lists.get(node)
        if verdict is None:
            verdict = node.tag in LIST_TAGS or "line-through" in node.get("style", "").lower()
            verdict = verdict or bool(_LIST_PRICE.search(attrs(node)))
            found = self.words(node)
            verdict = verdict or bool(found & LIST and not found & SALE)
            self._lists[node] = verdict
        return verdict

    def hidden(self, el: Element) -> bool:
        """Whether the element or an ancestor is hidden (attribute, inline style or a "hidden" class)."""
        return self._hidden(el) or any(self._hidden(n) for n in el.iterancestors())

    def avoided(self, el: Element, price: bool = False) -> bool:
        """Whether an ancestor is a menu, header, related-products list, variant picker and the like (or,
        for a ``price``, a shipping, instalment or unit-price part)."""
        for depth, node in enumerate(el.iterancestors()):
            verdict = self._avoid(node)
            # Shipping and instalment notes sit right around their amount; a "shipping offer" section far up
            # is the whole buy box.
            if verdict == 1 or (price and verdict == 2 and depth < 3):
                return True
        return False

    def is_sale_price(self, el: Element) -> bool:
        """Whether the element's names say it is the price to pay now ("sale", "special", "current")."""
        return bool(self.words(el) & SALE)

    def is_list_price(self, el: Element) -> bool:
        """Whether the element or one of its three nearest ancestors marks a crossed-out or "was" price."""
        node: Element | None = el
        for _ in range(4):
            if node is None:
                return False
            if self._listed(node):
                return True
            node = node.getparent()
        return False

    def crossed_out(self, el: Element) -> bool:
        """Whether the element or one of its three nearest ancestors is struck through (a tag or a style)."""
        node: Element | None = el
        for _ in range(4):
            if node is None:
                return False
            if node.tag in LIST_TAGS or "line-through" in node.get("style", "").lower():
                return True
            node = node.getparent()
        return False

    def region(self, limit: int = _REGION_MAX_ELEMENTS) -> Element | None:
        """The buy box: the smallest part holding both the title and the buy button when it is not most of the
        page, else the title's ancestor a few levels up (below ``body`` and not too big), else the buy
        button's."""
        if self.title is not None and self.buy is not None:
            above = set(self.title.iterancestors())
            common = next((n for n in self.buy.iterancestors() if n in above), None)
            if common is not None and common.tag not in ("body", "html") and not _larger_than(common, limit):
                return common
        for anchor in (self.title, self.buy):
            node = anchor
            for _ in range(_REGION_LEVELS):
                if node is None:
                    break
                parent = node.getparent()
                if parent is None or parent.tag in ("body", "html") or _larger_than(parent, limit):
                    break
                node = parent
            if node is not None and node.tag not in ("body", "html"):
                return node
        return None
