"""The settings dialog: every section of :class:`pricewatch.config.Settings`, saved through the facade.

The General page holds what people change (how often, notifications with quiet hours and the alerts new
products get, the window); the Advanced page the rest."""

from __future__ import annotations

import copy
import re
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pricewatch.api_token import TokenStore, new_token
from pricewatch.app import PriceWatch
from pricewatch.config import Settings
from pricewatch.gui.notifications.model import state_text
from pricewatch.gui.settings.apprise_box import AppriseBox, apprise_problems
from pricewatch.gui.settings.desktop import DesktopSwitches
from pricewatch.gui.settings.everyday import QuietHours, RuleChoice
from pricewatch.gui.settings.fields import HIDDEN, editor_value, field_types, label_for, make_editor
from pricewatch.gui.settings.home_currency import HomeCurrency
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.models import NotificationRecord
from pricewatch.translation import QT_TRANSLATE_NOOP

# The everyday page: how often, how PriceWatch tells you, and the window. Everything else is Advanced.
EVERYDAY: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        QT_TRANSLATE_NOOP("SettingsDialog", "Checks"),
        (
            ("schedule", "default_check_interval_minutes"),
            ("schedule", "check_every_minutes"),
            ("schedule", "paused"),
        ),
    ),
    (
        QT_TRANSLATE_NOOP("SettingsDialog", "Notifications"),
        (
            ("notify", "desktop"),
            ("notify", "tray"),
            ("notify", "apprise_urls"),
            ("notify", "quiet_hours_start"),
            ("notify", "default_rules"),
            ("notify", "daily_cap_per_product"),
        ),
    ),
    (QT_TRANSLATE_NOOP("SettingsDialog", "Window"), (("gui", "close_to_tray"),)),
)
# shown beside quiet_hours_start; under "Language and region"
PLACED_WITH_OTHERS = frozenset({("notify", "quiet_hours_end"), ("gui", "language"), ("currency", "home")})
ADVANCED_SECTIONS = ("schedule", "fetch", "browser", "tasks", "cache", "api", "currency")
SECTION_TITLES = {
    "schedule": QT_TRANSLATE_NOOP("SettingsDialog", "Schedule details"),
    "fetch": QT_TRANSLATE_NOOP("SettingsDialog", "Fetching pages and politeness towards shops"),
    "browser": QT_TRANSLATE_NOOP("SettingsDialog", "Shops that need a browser"),
    "tasks": QT_TRANSLATE_NOOP("SettingsDialog", "Background tasks (engine)"),
    "cache": QT_TRANSLATE_NOOP("SettingsDialog", "Page cache"),
    "notify": QT_TRANSLATE_NOOP("SettingsDialog", "Notifications"),
    "api": QT_TRANSLATE_NOOP("SettingsDialog", "Local HTTP API"),
    "gui": QT_TRANSLATE_NOOP("SettingsDialog", "Window"),
    "currency": QT_TRANSLATE_NOOP("SettingsDialog", "Exchange rates"),
}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _title(text: str) -> str:
    return QCoreApplication.translate("SettingsDialog", text)


class SettingsDialog(QDialog):
    """Two levels: General (everyday choices) and Advanced (schedule details, politeness, timeouts, the
    engine, the browser, the API), and the data folders.

    Signals:
        message(str): something for the status bar (the API failed to start).
    """

    message = Signal(str)

    def __init__(
        self, app: PriceWatch, parent: QWidget | None = None, work: BackgroundWork | None = None
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.work = work
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("PriceWatch Settings"))
        self.setMinimumWidth(600)
        self.editors: dict[tuple[str, str], QWidget] = {}
        self.tabs = QTabWidget(self)
        general = QWidget(self.tabs)
        general.setObjectName("generalPage")
        for section_cls_name in ("schedule", "notify", "gui", *ADVANCED_SECTIONS):
            values = getattr(app.settings, section_cls_name)
            for name, annotation in field_types(type(values)).items():
                if (section_cls_name, name) in HIDDEN or (section_cls_name, name) in self.editors:
                    continue
                self.editors[(section_cls_name, name)] = make_editor(
                    section_cls_name, name, annotation, getattr(values, name), general
                )
        self._build_general(general)
        self.tabs.addTab(general, self.tr("General"))
        self.tabs.addTab(self._advanced_page(), self.tr("Advanced"))
        self.tabs.addTab(self._data_page(), self.tr("Data"))

        self.problem = QLabel(self)
        self.problem.setStyleSheet("color: #cf222e")
        self.problem.setWordWrap(True)
        self.problem.hide()
        standard = QDialogButtonBox.StandardButton
        buttons = QDialogButtonBox(standard.Save | standard.Cancel, self)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.finished.connect(self.apprise.stop)

    # -- pages ----------------------------------------------------------------------------------------
    def _build_general(self, page: QWidget) -> None:
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        everyday = {key for _heading, keys in EVERYDAY for key in keys}
        for heading, keys in EVERYDAY:
            form.addRow(QLabel(f"<b>{_title(heading)}</b>", page))
            for key in keys:
                self._place(form, page, key)
            if heading == "Notifications":
                test = QPushButton(self.tr("Send a Test Notification"), page)
                test.setToolTip(
                    self.tr("Through every channel switched on above, as set here (before saving)")
                )
                test.clicked.connect(self.send_test)
                self.test_result = QLabel(page)
                self.test_result.setWordWrap(True)
                form.addRow("", test)
                form.addRow("", self.test_result)
            if heading == "Window":
                self.desktop = DesktopSwitches(form, page)
                self._add_language_and_region(form, page)
        assert everyday <= set(self.editors)

    def _place(self, form: QFormLayout, page: QWidget, key: tuple[str, str]) -> None:
        section, name = key
        editor = self.editors[key]
        if key == ("notify", "apprise_urls"):
            assert isinstance(editor, QPlainTextEdit)
            self.apprise = AppriseBox(editor, self.work, page)
            form.addRow(label_for(section, name), self.apprise)
        elif key == ("notify", "quiet_hours_start"):
            end = self.editors[("notify", "quiet_hours_end")]
            assert isinstance(editor, QLineEdit) and isinstance(end, QLineEdit)
            self.quiet = QuietHours(editor, end, page)
            form.addRow(self.tr("Quiet hours"), self.quiet)
        elif key == ("notify", "default_rules"):
            rules = RuleChoice(list(self.app.settings.notify.default_rules), page)
            rules.setObjectName("notify.default_rules")
            rules.setToolTip(self.tr("The alerts every new product starts with (window, CLI, API or import)"))
            editor.deleteLater()
            self.editors[key] = rules
            form.addRow(self.tr("New products"), rules)
        elif isinstance(editor, QCheckBox):
            form.addRow("", editor)
        else:
            form.addRow(label_for(section, name), editor)

    def _add_language_and_region(self, form: QFormLayout, page: QWidget) -> None:
        """The language (applies at the next start) and the home currency prices are compared in."""
        heading = self.tr("Language and region")
        form.addRow(QLabel(f"<b>{heading}</b>", page))
        language = self.editors[("gui", "language")]
        form.addRow(label_for("gui", "language"), language)
        note = QLabel(self.tr("A new language applies after PriceWatch restarts."), page)
        note.setObjectName("languageNote")
        note.setEnabled(False)
        form.addRow("", note)
        self.home_currency = HomeCurrency(self.app, page)
        self.editors[("currency", "home")].deleteLater()
        self.editors[("currency", "home")] = self.home_currency
        form.addRow(self.home_currency.label, self.home_currency)

    def _advanced_page(self) -> QWidget:
        scroll = QScrollArea(self.tabs)
        scroll.setObjectName("advancedPage")
        scroll.setWidgetResizable(True)
        page = QWidget(scroll)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        everyday = {key for _heading, keys in EVERYDAY for key in keys} | PLACED_WITH_OTHERS
        note = QLabel(self.tr("These rarely need changing. Hover over a field for what it does."), page)
        note.setEnabled(False)
        form.addRow(note)
        for section in ADVANCED_SECTIONS:
            form.addRow(QLabel(f"<b>{_title(SECTION_TITLES[section])}</b>", page))
            for (owner, name), editor in self.editors.items():
                if owner != section or (owner, name) in everyday:
                    continue
                editor.setParent(page)
                if isinstance(editor, QCheckBox):
                    form.addRow("", editor)
                else:
                    form.addRow(label_for(owner, name), editor)
            if section == "api":
                self._add_token_row(form, page)
        scroll.setWidget(page)
        return scroll

    # -- special rows ---------------------------------------------------------------------------------
    def _add_token_row(self, form: QFormLayout, page: QWidget) -> None:
        self.token = QLineEdit(page)
        self.token.setObjectName("apiToken")
        self.token.setReadOnly(True)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setText(self.app.api_token())
        self.new_token: str | None = None  # made by Regenerate, stored on Save (Cancel keeps the old one)
        self.show_token = show = QPushButton(self.tr("Show"), page)
        show.setCheckable(True)
        show.toggled.connect(self._show_token)
        copy_button = QPushButton(self.tr("Copy"), page)
        copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.token.text()))
        regenerate = QPushButton(self.tr("Regenerate"), page)
        regenerate.clicked.connect(self.regenerate_token)
        row = QHBoxLayout()
        row.addWidget(self.token, 1)
        for button in (show, copy_button, regenerate):
            row.addWidget(button)
        form.addRow(self.tr("Access token"), row)
        self.token_note = QLabel(page)
        self.token_note.setWordWrap(True)
        self.token_note.hide()
        form.addRow("", self.token_note)
        address = self.app.api_url
        running = (
            self.tr("Running at {address}").format(address=address) if address else self.tr("Not running")
        )
        self.api_status = QLabel(running, page)
        form.addRow(self.tr("Status"), self.api_status)
        self.bookmarklet = QLabel(page)
        self.bookmarklet.setObjectName("apiBookmarklet")
        self.bookmarklet.setWordWrap(True)
        if address:  # the bookmarklet's pages answer at 127.0.0.1 only, whatever the API listens on
            link = f"http://127.0.0.1:{QUrl(address).port()}/bookmarklet"
            self.bookmarklet.setText(f"<a href='{link}'>{link}</a>")
            self.bookmarklet.setOpenExternalLinks(True)
            self.bookmarklet.setToolTip(
                self.tr("Add the page you are on to PriceWatch from your web browser")
            )
        else:
            self.bookmarklet.setText(self.tr("Available while the API runs"))
        form.addRow(self.tr("Bookmarklet"), self.bookmarklet)

    def _data_page(self) -> QWidget:
        page = QWidget(self.tabs)
        form = QFormLayout(page)
        paths = self.app.paths
        for name, label, folder in (("Data folder", self.tr("Data folder"), paths.data_dir),
                                    ("Settings", self.tr("Settings"), paths.config_dir),
                                    ("Cache", self.tr("Cache"), paths.cache_dir),
                                    ("Logs", self.tr("Logs"), paths.log_dir)):  # fmt: skip
            text = QLabel(f"<a href='{QUrl.fromLocalFile(str(folder)).toString()}'>{folder}</a>", page)
            text.setObjectName(f"folder.{name}")
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            text.linkActivated.connect(lambda link: QDesktopServices.openUrl(QUrl(link)))
            form.addRow(label, text)
        form.addRow(self.tr("Database"), QLabel(str(paths.database_file), page))
        return page

    @Slot(bool)
    def _show_token(self, shown: bool) -> None:
        self.token.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_token.setText(self.tr("Hide") if shown else self.tr("Show"))

    @Slot()
    def regenerate_token(self) -> QMessageBox:
        """Ask first: scripts using the current token stop working once the new one is saved."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Regenerate the access token?"),
            self.tr(
                "A new access token will replace the current one when you press Save. Scripts and tools "
                "that use the current token will then be refused until you give them the new one."
            ),
            QMessageBox.StandardButton.NoButton,
            self,
        )
        make = box.addButton(self.tr("Make a New Token"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        make.clicked.connect(self._make_new_token)
        self.regenerate_question = box
        box.open()
        return box

    @Slot()
    def _make_new_token(self) -> None:
        self.new_token = new_token()
        self.token.setText(self.new_token)
        self.token_note.setText(
            self.tr("New token: it replaces the current one when you press Save (Cancel keeps it).")
        )
        self.token_note.show()

    @Slot()
    def send_test(self) -> None:
        self._apply_notify_preview()
        self.test_result.setText(self.tr("Sending…"))
        if self.work is None:
            self._test_sent(self.app.send_test_notification())
        else:  # D-Bus or an Apprise server may be slow: not on the GUI thread
            self.work.submit(self.app.send_test_notification, self._test_sent, self.test_result.setText)

    def _test_sent(self, record: NotificationRecord) -> None:
        delivery = record.data.get("delivery") if isinstance(record.data, dict) else None
        self.test_result.setText(f"{state_text(record.state)}: {delivery or record.error or ''}")

    def _apply_notify_preview(self) -> None:
        """The test uses the channels as set in the dialog, even before saving."""
        for (section, name), editor in self.editors.items():
            if section == "notify":
                setattr(self.app.settings.notify, name, editor_value(editor))
        notify = self.app.settings.notify
        notify.quiet_hours_start, notify.quiet_hours_end = self.quiet.times()

    # -- saving ---------------------------------------------------------------------------------------
    def collect(self) -> Settings:
        settings = copy.deepcopy(self.app.settings)
        for (section, name), editor in self.editors.items():
            setattr(getattr(settings, section), name, editor_value(editor))
        settings.notify.quiet_hours_start, settings.notify.quiet_hours_end = self.quiet.times()
        return settings

    def problems(self, settings: Settings) -> list[str]:
        found = []
        for name, value in (("quiet_hours_start", settings.notify.quiet_hours_start),
                            ("quiet_hours_end", settings.notify.quiet_hours_end)):  # fmt: skip
            if value and not _TIME.match(value):
                found.append(
                    self.tr("{label}: use HH:MM, for example 22:00").format(label=label_for("notify", name))
                )
        if bool(settings.notify.quiet_hours_start) != bool(settings.notify.quiet_hours_end):
            found.append(self.tr("Quiet hours need both a start and an end"))
        if not settings.fetch.user_agent:
            found.append(self.tr("The user agent cannot be empty"))
        clash = settings.tasks.problem()
        if clash is not None:
            lease, beat = settings.tasks.lease_seconds, settings.tasks.heartbeat_seconds
            found.append(
                self.tr("Sign of life every {beat} s: at most a third of the task lease ({lease} s)").format(
                    beat=f"{beat:g}", lease=f"{lease:g}"
                )
            )
        if not settings.api.host:
            found.append(self.tr("The API needs an address to listen on"))
        found.extend(self.home_currency.problems())
        if settings.notify.apprise_urls and (self.apprise.checking or self.apprise._timer.isActive()):
            self.apprise.problems = apprise_problems(settings.notify.apprise_urls)  # Save must not wait
        found.extend(self.apprise.problems)
        return found

    @Slot()
    def save(self) -> bool:
        settings = self.collect()
        problems = self.problems(settings)
        if problems:
            self.problem.setText("\n".join(problems))
            self.problem.show()
            return False
        old = self.app.settings
        was_paused, api_before = old.schedule.paused, (old.api.enabled, old.api.host, old.api.port)
        self.app.save_settings(settings)
        if self.new_token is not None:
            TokenStore(self.app.paths.api_token_file).replace(self.new_token)
        if settings.schedule.paused != was_paused:
            self.app.pause_schedule(settings.schedule.paused)
        self._apply_api(api_before, settings)
        problem = self.desktop.apply()
        if problem:
            self.message.emit(problem)
        self.accept()
        return True

    def _apply_api(self, before: tuple[Any, ...], settings: Settings) -> None:
        after = (settings.api.enabled, settings.api.host, settings.api.port)
        if after == before and (self.app.api_url is not None) == settings.api.enabled:
            return
        self.app.stop_api()
        if settings.api.enabled:
            try:
                self.app.start_api()
            except OSError as exc:
                self.message.emit(self.tr("The API could not start: {error}").format(error=exc))
