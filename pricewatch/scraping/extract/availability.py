"""Availability from schema.org values and from what the page says in words, in the languages shops use."""

from __future__ import annotations

import re
import unicodedata

from pricewatch.models import Availability

_SCHEMA = {
    "instock": Availability.IN_STOCK,
    "instoreonly": Availability.OUT_OF_STOCK,  # not to be had from the shop online: only in its stores
    "onlineonly": Availability.IN_STOCK,
    "limitedavailability": Availability.IN_STOCK,
    "available": Availability.IN_STOCK,
    "in stock": Availability.IN_STOCK,
    "outofstock": Availability.OUT_OF_STOCK,
    "soldout": Availability.OUT_OF_STOCK,
    "discontinued": Availability.OUT_OF_STOCK,
    "oos": Availability.OUT_OF_STOCK,
    "out of stock": Availability.OUT_OF_STOCK,
    "unavailable": Availability.OUT_OF_STOCK,
    "preorder": Availability.PRE_ORDER,
    "presale": Availability.PRE_ORDER,
    "pre-order": Availability.PRE_ORDER,
    "backorder": Availability.BACK_ORDER,
}

# Phrases a shop shows when the product cannot be bought; matched on lower-cased, accent-kept text.
OUT_OF_STOCK_PHRASES = {
    "en": [
        "out of stock",
        "not in stock",
        "sold out",
        "currently unavailable",
        "no longer available",
        "temporarily unavailable",
        "not available",
        "notify me when available",
        "email me when available",
        "back in stock",
    ],
    "de": [
        "ausverkauft",
        "nicht verfügbar",
        "nicht lieferbar",
        "nicht auf lager",
        "nicht vorrätig",
        "wieder verfügbar",
        "nicht mehr verfügbar",
        "vergriffen",
        "derzeit nicht verfügbar",
        "zurzeit nicht verfügbar",
        "online nicht verfügbar",
    ],
    "fr": [
        "rupture de stock",
        "épuisé",
        "indisponible",
        "en rupture",
        "pas en stock",
        "pas disponible",
        "plus disponible",
        "actuellement indisponible",
        "victime de son succès",
    ],
    "it": [
        "esaurito",
        "non disponibile",
        "non più disponibile",
        "momentaneamente non disponibile",
        "prodotto esaurito",
    ],
    "es": ["agotado", "sin stock", "no disponible", "fuera de stock", "sin existencias", "producto agotado"],
    "nl": [
        "uitverkocht",
        "niet op voorraad",
        "niet leverbaar",
        "niet beschikbaar",
        "tijdelijk uitverkocht",
        "niet meer leverbaar",
    ],
    "pl": [
        "brak w magazynie",
        "niedostępny",
        "wyprzedany",
        "brak towaru",
        "produkt niedostępny",
        "chwilowo niedostępny",
        "wyprzedane",
    ],
    "pt": ["esgotado", "indisponível", "não disponível", "sem estoque", "fora de estoque", "sem stock"],
    "tr": [
        "stokta yok",
        "tükendi",
        "sat\u0131şta değil",
        "stok yok",
        "temin edilemiyor",
        "stoklarda yok",
        "geçici olarak temin edilemiyor",
    ],
}
OUT_OF_STOCK_PHRASES.update(
    {
        "cs": ["vyprodáno", "není skladem", "nedostupné", "momentálně nedostupné"],
        "sk": ["vypredané", "nie je na sklade", "nedostupné"],
        "hu": ["elfogyott", "nincs készleten", "nem elérhető"],
        "ro": ["stoc epuizat", "indisponibil", "nu este în stoc", "nu mai este disponibil"],
        "sv": ["slutsåld", "ej i lager", "tillfälligt slut", "slut i lager", "finns inte i lager"],
        "da": ["udsolgt", "ikke på lager", "midlertidigt udsolgt"],
        "no": ["utsolgt", "ikke på lager", "midlertidig utsolgt"],
        "fi": ["loppuunmyyty", "ei varastossa", "tilapäisesti loppu"],
        "el": ["εξαντλήθηκε", "μη διαθέσιμο", "εκτός αποθέματος"],
        "ru": ["нет в наличии", "распродано", "закончился"],
        "uk": ["немає в наявності", "розпродано"],
        "vi": [
            "hết hàng",
            "tạm hết hàng",
            "ngừng kinh doanh",
            "đã bán hết",
            "tạm hết",
            "không còn hàng",
            "ngừng bán",
        ],
        "ar": [
            *("غير متوفر", "غير متاح", "نفدت الكمية", "نفذت الكمية", "نفد من المخزون", "نفد", "نفدت"),
            *("نفذ", "نفذت", "نفذ المخزون", "انتهى من المخزون", "إنتهى من المخزون", "المنتج غير متوفر"),
        ],
        "he": ["אזל מהמלאי", "לא במלאי", "אזל", "אזל במלאי", "חסר במלאי", "לא זמין", "לא קיים במלאי"],
        "hi": ["स्टॉक में नहीं", "आउट ऑफ स्टॉक", "उपलब्ध नहीं"],
        "id": ["stok habis", "habis", "tidak tersedia"],
        "sr": [
            "нема на стању",
            "nema na stanju",
            "распродато",
            "rasprodato",
            "није доступно",
            "nije dostupno",
        ],
        "hr": ["nema na zalihi", "rasprodano", "nije dostupno", "trenutno nedostupno"],
        "sl": ["ni na zalogi", "razprodano", "ni na voljo"],
        "bg": ["изчерпан", "изчерпано", "няма наличност", "не \u0435 наличен"],
        "lt": ["nėra sandėlyje", "išparduota", "neturime", "prekės nėra"],
        "lv": ["nav noliktavā", "izpārdots", "nav pieejams"],
        "et": ["laost otsas", "pole laos", "välja müüdud"],
        "ka": ["არ არის მარაგში", "ამოიწურა", "მარაგში არ არის"],
        "ms": ["kehabisan stok", "stok habis"],
    }
)
# Scripts written without spaces between words: matched anywhere in a short text, not at word boundaries.
OUT_OF_STOCK_UNSPACED = [
    *("在庫切れ", "売り切れ", "品切れ", "在庫なし", "販売終了", "入荷待ち", "完売"),
    *("缺货", "售罄", "无货", "已下架", "缺貨", "售完", "無庫存", "暂时缺货", "到货通知", "補貨中", "补货中"),
    *("ソールドアウト", "取り扱い終了", "取扱終了", "入荷未定", "再入荷通知", "入荷お知らせ"),
    *("已售完", "卖完", "賣完", "已售空", "无现货", "暂无库存", "暫無庫存", "暂无现货", "到貨通知"),
    *(
        "품절",
        "일시품절",
        "재고없음",
        "재고 없음",
        "판매종료",
        "매진",
        "재입고 알림",
        "재입고알림",
        "구매불가",
    ),
    *("สินค้าหมด", "หมดชั่วคราว", "สินค้าหมดชั่วคราว", "หมดแล้ว", "หมดสต็อก", "ไม่มีสินค้า"),
]
# "Almost sold out" holds a sold-out word but says the product can still be bought: read first.
ALMOST_SOLD_OUT = re.compile(
    r"almost sold out|nearly sold out|almost gone|selling fast|fast ausverkauft|bald ausverkauft|"
    r"bientôt épuisé|presque épuisé|casi agotado|quasi esaurito|bijna uitverkocht|prawie wyprzedane|"
    r"quase esgotado|tükenmek üzere|sắp hết|почти распродан|skoro vyprodáno|nästan slutsåld|"
    r"품절\s?임박|매진\s?임박|即将售罄|即將售罄|快售罄|即将售完|即將售完|売り切れ間近|完売間近|残りわずか|"
    r"ใกล้หมด|على وشك النفاد|כמעט אזל"
)
PRE_ORDER_PHRASES = [
    "pre-order",
    "preorder",
    "vorbestellen",
    "vorbestellbar",
    "précommande",
    "précommander",
    "pré-commande",
    "pre-ordina",
    "preordine",
    "preventa",
    "reserva ya",
    "voorbestellen",
    "ön sipariş",
    "przedsprzedaż",
    "pré-venda",
    "förhandsboka",
    "předprodej",
]
PRE_ORDER_UNSPACED = [
    "予約受付中",
    "予約販売",
    "予約商品",
    "预售",
    "預購",
    "预订",
    "預訂",
    "예약판매",
    "예약 판매",
    "예약구매",
]
# A product with a count left or a delivery time can be bought now ("Only 2 left", "Ships in 3 weeks").
LOW_STOCK_OR_LEAD_TIME = re.compile(
    r"(?<!\w)(?:only|just|nur noch|noch|plus que|il ne reste(?: plus)? que|quedan|solo quedan|últimas|ultimi|"
    r"solo|nog maar|nog|tylko|son|apenas|últimos|kun|endast|bara|pouze|posledních|csak|még|doar|ultimele|"
    r"осталось|còn|فقط|נותרו)\s+\d+(?!\w)"
    r"|(?<!\w)(?:ships|dispatched|delivered|usually ships|ready to ship|versandfertig|lieferbar|lieferzeit|"
    r"expédié|expédition|livraison|se envía|envío|spedito|spedizione|verzonden|levertijd|wysyłka|kargoda|"
    r"kargoya|envio|levereras|sendes|odesíláme|expediere)\b[^.]{0,25}?\d+\s*(?:[-\u2013\u2014]\s*\d+\s*)?"
    r"(?:weeks?|days?|business days|hours?|h|wochen?|tagen?|werktagen?|semaines?|jours?|semanas?|días?|dias|"
    r"settimane?|giorni|weken|dagen|tygodni|dni|hafta|gün|veckor|dagar|uker|dager|týdn[ůy]|dn[ůy]|zile|"
    r"săptămâni)(?!\w)"
)
LOW_STOCK_UNSPACED = re.compile(r"残りわずか|残り\d+|仅剩\d+|还剩\d+|僅剩\d+|\d+개 남음|남은 수량|ตัวสุดท้าย")

# What a shop shows when the product can be bought; trusted only at the start of a short text (from_phrase).
IN_STOCK_PHRASES = [
    *("in stock", "left in stock", "ready to ship", "available to ship"),
    *("auf lager", "lieferbar", "sofort lieferbar", "verfügbar", "vorrätig"),
    *("en stock", "disponible", "disponibile", "in magazzino", "op voorraad", "leverbaar"),
    *("dostępny", "w magazynie", "em estoque", "em stock", "disponível", "stokta", "stokta var"),
    *("skladem", "na skladě", "na sklade", "raktáron", "készleten", "în stoc", "i lager", "finns i lager"),
    *("på lager", "varastossa", "в наличии", "còn hàng", "متوفر", "متوفر في المخزون", "במלאי"),
    *("स्टॉक में है", "tersedia", "stok tersedia", "διαθέσιμο"),
    *("на стању", "na stanju", "na zalihi", "na zalogi", "в наличност", "yra sandėlyje", "ir noliktavā"),
    *("laos olemas", "მარაგშია"),
]
IN_STOCK_UNSPACED = [
    "在庫あり",
    "在庫有り",
    "有货",
    "现货",
    "有貨",
    "現貨",
    "재고 있음",
    "재고있음",
    "구매가능",
    "มีสินค้า",
    "มีของ",
]

_ALL_OOS = sorted({p for phrases in OUT_OF_STOCK_PHRASES.values() for p in phrases}, key=len, reverse=True)
OUT_OF_STOCK_RE = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in _ALL_OOS) + r")(?!\w)")
# At most two words before the phrase ("Online auf Lager", "Disponible"), so "Email me when back in stock"
# and "Available in 3 colours" do not count; negations are caught first by OUT_OF_STOCK_RE.
IN_STOCK_RE = re.compile(
    r"^\W*(?:\w+\W+){0,2}?(?:"
    + "|".join(re.escape(p) for p in sorted(IN_STOCK_PHRASES, key=len, reverse=True))
    + r")(?!\w)(?!\W+(?:ab|from|à partir|a partir|dal|desde|vanaf|od|itibaren|em breve|soon|bald)(?!\w))"
)  # "Verfügbar ab 12.08." is a date to come, not stock
# A message about one aspect (the picture, store pickup, one size or colour) is not about the product.
ASPECT_RE = re.compile(
    r"(?<!\w)(?:image|picture|photo|bild|foto|imagen|immagine|afbeelding|zdjęcie|resim|görsel|video|pickup|"
    r"retrait|abholung|ritiro|recogida|afhalen|odbiór|retirada|mağazadan|in-store|stores?|tienda|magasin|"
    r"filiale|negozio|winkel|sklep|loja|size|colou?r|größe|grösse|farbe|taille|"
    r"couleur|talla|taglia|colore|maat|kleur|rozmiar|kolor|tamanho|beden|renk)"
)
# Sold only in the shop's stores, not online: out of stock for whoever buys on the page. Read before the
# aspects, since these messages name the stores.
STORE_ONLY_RE = re.compile(
    r"(?<!\w)(?:(?:available )?only in (?:our )?(?:stores?|shops?)|in-store only|store only|not sold online|"
    r"nur im (?:markt|laden|geschäft|store)|nur in (?:der filiale|filialen|unseren filialen|märkten)|"
    r"(?:uniquement|exclusivement|seulement) en magasin|solo en tiendas?|solo disponible en tiendas?|"
    r"(?:solo|esclusivamente) in negozio|alleen (?:verkrijgbaar )?in (?:de )?winkels?|tylko w sklepach|"
    r"tylko w sklepie(?: stacjonarnym)?|(?:apenas|somente|só) nas? lojas?(?: físicas?)?|sadece mağaza|"
    r"endast i butik|kun i butikk(?:en|ene)?|kun i butik(?:ken)?|vain myymälä|pouze na prodejn|"
    r"csak (?:az )?üzlet|только в магазин)"
)
_UNSPACED_OUT = re.compile("|".join(re.escape(p) for p in OUT_OF_STOCK_UNSPACED))
_UNSPACED_PRE = re.compile("|".join(re.escape(p) for p in PRE_ORDER_UNSPACED))
_UNSPACED_IN = re.compile("|".join(re.escape(p) for p in IN_STOCK_UNSPACED))
PRE_ORDER_RE = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(p) for p in PRE_ORDER_PHRASES) + r")(?!\w)")


def from_schema(value: object) -> Availability:
    """Map "https://schema.org/InStock", "InStock", "in stock", "oos" and the like; UNKNOWN otherwise."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("@id") or value.get("name")
    if not isinstance(value, str):
        return Availability.UNKNOWN
    text = value.strip().rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1].rsplit(":", 1)[-1].lower()
    text = text.replace("_", " ").strip()
    found = _SCHEMA.get(text) or _SCHEMA.get(text.replace(" ", "").replace("-", ""))
    return found or Availability.UNKNOWN


def normalise(text: str) -> str:
    """Lower case, blanks folded, Unicode composed (so "e" + accent matches "é")."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


def from_phrase(text: str, in_stock: bool = False) -> Availability:
    """OUT_OF_STOCK or PRE_ORDER when a short text says so (IN_STOCK too if ``in_stock``), else UNKNOWN."""
    norm = normalise(text)
    if STORE_ONLY_RE.search(norm):
        return Availability.OUT_OF_STOCK
    if ASPECT_RE.search(norm):
        return Availability.UNKNOWN
    # The unspaced phrases are all in scripts beyond ASCII: most texts need not be searched for them.
    wide = not norm.isascii()
    if OUT_OF_STOCK_RE.search(norm) or (wide and _UNSPACED_OUT.search(norm)):
        if ALMOST_SOLD_OUT.search(norm):
            return Availability.IN_STOCK if in_stock else Availability.UNKNOWN
        return Availability.OUT_OF_STOCK
    if PRE_ORDER_RE.search(norm) or (wide and _UNSPACED_PRE.search(norm)):
        return Availability.PRE_ORDER
    if in_stock and (
        IN_STOCK_RE.search(norm)
        or (wide and _UNSPACED_IN.search(norm))
        or LOW_STOCK_OR_LEAD_TIME.search(norm)
        or (wide and LOW_STOCK_UNSPACED.search(norm))
        or ALMOST_SOLD_OUT.search(norm)
    ):
        return Availability.IN_STOCK
    return Availability.UNKNOWN


def buyable_soon(text: str) -> bool:
    """Whether a short text says the product can be bought now with a count left or a delivery time."""
    norm = normalise(text)
    return bool(LOW_STOCK_OR_LEAD_TIME.search(norm) or LOW_STOCK_UNSPACED.search(norm))
