"""The words a shop writes right before a price: "Was:", "UVP", "statt", "Regular price" mark the old price;
"Now", "Sale price", "Jetzt" the price to pay. Screen-reader labels ("visually hidden" spans) count too: they
say exactly which price is which."""

from __future__ import annotations

import enum
import re
from functools import lru_cache

from pricewatch.scraping import currencies
from pricewatch.scraping.extract.document import Element, text_start

_MAX_LABEL = 40
_LIST_LABEL = re.compile(
    r"(?:^|\W)(?:was|original(?: price)?|regular(?: price)?|list price|rrp|msrp|retail price|compare at|"
    r"before|normal price|uvp|statt|vorher|bisher|ursprünglicher preis|avant|prix (?:de base|initial|barré)|"
    r"ancien prix|antes|precio (?:anterior|original|regular)|prima|prezzo (?:di listino|consigliato|pieno)|"
    r"van|adviesprijs|eski fiyat|piyasa fiyat\u0131|liste fiyat\u0131|cena regularna|poprzednia cena|"
    r"preço (?:antigo|original)|prezzo (?:originale|precedente)|list|"
    # Central and Northern Europe
    r"běžná cena|původní cena|doporučená cena|pôvodná cena|bežná cena|cena katalogowa|stara cena|"
    r"eredeti ár|korábbi ár|preț vechi|pret vechi|preț întreg|ord\.? pris|ordinarie pris|tidigare pris|"
    r"normalpris|vejl\.? pris|veil\.? pris|før|ordinær pris|normaalihinta|ovh|αρχική τιμή|"
    r"старая цена|было|стара ціна|стара цена|redovna cijena|stara cijena|redna cena|sena kaina|"
    # Asian, Arabic and Hebrew shops
    r"通常価格|定価|参考価格|希望小売価格|原价|原價|建議售價|建议零售价|市场价|市場價|정가|소비자가|"
    r"ราคาปกติ|giá gốc|giá cũ|giá niêm yết|السعر الأصلي|السعر القديم|كان|מחיר קודם|מחיר מקורי|"
    r"m\.?r\.?p\.?)\W*$"
)
_SALE_LABEL = re.compile(
    r"(?:^|\W)(?:now|sale price|discounted price|our price|special price|deal price|price|jetzt|nur|"
    r"angebotspreis|aktionspreis|preis|maintenant|prix promo|prix|ahora|precio oferta|precio|ora|prezzo|"
    r"nu|voor|prijs|teraz|cena|por|preço|şimdi|indirimli fiyat|fiyat|internet price|precio internet|"
    r"판매가|할인가|할인판매가|販売価格|価格|售价|售價|促销价|優惠價|网络价|網路價|ราคา|giá bán|giá|"
    r"السعر|מחיר|pris|hinta|hind|kaina|cijena|τιμή|цена|ціна|ár|"
    # the price with tax, beside the one without ("Bruttó ár", "Cena brutto")
    r"brutto|bruttó|gross price|"
    # "Current price is:", as shop platforms label the sale price for screen readers
    r"(?:current|actual) price|prix actuel|aktueller preis|precio actual|prezzo attuale|preço atual|"
    r"huidige prijs|aktualna cena|"
    # the price of one piece, beside a price per kilo or litre ("Per stuk", "pro Stück", "la pièce")
    r"per stuk|per piece|each|pro stück|je stück|la pièce|l'unité|por unidad|la unidad|al pezzo|"
    r"per styck|per stk|"
    # the offer's own word, as shops write it above a sale price ("Tilbud", "Akce", "מחיר מבצע")
    r"sale|on sale|offer|deal|promo|promotion|angebot|aktion|sonderpreis|offre|oferta|offerta|promozione|"
    r"aanbieding|actie|promocja|promoção|kampanya|tilbud|tilbudspris|erbjudande|kampanjpris|rea|tarjous|"
    r"akce|akciós ár|akció|akcia|ofertă|promoție|προσφορά|акция|акція|akcija|"
    r"特価|セール価格|セール|특가|세일가|ราคาพิเศษ|ลดราคา|khuyến mãi|giá khuyến mãi|giá ưu đãi|"
    r"عرض|سعر العرض|מבצע|מחיר מבצע)\W*$"
    r"|[价價]\W*$"
)
# The filler a label may end with before its amount: a currency written in letters ("List price R 2,999",
# "Statt CHF 1'499.-", "原價 NT$1,680") or a verb ("Current price is: 39,90 €", "Ursprünglicher Preis war:").
# The last word (after a blank, or after letters of a script written without blanks), without trailing
# stops and colons.
_TRAILER = re.compile(
    r"(?:\s|(?<=[\u3040-\u9fff\uac00-\ud7af]))([^\s\u3040-\u9fff\uac00-\ud7af]{1,5}?)[.:\s]*$"
)
_COPULAS = frozenset(
    {"is", "ist", "est", "es", "era", "è", "é", "war", "är", "var", "er", "on", "je", "jest", "wynosi",
     "beträgt", "bedraagt", "était", "fue", "foi", "bylo", "byla", "była", "olan"}
)  # fmt: skip
# Letters of scripts written without spaces, spaced out one by one for typography ("促 销 价").
_SPACED_CJK = re.compile(
    r"(?<=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]) (?=[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af])"
)


class Label(enum.Enum):
    """What the text before a price says it is."""

    NONE = 0
    LIST = 1
    SALE = 2


def label_before(el: Element, own_text: str) -> Label:
    """Read the label in the element's own text before the amount, else in the short text just before it
    (the previous sibling, the parent's leading text; one level up when nothing precedes the element)."""
    cut = next((i for i, ch in enumerate(own_text) if ch.isdigit()), len(own_text))
    verdict = _classify(own_text[:cut])
    if verdict is not Label.NONE:
        return verdict
    node: Element | None = el
    digits = _digits(own_text)
    for _ in range(2):
        if node is None:
            break
        before = _text_before(node, digits)
        if before is not None:
            return _classify(before)
        node = node.getparent()
    return Label.NONE


def text_before(el: Element, own_text: str) -> str:
    """The label text before the element's amount: the short text just before the element (as
    :func:`label_before` reads it) followed by the element's own text before its digits."""
    cut = next((i for i, ch in enumerate(own_text) if ch.isdigit()), len(own_text))
    own = own_text[:cut]
    if len(own.strip()) > _MAX_LABEL // 2:
        return own
    node: Element | None = el
    digits = _digits(own_text)
    for _ in range(2):
        if node is None:
            break
        before = _text_before(node, digits)
        if before is not None:
            return f"{before} {own}"
        node = node.getparent()
    return own


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _text_before(node: Element, digits: str = "") -> str | None:
    """The text right before ``node`` inside its parent ("" when it is too long to be a label), or None when
    nothing but blanks precedes it there. A sibling that writes the same amount (``digits``) is a copy of
    the price, for screen readers or another layout, not its label: the label is before both."""
    sibling = node.getprevious()
    for _ in range(3):
        if sibling is None:
            break
        if sibling.tail and not sibling.tail.isspace():
            return _short(sibling.tail[-(_MAX_LABEL + 1) :])
        if isinstance(sibling.tag, str):
            text = text_start(sibling, _MAX_LABEL + 1)
            if text and not text.isspace() and not (digits and _digits(text) == digits):
                return _short(text)
        sibling = sibling.getprevious()
    if sibling is None:
        parent = node.getparent()
        if parent is not None and parent.text and not parent.text.isspace():
            return _short(parent.text[-(_MAX_LABEL + 1) :])
    return None


def _short(text: str) -> str:
    text = " ".join(text.lower().split())
    return text if len(text) <= _MAX_LABEL else ""


def _classify(text: str) -> Label:
    text = " ".join(text.lower().split())
    if not text or len(text) > _MAX_LABEL:
        return Label.NONE
    if not text.isascii():
        text = _SPACED_CJK.sub("", text)
    verdict = _match(text)
    if verdict is Label.NONE:
        trailer = _TRAILER.search(text)
        if trailer is not None and trailer.start() > 0 and _filler(trailer.group(1)):
            verdict = _match(text[: trailer.start()])
    return verdict


def _match(text: str) -> Label:
    if _LIST_LABEL.search(text):
        return Label.LIST
    if _SALE_LABEL.search(text):
        return Label.SALE
    return Label.NONE


def _filler(word: str) -> bool:
    """Whether a label's last word is a currency or a verb, not a word that says what the amount is."""
    return word in _COPULAS or (len(word) == 1 and word.isalpha()) or word in _currency_words()


@lru_cache(maxsize=1)
def _currency_words() -> frozenset[str]:
    """Currency symbols and ISO codes of up to five characters, lower case, as a label ends with them."""
    short = (s.lower() for s in currencies.symbols_for_matching() if len(s) <= 5)
    return frozenset([*short, *(code.lower() for code in currencies.text_codes())])


def classify_label(text: str) -> Label:
    """What a short label says the amount after it is (LIST, SALE or NONE)."""
    return _classify(text)
