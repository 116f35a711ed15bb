"""Words for people in the window's language, for the layers below the window (they cannot import Qt).

Fault sentences, stock words and notification texts are built below the GUI. They go through
:func:`translate` with a fixed context ("Faults", "Alerts", ...) and a literal English text, which
``pyside6-lupdate`` reads as it reads ``QCoreApplication.translate``. Until the window installs Qt's
translator with :func:`install`, :func:`translate` gives the English text back, so the command line and
``serve`` stay English. A text with placeholders is translated first and filled in after:
``translate("Faults", "The shop's server failed{code}.").format(code=code)``.

Texts kept in a table are marked with :func:`QT_TRANSLATE_NOOP` where they are written (lupdate finds that
name too) and translated where they are used.
"""

from __future__ import annotations

from collections.abc import Callable

Translator = Callable[[str, str], str]


def _english(context: str, text: str) -> str:
    return text


_translator: Translator = _english


def install(translator: Translator | None) -> None:
    """Translate through ``translator`` (the window passes ``QCoreApplication.translate``); None: English."""
    global _translator
    _translator = translator or _english


def translate(context: str, text: str) -> str:
    """``text`` in the window's language (English when no translator is installed)."""
    return _translator(context, text)


def in_sentence(shown: str, source: str) -> str:
    """A capitalised label ("Price drop") as a word inside a sentence: lower-cased in English, as it is in a
    translation (German nouns keep their capitals, and Python's lower() would get Turkish I wrong)."""
    return shown.lower() if shown == source else shown


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # Qt's name: the one lupdate looks for
    """Marks ``text`` for translation where a table holds it; :func:`translate` it where it is shown."""
    return text
