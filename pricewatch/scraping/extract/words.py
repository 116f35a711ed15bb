"""What the class, id and itemprop names of an element say it is for, read as words.

"relatedProducts", "related-products" and "related_products__item" all hold the word "related". Matching
whole words (with plurals and joined pairs like "productlist") instead of substrings keeps "celwidget" from
being a widget, "unavailable" from being a nav and "font-normal" from being a list price.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from pricewatch.scraping.extract.document import Element

_SPLIT = re.compile(r"[^A-Za-z]+|(?<=[a-z])(?=[A-Z])")


_NONE: frozenset[str] = frozenset()


def _vocabulary(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Parts of a page whose prices and messages are about other products or other things.
AVOID = _vocabulary(
    """
    related relatedproduct recommend recommended recommendation recommender similar carousel slider
    recent recently recentlyviewed upsell crosssell alsobought alsoviewed alsolike bundle accessory
    accessories review minicart minibasket cartdrawer cartitem cartpreview sidecart flyoutcart menu
    megamenu breadcrumb footer header nav navbar navigation sidebar widget teaser suggest suggestion
    sponsor sponsored compare comparison tile producttile productlist productlisting productgrid listing
    swiper owl banner frequently others customer promobar cookie modal popup variant swatch option
    toolbar sorter sorting pager pagination limiter facet facets filters refinement refinements
    """
)
# Parts whose amounts are not the price (shipping costs, instalments, unit prices), though their words may
# say whether the product can be delivered.
NOT_PRICE = _vocabulary(
    """
    shipping delivery installment instalment financing finance monthly klarna unitprice baseprice
    grundpreis perunit priceunit unitcontent referenceprice pricereference
    """
)
# A crossed-out, "was" or recommended retail price ("list" alone is an HTML list: "list-unstyled").
LIST = _vocabulary(
    """
    old was strike strikethrough striked strikeout before regular listprice original rrp uvp
    crossed crossout compareat prev previous statt barred barre barrato tachado normal retail msrp
    instead reference oud eski anterior vorher nonsale fullprice initial saving discountamount streich
    streichpreis strkthru strikethru van ancien avant vecchio listino antes stara poprzednia przekreslona
    antigo riscado
    """
)
# The price to pay now.
SALE = _vocabulary(
    """
    sale special final current now offer promo actual selling ourprice deal discounted reduced newprice
    nuevo nouveau sconto indirim main primary big neu aktuell angebot actuel scontato offerta attuale
    oferta rebajado voor aanbieding nieuw nowa promocja promocyjna por promocional atual indirimli yeni
    guncel
    """
)


# Pickers of one size, colour or variant: a "sold out" there is about that variant, not the product. Plurals
# only for size and colour: "a-size-medium" and "text-color" are typography.
VARIANT = _vocabulary(
    """
    sizes sizeselector sizepicker colors colours swatch variant variation option
    groesse grosse farbe taille couleur talla taglia colore maat kleur rozmiar kolor tamanho
    beden renk storlek farge velikost barva meret marime
    """
)


def names(el: Element) -> str:
    """The attributes that name what an element is for: class, id, itemprop and data-testid."""
    return f"{el.get('class', '')} {el.get('id', '')} {el.get('itemprop', '')} {el.get('data-testid', '')}"


@lru_cache(maxsize=8192)
def words(text: str) -> frozenset[str]:
    """The lower-case words of class-like names, their singulars and adjacent pairs of one name joined
    (cached: pages repeat the same class strings many times)."""
    if not text or text.isspace():
        return _NONE
    found: list[str] = []
    # Pairs are joined within one class name only: "product-grid" is a grid of products, but the two classes
    # "product grid" are a product laid out as a grid.
    for token in text.split():
        parts = [p.lower() for p in _SPLIT.split(token) if p]
        found += [*parts, *(a + b for a, b in pairwise(parts))]
    found += [p[:-1] for p in found if len(p) > 3 and p[-1] == "s"]
    found += [p[:-2] for p in found if len(p) > 4 and p.endswith("es")]
    return frozenset(found)
