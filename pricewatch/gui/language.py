"""The window's language: PriceWatch's translation and Qt's own, installed before any window is built.

The language follows the system (``QLocale.system().uiLanguages()``: ``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES``, ``LANG``, read by Qt itself, so no system locale data has to be generated) unless the
settings name one (``[gui] language``). A change applies at the next start: every window, menu and table
header takes its texts when it is built.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from pricewatch import formatting, resources, translation

SOURCE_LANGUAGE = "en"
LANGUAGES = (SOURCE_LANGUAGE, *resources.TRANSLATED)
# The settings' choices, each named in its own language so that anyone can find theirs.
LANGUAGE_NAMES = {"en": "English", "de": "Deutsch", "tr": "Türkçe"}
# Money and dates in the chosen language's usual region when the system's is another language.
_FORMAT_LOCALES = {"en": "en_US", "de": "de_DE", "tr": "tr_TR"}


def chosen_language(setting: str, system: QLocale | None = None) -> str:
    """The language the window speaks: ``setting`` ("de"), or else the first of the system's languages that
    PriceWatch has ("tr-TR" -> "tr"), or else English."""
    if setting in LANGUAGES:
        return setting
    for name in (system or QLocale.system()).uiLanguages():
        code = name.replace("_", "-").split("-")[0].lower()
        if code in LANGUAGES:
            return code
    return SOURCE_LANGUAGE


class WindowLanguage:
    """The translators installed on the application; :meth:`use` swaps them, :meth:`close` removes them."""

    def __init__(self, app: QCoreApplication) -> None:
        self.app = app
        self.code = SOURCE_LANGUAGE
        self._translators: list[QTranslator] = []

    def use(self, code: str) -> bool:
        """Speak ``code`` ("de", "tr", "en") from now on; False when its translation could not be loaded.

        Qt's own translation (qtbase: the standard buttons, Cancel, Save, the file dialogs) comes along when
        PySide6 ships it.
        """
        self._remove()
        translation.install(QCoreApplication.translate)  # the Qt-free layers translate through Qt from now on
        self.code = code if code in LANGUAGES else SOURCE_LANGUAGE
        ours = QTranslator(self.app)
        if not ours.load(str(resources.path(resources.translation(self.code)))):
            self.code = SOURCE_LANGUAGE
            return False
        self._add(ours)
        if self.code == SOURCE_LANGUAGE:  # English's plural forms only; Qt's own texts are English already
            return code == SOURCE_LANGUAGE
        qt_own = QTranslator(self.app)
        if qt_own.load(f"qtbase_{self.code}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            self._add(qt_own)
        return True

    def close(self) -> None:
        """Remove the translators: English again, in the window and below it."""
        self._remove()
        translation.install(None)
        self.code = SOURCE_LANGUAGE

    def _add(self, translator: QTranslator) -> None:
        self.app.installTranslator(translator)
        self._translators.append(translator)

    def _remove(self) -> None:
        for translator in self._translators:
            self.app.removeTranslator(translator)
        self._translators.clear()


def formats_follow(code: str, setting: str) -> None:
    """A language chosen in the settings brings its money and date formats when the system's locale is of
    another language (German words beside "12 min ago" would read oddly); the system's language keeps the
    system's region ("de_AT" stays Austrian)."""
    if setting in LANGUAGES and not formatting.locale_name().startswith(f"{code}_"):
        formatting.set_locale(_FORMAT_LOCALES[code])
