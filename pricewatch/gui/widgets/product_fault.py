"""Why a product's last check failed, said for people in the window's language.

The stored raw message (``last_error``) stays for the command line, the API and the log; the window says
the sentence of its kind and the shop's HTTP status instead ("The shop refused the request (403). Try again
later or open it in the PriceWatch browser."). A failure stored before kinds were kept shows its message.
"""

from __future__ import annotations

from pricewatch.gui.widgets import formatting as fmt
from pricewatch.models import Product
from pricewatch.wording import fault_sentence


def product_fault(product: Product, limit: int) -> str:
    """The sentence ("" when the last check worked), cut to ``limit`` characters."""
    if not product.last_error:
        return ""
    if product.last_error_kind:
        return fmt.clean_text(fault_sentence(product.last_error_kind, product.last_error_status), limit)
    return fmt.clean_text(product.last_error, limit)
