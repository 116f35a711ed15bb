"""Amounts that are shown like prices but are not the price to pay for one unit of the product.

Shops write them with a price's markup, often in the buy box: instalments ("12 x 9,99", "3 rate da"), unit
prices ("1,99 €/kg", "soit 33,60 € le litre"), shipping costs, member, card, app and coupon prices, "from"
prices of other variants, prices without tax, quantity prices ("10 or more") and savings. What gives them away
is the short text right before the amount (its label) or right after it (its unit), in the shop's language.
"""

from __future__ import annotations

import re

MEMBER_PRICE = "member or coupon price"
# Each pattern is matched against lower-cased text; re.IGNORECASE makes long alternations much slower.
_BEFORE = {
    "instalment": (
        r"\d\s*[x\u00d7]\s*(?:de|of|da|von|à|a)?\s*$|cuotas?\b|parcelas?\b|\bvezes\b|\brate\b|\braten\b|\brata\b|"
        r"\braty\b|\brat\b|taksit|install?ments?|payments? of|pay in \d|\bemi\b|financ|finanz|mensualit|"
        r"per month|a month|monthly|monatlich|al mes\b|par mois|al mese|delbetal|afbetal|osamaks|splátk|"
        r"részlet|ผ่อน|分期|分割|할부|تقسيط|תשלומים|рассрочк|розстрочк"
    ),
    MEMBER_PRICE: (
        r"member|mitglied|\bclub|\bvip\b|loyalty|rewards?\b|会员|会員|회원|with (?:the )?card|card price|"
        r"con tarjeta|com cart[aã]o|coupon|cupón|cupom|gutschein|voucher|with code|mit (?:dem )?code|"
        r"avec (?:le )?code|con (?:el )?código|kod rabat|kupon|sepette|in (?:the )?(?:basket|cart)|"
        r"\bpix\b|boleto|app price|in the app|student|"
        # coupon and member prices beyond the Latin script
        r"クーポン|会員価格|쿠폰|회원가|优惠券|優惠券|券后|券後|คูปอง|สมาชิก|mã giảm|thành viên|كوبون|קופון|"
        r"купон|члена клуба|для членов|"
        # member and club words of Nordic, Central and Southern European shops ("Klubbpris", "Medlemspris")
        r"klubb|\bklub|kundeklub|medlem|jäsen|\bbonus|stammkunde|kundenkarte|členy|člen|członk|"
        r"\btagok|\btagi|membri|membru|\bsocios?\b|\bsoci\b|adhérent|fidélité|fidelidad|fidelidade|"
        r"fedeltà|\büye|клубн|клубна|μέλη|會員|ledenprijs|voor leden|sócio|avec (?:la )?carte|prix carte|"
        r"püsiklient|"
        # paid membership programmes' prices ("PLUS价", "Prime price", "와우할인가", "Genius")
        r"plus\s?[价價]|plus\s?会员|plus\s?會員|plus member|prime(?: exclusive)? price|prime-preis|"
        r"prix prime|precio prime|with prime|\bgenius\b|와우|88vip|"
        r"الأعضاء|للأعضاء|عضوية|מועדון|לחברי"
    ),
    "from price": (
        r"(?:^|[^\w])(?:from|starting at|starts at|as low as|ab|desde|a partir de|à partir de|dès|vanaf|"
        r"fra|från|alkaen|alates|od|da|von|už od|ot|от|від)\s*:?\s*$"
    ),
    "price without tax": (
        r"netto|nettó|\bnet\b|ex\.?\s*tax|ex\.?\s*vat|excl|exkl|zzgl\.?\s*mwst|ohne mwst|hors tax|\bht\b|"
        r"bez dph|bez pvm|bez vat|без ддс|без пдв|без ндс|sin iva|senza iva|sans tva|sem iva|kdv hariç|"
        r"ex moms|uden moms|ilman alv|áfa nélkül|fără tva|税抜|税別|不含税|"
        r"be pvm|bez pdv|bez pvn|käibemaksuta|\bkm-ta|excluding (?:vat|tax)|before tax|pre-tax|"
        r"ohne ust|exkl\.? ust|hors taxes|sans taxes|不含稅|未稅|부가세 별도|vat 별도|chưa (?:bao gồm )?vat|"
        r"ไม่รวม vat|ไม่รวมภาษี|بدون ضريبة|לפני מע\"מ"
    ),
    "unit price": (
        r"grundpreis|unit price|per unit|prix unitaire|prix au (?:kg|kilo|litre)|precio por (?:kg|litro)|"
        r"prezzo al (?:kg|litro)|cena za|jednostkow|単価|\bsoit\b"
    ),
    "shipping cost": (
        r"versand|shipping|delivery|postage|envío|envio|livraison|frais de port|frete|portes|spedizione|"
        r"consegna|"
        r"verzend|bezorg|frakt|fragt|toimitus|doprava|dostawa|poštovné|szállítás|kargo|送料|运费|運費|"
        r"배송비|ค่าส่ง|vận chuyển|משלוח|توصيل|شحن|доставка|μεταφορικά|αποστολή|livrare|dostava|poštnina|"
        r"pristatymas|piegāde|tarne|ongkir|ongkos kirim|penghantaran|phí giao hàng"
    ),
    "quantity price": (
        r"\d\s*(?:or more|ou plus|o más|oder mehr|lub więcej|\+)\s*:?\s*$|staffel|"
        r"\b(?:ab|od|from|buy|osta|kup|vanaf|à partir de|a partir de|desde)\s+\d+\s*"
        r"(?:st|stk|stück|szt|ks|pcs|pieces|units?|kpl)?\.?\s*:?\s*$"
    ),
    "price filter": (
        r"highest price|lowest price|max(?:imum)? price|min(?:imum)? price|price range|"
        r"höchster preis|niedrigster preis|prix (?:le plus|max|min)|precio (?:máximo|mínimo)|"
        r"prezzo (?:massimo|minimo)|cena (?:maksymalna|minimalna)|en yüksek fiyat|en düşük fiyat"
    ),
    "saving": (
        r"\bsave\b|you save|sparst|sparen sie|économisez|ahorras|ahorra\b|risparmi|bespaar|oszczędzasz|"
        r"economize|tasarruf|kazanc|ušetříte|ušetríte|ušetřete|sparer|sparar|säästä|megtakarítás|spórol|"
        r"economisești|economisiți|ušteda|uštedite|prihranek|prihranite|sutaupote|ietaupi|säästad|"
        r"κερδίζετε|экономия|економія|お得|节省|節省|省下|立省|절약|할인금액|ประหยัด|tiết kiệm|"
        r"توفير|وفر|חסכון|חיסכון|תחסכו"
    ),
}
# A label names the amount right after it: the keyword ends the label, give or take a few words ("12 cuotas
# sin interés de"), so a "Free shipping" badge further before the price does not make it a shipping cost.
_NEAR_END = r")[^\d]{0,20}$"
_ANCHORED = frozenset({"from price", "quantity price"})
# One pattern for all kinds, each a named group, so a label is searched once.
_GROUPS = {kind: f"k{i}" for i, kind in enumerate(_BEFORE)}
_KINDS = {group: kind for kind, group in _GROUPS.items()}
_BEFORE_RE = re.compile(
    "|".join(
        f"(?P<{_GROUPS[kind]}>" + (pattern if kind in _ANCHORED else "(?:" + pattern + _NEAR_END) + ")"
        for kind, pattern in _BEFORE.items()
    )
)
_INCLUDED_NEAR = 12  # characters before the amount where "incl. tax" names it
_TAX_INCLUDED = re.compile(
    r"税込|含税|含稅|inkl|incl|including (?:vat|tax)|inc\.? vat|vč\.? dph|s dph|su pvm|s pdv|ar pvn|"
    r"\u0441 ндс|\u0441 ддс|\bttc\b|iva incl|con iva|ivato|kdv dahil|inkl\.? moms|med moms|sis\. alv|áfával|"
    r"cu tva|부가세 포함"
)
_FREE = re.compile(
    r"free|gratis|kostenlos|kostenfrei|versandfrei|gratuit|grátis|darmow|ücretsiz|無料|免|무료|miễn phí|"
    r"бесплатн|δωρεάν|zdarma|ingyenes|fri frakt|fri fragt|ilmainen|besplatn|brezplačn|nemokam|bezmaksas|"
    r"tasuta|مجاني|חינם|ฟรี"
)
# "Free shipping over": the amount after it is the threshold for free shipping, no price either.
_THRESHOLD = re.compile(
    r"(?:over|above|orders? of|spend|ab|über|dès|à partir de|desde|a partir de|oltre|sopra|vanaf|boven|över|"
    r"från|yli|od|nad|powyżej|felett|peste|άνω των|от|від|以上|이상|trên|فوق|מעל|acima de|iznad)\W*$"
)
# Written right after the amount: a unit, a period, "interest-free", a "from" mark.
_AFTER = re.compile(
    r"^\s*(?:/\s*(?:\d+(?:[.,]\d+)?\s?)?(?:kg|g|l|ml|m|m2|m²|liter|litre|litro|kilo|kilogramm?|stück|"
    r"100\s?g|100\s?ml|st|stk|szt|ks|pc|pcs|unit|mo|mon|month|mes|mês|mois|"
    r"monat|mese|maand|mån|mnd|kk|měs|mies|ay|月|เดือน|tháng|fl\.?\s?oz|oz|lb|ct|count|ea|each|ft|sq\.?\s?ft|"
    r"yd|gal|qt|pk|100\s?st)\b|(?:le|la|per|pro|je|al|por|za)\s+(?:kg|kilo|"
    r"litre|liter|litro|l|100\s?g|100\s?ml|m|m2|unit|stück|szt|ks)\b|x\s*\d|\u00d7\s*\d|[~\uff5e]|から|起|부터|"
    r"(?:sem juros|sin interés|sin intereses|senza interessi|interest[- ]free|zinsfrei|sans frais)|"
    # written after the amount: "1 066 Kč bez DPH", "£40.00 ex VAT"
    r"(?P<tax>[(\uff08]?\s*(?:"
    r"bez dph|bez pvm|bez pdv|bez pvn|netto|excl|exkl|ex\.? ?vat|ex\.? ?tax|\+ ?vat|\+ ?tax|plus vat|"
    r"zzgl\.? mwst|ht\b|hors taxes|sin iva|senza iva|sans tva|税抜|税別|不含税|未稅|\+ ?moms|ex\.? ?moms|"
    r"ohne mwst))|"
    # a filter's bound: "20,00 € and more"
    r"(?:and (?:up|more|above)|& up|und mehr|et plus|y más|e oltre|en meer|i więcej|a více|és felett|"
    r"ja rohkem|ja enemmän|og mere|och mer|ve üzeri|и выше|\u0456 вище|"
    # a quantity tier's bound: "5 or more"
    r"or more|oder mehr|ou plus|o más|o più|of meer|lub więcej|eller mer|eller flere|nebo více|vagy több))"
)
_MAX = 60
# A quantity, not money: the number is followed by a measure ("0.5 Kilogramm", "750 ml", "12 Stück").
_QUANTITY = re.compile(
    r"^\s*(?:kg|g|gr|gramm?e?s?|grams?|kilogramm?e?s?|kilos?|l|lt|liters?|litres?|liter|ml|cl|oz|lbs?|"
    r"st|stk|stück|pcs|pieces|szt|ks|kpl|tabletten|tablets|capsules|kapseln|m|cm|mm|m2|m²|w|watt|v|mah|gb|tb)\b"
)
_CURRENCY_LAST = re.compile(r"(?:\b[^\W\d]{1,3})?[$/]\s*$|[^\w\u00d7]+$")  # "Sizes from £", "desde R$", "ab:"
# "€ / kg", "kr/mån": the unit after the currency.
_CURRENCY_FIRST = re.compile(r"^\s*(?:[^\w\s/]{1,3}|[^\W\d]{1,4}\.?)\s*")


def kind_of(before: str, after: str = "") -> str | None:
    """What an amount is when it is not the price (see the module docstring), from the text right before
    it (its label, lower case or not) and right after it; None when nothing says so."""
    text = _CURRENCY_LAST.sub("", " ".join(before.lower().split())[-_MAX:])
    if text:
        # The label nearest the amount names it: "2 884,30 Kč bez DPH Ušetříte" ends with the saving's. A
        # short word right before the amount ("da", "ab") may end a longer label instead ("3 rate da").
        match = _BEFORE_RE.search(text)
        while match is not None and (later := _BEFORE_RE.search(text, match.start() + 1)) is not None:
            if later.lastgroup is not None and _KINDS[later.lastgroup] in _ANCHORED:
                break
            match = later
        if match is not None and match.lastgroup is not None:
            kind: str | None = _KINDS[match.lastgroup]
            if kind == "price without tax" and _TAX_INCLUDED.search(text[-_INCLUDED_NEAR:]):
                kind = None  # "2,000 (tax excl.) tax incl.": the last label is this amount's own
            free = kind == "shipping cost" and _FREE.search(text) and not _THRESHOLD.search(text)
            if kind is not None and not free:
                return kind
    if after:
        after = after[:_MAX].lower()
        if _QUANTITY.match(after):
            return "quantity"
        match = _AFTER.match(after) or _AFTER.match(_CURRENCY_FIRST.sub("", after, count=1))
        if match is not None:
            return "price without tax" if match.group("tax") else "unit price or instalment"
    return None
