"""The translations: complete for every text of the package, compiled into the .qm files the package ships,
loaded for the system's language or the one chosen in the settings, and reaching the Qt-free layers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QLineEdit, QWidget
from pytestqt.qtbot import QtBot

from pricewatch import formatting, resources, translation
from pricewatch.alerts import headline
from pricewatch.config import load_settings
from pricewatch.gui.language import LANGUAGES, WindowLanguage, chosen_language, formats_follow
from pricewatch.gui.settings.everyday import QuietHours
from pricewatch.gui.widgets.deal_counts import deal_counts
from pricewatch.models import AlertKind
from pricewatch.wording import fault_sentence

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "resources" / "translations"
TOOLS = Path(sys.executable).parent  # pyside6-lupdate and pyside6-lrelease come with PySide6
VENV = Path(sys.executable).parent.parent


@pytest.fixture
def language(qapp: QApplication) -> Iterator[WindowLanguage]:
    chosen = WindowLanguage(qapp)
    yield chosen
    chosen.close()


def messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) for every message of a .ts file."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            found.append((name, message.findtext("source") or "", message.find("translation")))
    return found


@pytest.mark.parametrize("code", resources.TRANSLATED)
def test_every_text_of_the_package_is_in_the_ts_file_and_translated(tmp_path: Path, code: str) -> None:
    """lupdate over the package adds nothing to the committed .ts, and no message is left unfinished.

    A new tr() text fails here until `make translations` ran and the .ts has its translation."""
    ts = tmp_path / f"pricewatch_{code}.ts"
    shutil.copy(SOURCES / ts.name, ts)
    files = sorted(str(p) for p in (ROOT / "pricewatch").rglob("*.py"))
    lupdate = [str(TOOLS / "pyside6-lupdate"), *files, "-locations", "none", "-no-obsolete", "-ts", str(ts)]
    subprocess.run(lupdate, check=True, capture_output=True, cwd=ROOT, timeout=300)
    now = messages(ts)
    committed = {(c, s) for c, s, _t in messages(SOURCES / ts.name)}
    new = [(c, s) for c, s, _t in now if (c, s) not in committed]
    assert not new, f"texts missing from {ts.name}: run `make translations` and translate them: {new[:10]}"
    unfinished = [(c, s) for c, s, t in now if t is None or t.get("type") == "unfinished" or not t.text]
    assert not unfinished, f"untranslated in {ts.name}: {unfinished[:10]}"
    assert len(now) > 500


def test_every_counted_text_has_its_english_plural_forms(tmp_path: Path) -> None:
    """English's .ts holds the counted texts only (lupdate -pluralonly, as `make translations` runs it)."""
    ts = tmp_path / "pricewatch_en.ts"
    shutil.copy(SOURCES / ts.name, ts)
    files = sorted(str(p) for p in (ROOT / "pricewatch").rglob("*.py"))
    lupdate = [str(TOOLS / "pyside6-lupdate"), *files, "-locations", "none", "-no-obsolete", "-pluralonly",
               "-target-language", "en_US", "-ts", str(ts)]  # fmt: skip
    subprocess.run(lupdate, check=True, capture_output=True, cwd=ROOT, timeout=300)
    now = messages(ts)
    committed = {(c, s) for c, s, _t in messages(SOURCES / ts.name)}
    assert not [(c, s) for c, s, _t in now if (c, s) not in committed], "run `make translations`"
    forms = {s: [f.text for f in t.iter("numerusform")] for _c, s, t in now}
    assert all(len(f) == 2 and all(f) for f in forms.values()), forms
    assert forms["%n product(s) added"] == ["%n product added", "%n products added"]


@pytest.mark.parametrize(("code", "one", "three"), [
    ("en", "1 product added", "3 products added"),
    ("de", "1 Produkt hinzugefügt", "3 Produkte hinzugefügt"),
])  # fmt: skip
def test_counted_texts_take_the_plural_form_of_their_number(
    language: WindowLanguage, code: str, one: str, three: str
) -> None:
    assert language.use(code)
    assert QCoreApplication.translate("MainWindow", "%n product(s) added", "", 1) == one
    assert QCoreApplication.translate("MainWindow", "%n product(s) added", "", 3) == three
    watched = {"en": ("Watched for 1 day;", "Watched for 12 days;"),
               "de": ("Seit 1 Tag beobachtet;", "Seit 12 Tagen beobachtet;")}[code]  # fmt: skip
    assert deal_counts().watched_too_short(1).startswith(watched[0])
    assert deal_counts().watched_too_short(12).startswith(watched[1])
    language.close()


def test_the_shipped_qm_files_are_compiled_from_the_ts_files(tmp_path: Path) -> None:
    """The .qm files are committed (a wheel then needs no Qt tools to build); they must match their .ts."""
    make = shutil.which("make")
    assert make is not None, "make is needed to compile the translations as the Makefile does"
    subprocess.run([make, "--no-print-directory", "translations-qm", f"VENV={VENV}", f"QM_DIR={tmp_path}"],
                   check=True, capture_output=True, cwd=ROOT, timeout=300)  # fmt: skip
    for code in resources.COMPILED:
        name = Path(resources.translation(code)).name
        built = (tmp_path / name).read_bytes()
        shipped = resources.read_bytes(resources.translation(code))
        assert shipped == built, f"{name} is older than its .ts: run make translations"


@pytest.mark.parametrize(("code", "price_drop", "cancel"), [("de", "Preis gesunken", "Abbrechen"),
                                                           ("tr", "Fiyat düştü", "İptal")])  # fmt: skip
def test_a_language_translates_the_window_qt_and_the_layers_below(
    qtbot: QtBot, language: WindowLanguage, code: str, price_drop: str, cancel: str
) -> None:
    assert language.use(code) and language.code == code
    assert headline(AlertKind.ANY_DROP) == price_drop  # a notification's title, built below the window
    assert fault_sentence("http_5xx", 503).startswith({"de": "Der Server", "tr": "Mağaza"}[code])
    assert formatting.availability("InStock") == {"de": "Auf Lager", "tr": "Stokta"}[code]
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)  # Qt's own translation (qtbase)
    assert buttons.buttons()[0].text().replace("&", "") == cancel
    language.close()
    assert headline(AlertKind.ANY_DROP) == "Price drop"  # English again, as the command line speaks
    assert translation.translate("Alerts", "Price drop") == "Price drop"


def test_notifications_built_below_the_window_speak_its_language(language: WindowLanguage) -> None:
    """The bubble's texts: an alert's message, a digest's title, the buttons of a desktop notification."""
    from pricewatch.alerts import AlertEvent, fold
    from pricewatch.notify.digest import digest_text
    from pricewatch.notify.freedesktop import PRODUCT_ACTIONS, action_list

    language.use("de")
    event = AlertEvent(product_id=1, kind=AlertKind.OUT_OF_STOCK, rule_id=None, title="Ausverkauft: Lampe",
                       message=translation.translate("Alerts", "Out of stock."), price=None,
                       reference_price=None, currency="EUR")  # fmt: skip
    drop = AlertEvent(product_id=1, kind=AlertKind.ANY_DROP, rule_id=None, title="", message="x",
                      price=None, reference_price=None, currency="EUR")  # fmt: skip
    assert fold([event, drop]) == ("Ausverkauft: Lampe", "Ausverkauft.\nx\nAußerdem: Preis gesunken.")
    assert digest_text([("a", "1"), ("b", "2")])[0] == "PriceWatch: 2 Benachrichtigungen"
    assert action_list(PRODUCT_ACTIONS)[:4] == ["default", "Öffnen", "open", "Öffnen"]
    language.use("en")
    assert action_list(PRODUCT_ACTIONS)[4:6] == ["open-shop", "Open shop page"]


class SubclassedQuietHours(QuietHours):
    """self.tr() runs with the subclass's name as context; PySide6 falls back to the class that wrote it."""


def test_tr_in_a_subclass_finds_the_translation_of_its_base_class(
    qtbot: QtBot, language: WindowLanguage
) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)
    language.use("de")
    quiet = SubclassedQuietHours(QLineEdit(parent), QLineEdit(parent), parent)
    assert quiet.switch.text() == "Benachrichtigungen während der Ruhezeit zurückhalten"


def test_the_language_follows_the_system_unless_the_settings_name_one() -> None:
    assert chosen_language("", QLocale("tr_TR")) == "tr"
    assert chosen_language("", QLocale("de_AT")) == "de"
    assert chosen_language("", QLocale("fr_FR")) == "en"  # no French translation: the source language
    assert chosen_language("", QLocale.c()) == "en"
    assert chosen_language("tr", QLocale("de_DE")) == "tr"
    assert chosen_language("en", QLocale("de_DE")) == "en"
    assert set(LANGUAGES) == {"en", "de", "tr"}


def test_a_chosen_language_brings_its_formats_unless_the_system_speaks_it() -> None:
    try:
        formatting.set_locale("en_US")
        formats_follow("de", "")  # the system's language: the system's formats stay
        assert formatting.locale_name() == "en_US"
        formats_follow("de", "de")  # chosen in the settings on an English system: German dates and money
        assert formatting.locale_name() == "de_DE"
        formatting.set_locale("de_AT")
        formats_follow("de", "de")  # the system speaks German already: its region (Austria) stays
        assert formatting.locale_name() == "de_AT"
    finally:
        formatting.set_locale(None)


@pytest.mark.parametrize(("lang", "code"), [("tr_TR.UTF-8", "tr"), ("de_DE.UTF-8", "de"), ("C.UTF-8", "en")])
def test_lang_picks_the_language_without_system_locale_data(lang: str, code: str) -> None:
    """Qt reads LANG itself: no generated glibc locale is needed (this machine may have only C.UTF-8)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LC_ALL", "LC_MESSAGES", "LANGUAGE")}
    env.update(LANG=lang, PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen")
    script = "from pricewatch.gui.language import chosen_language; print(chosen_language(''))"
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == code, out.stderr


def test_the_settings_dialog_offers_the_languages_and_saves_the_choice(
    qtbot: QtBot, language: WindowLanguage
) -> None:
    from pricewatch.gui.settings.dialog import SettingsDialog
    from tests.support.app import open_pricewatch

    language.use("tr")
    with open_pricewatch() as app:
        dialog = SettingsDialog(app)
        qtbot.addWidget(dialog)
        combo = dialog.editors[("gui", "language")]
        items = [combo.itemText(i) for i in range(combo.count())]  # type: ignore[attr-defined]
        assert items == ["Sistemdeki gibi", "English", "Deutsch", "Türkçe"]
        combo.setCurrentIndex(combo.findData("de"))  # type: ignore[attr-defined]
        assert dialog.save()
        assert load_settings(app.paths).settings.gui.language == "de"


# Runs the whole program (run_application's event loop, then its way out) in a process of its own, as a
# user starts it: in the test process it would share a QApplication that hundreds of tests have used.
_RUN_IN_TURKISH = """
import json
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from pricewatch import formatting
from pricewatch.gui.application import run_application
from pricewatch.gui.main_window import MainWindow

seen = {}

def read_and_quit():
    windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
    if not windows or not windows[0].product_sync.is_loaded:
        QTimer.singleShot(20, read_and_quit)
        return
    window = windows[0]
    seen["title"] = window.windowTitle()
    seen["menus"] = [action.text() for action in window.menuBar().actions()]
    seen["stock"] = formatting.availability("InStock")
    window.commands.quit.trigger()

app = QApplication([])
QTimer.singleShot(0, read_and_quit)
seen["exit"] = run_application()
seen["after"] = formatting.availability("InStock")
print(json.dumps(seen))
"""


def test_the_program_speaks_the_language_named_in_the_settings() -> None:
    """run_application installs the language before the window is built, and removes it on the way out."""
    import json

    from tests.support.app import open_pricewatch

    with open_pricewatch() as app:
        app.add_product("https://shop.example/lamp", title="Desk lamp")
        app.settings.gui.language = "tr"
        app.save_settings()
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", _RUN_IN_TURKISH], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    menus = ["&Dosya", "Ü&rün", "&Görünüm", "Y&ard\u0131m"]  # \u0131: the dotless i
    assert seen == {
        "title": "PriceWatch — 1 ürün",
        "menus": menus,
        "stock": "Stokta",
        "exit": 0,
        "after": "In stock",  # English again once the window is gone
    }
