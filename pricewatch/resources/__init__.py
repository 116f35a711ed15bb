"""Files shipped inside the package (the icon, the desktop entry, the translations), read with
:mod:`importlib.resources`.

The repository's top-level ``resources/`` folder is the source; this package holds the copy a wheel carries
(``tests/desktop/test_resources.py`` keeps the two equal), so a ``pip`` or ``pipx`` install has them too.
The compiled translations (``translations/pricewatch_<language>.qm``) are built from
``resources/translations/*.ts`` by ``make translations`` and committed (``tests/gui/test_translations.py``
checks that they match their sources).
"""

from __future__ import annotations

import atexit
import contextlib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

ICON_PNG = "pricewatch.png"
ICON_SVG = "pricewatch.svg"
DESKTOP_ENTRY = "pricewatch.desktop"
SHIPPED = (ICON_PNG, ICON_SVG, DESKTOP_ENTRY)
TRANSLATED = ("de", "tr")  # the languages with a translation; the source texts are English
# English's own .qm holds only the plural forms of counted texts ("%n product(s) added" -> "1 product added").
COMPILED = (*TRANSLATED, "en")

_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def resource(name: str) -> Traversable:
    return resources.files(__name__).joinpath(name)


def translation(language: str) -> str:
    """The resource name of ``language``'s compiled translation ("de" -> "translations/pricewatch_de.qm")."""
    return f"translations/pricewatch_{language}.qm"


def read_bytes(name: str) -> bytes:
    return resource(name).read_bytes()


def path(name: str) -> Path:
    """A file system path for ``name``: the file itself, or a copy for the process's life (a zipped install).

    Notification servers and Qt read icons by path, so a path it must be.
    """
    found = resource(name)
    if isinstance(found, Path):
        return found
    return _extracted.enter_context(resources.as_file(found))
