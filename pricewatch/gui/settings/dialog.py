"""The settings dialog: every section of :class:`pricewatch.config.Settings`, saved through the facade."""

from __future__ import annotations

import copy
import re
from typing import Any

from PySide6.QtCore import Qt, QUrl, Signal, Slot
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
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pricewatch.api_token import TokenStore, new_token
from pricewatch.app import PriceWatch
from pricewatch.config import Settings
from pricewatch.gui.settings.desktop import DesktopSwitches
from pricewatch.gui.settings.fields import HIDDEN, editor_value, field_types, label_for, make_editor
from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.models import NotificationRecord

PAGES = (  # tab title, sections shown on it
    ("Checks", ("schedule", "fetch")),
    ("Browser", ("browser",)),
    ("Tasks", ("tasks", "cache")),
    ("Notifications", ("notify",)),
    ("API", ("api",)),
    ("Window", ("gui",)),
)
SECTION_TITLES = {"schedule": "Schedule", "fetch": "Fetching pages", "browser": "Shops that need a browser",
                  "tasks": "Background tasks",
                  "cache": "Page cache", "notify": "Notifications", "api": "Local HTTP API",
                  "gui": "Window"}  # fmt: skip
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class SettingsDialog(QDialog):
    """Signals:
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
        self.setWindowTitle("PriceWatch Settings")
        self.setMinimumWidth(560)
        self.editors: dict[tuple[str, str], QWidget] = {}
        self.tabs = QTabWidget(self)
        for title, sections in PAGES:
            page = QWidget(self.tabs)
            form = QFormLayout(page)
            form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
            for section in sections:
                if len(sections) > 1:
                    heading = QLabel(f"<b>{SECTION_TITLES[section]}</b>", page)
                    form.addRow(heading)
                values = getattr(app.settings, section)
                for name, annotation in field_types(type(values)).items():
                    if (section, name) in HIDDEN:
                        continue
                    editor = make_editor(section, name, annotation, getattr(values, name), page)
                    self.editors[(section, name)] = editor
                    if isinstance(editor, QCheckBox):
                        form.addRow("", editor)
                    else:
                        form.addRow(label_for(section, name), editor)
            if "notify" in sections:
                test = QPushButton("Send a Test Notification", page)
                test.clicked.connect(self.send_test)
                self.test_result = QLabel(page)
                self.test_result.setWordWrap(True)
                form.addRow("", test)
                form.addRow("", self.test_result)
            if "api" in sections:
                self._add_token_row(form, page)
            if "gui" in sections:
                self.desktop = DesktopSwitches(form, page)
            self.tabs.addTab(page, title)
        self.tabs.addTab(self._data_page(), "Data")

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

    # -- special rows ---------------------------------------------------------------------------------
    def _add_token_row(self, form: QFormLayout, page: QWidget) -> None:
        self.token = QLineEdit(page)
        self.token.setObjectName("apiToken")
        self.token.setReadOnly(True)
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setText(self.app.api_token())
        self.new_token: str | None = None  # made by Regenerate, stored on Save (Cancel keeps the old one)
        self.show_token = show = QPushButton("Show", page)
        show.setCheckable(True)
        show.toggled.connect(self._show_token)
        copy_button = QPushButton("Copy", page)
        copy_button.clicked.connect(lambda: QGuiApplication.clipboard().setText(self.token.text()))
        regenerate = QPushButton("Regenerate", page)
        regenerate.clicked.connect(self.regenerate_token)
        row = QHBoxLayout()
        row.addWidget(self.token, 1)
        for button in (show, copy_button, regenerate):
            row.addWidget(button)
        form.addRow("Access token", row)
        self.token_note = QLabel(page)
        self.token_note.setWordWrap(True)
        self.token_note.hide()
        form.addRow("", self.token_note)
        address = self.app.api_url
        self.api_status = QLabel(f"Running at {address}" if address else "Not running", page)
        form.addRow("Status", self.api_status)

    def _data_page(self) -> QWidget:
        page = QWidget(self.tabs)
        form = QFormLayout(page)
        paths = self.app.paths
        for label, folder in (("Data folder", paths.data_dir), ("Settings", paths.config_dir),
                              ("Cache", paths.cache_dir), ("Logs", paths.log_dir)):  # fmt: skip
            text = QLabel(f"<a href='{QUrl.fromLocalFile(str(folder)).toString()}'>{folder}</a>", page)
            text.setObjectName(f"folder.{label}")
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
            text.linkActivated.connect(lambda link: QDesktopServices.openUrl(QUrl(link)))
            form.addRow(label, text)
        form.addRow("Database", QLabel(str(paths.database_file), page))
        return page

    @Slot(bool)
    def _show_token(self, shown: bool) -> None:
        self.token.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)
        self.show_token.setText("Hide" if shown else "Show")

    @Slot()
    def regenerate_token(self) -> QMessageBox:
        """Ask first: scripts using the current token stop working once the new one is saved."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Regenerate the access token?",
            "A new access token will replace the current one when you press Save. Scripts and tools that "
            "use the current token will then be refused until you give them the new one.",
            QMessageBox.StandardButton.NoButton,
            self,
        )
        make = box.addButton("Make a New Token", QMessageBox.ButtonRole.AcceptRole)
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
            "New token: it replaces the current one when you press Save (Cancel keeps it)."
        )
        self.token_note.show()

    @Slot()
    def send_test(self) -> None:
        self._apply_notify_preview()
        self.test_result.setText("Sending…")
        if self.work is None:
            self._test_sent(self.app.send_test_notification())
        else:  # D-Bus or an Apprise server may be slow: not on the GUI thread
            self.work.submit(self.app.send_test_notification, self._test_sent, self.test_result.setText)

    def _test_sent(self, record: NotificationRecord) -> None:
        delivery = record.data.get("delivery") if isinstance(record.data, dict) else None
        self.test_result.setText(f"{record.state}: {delivery or record.error or ''}")

    def _apply_notify_preview(self) -> None:
        """The test uses the channels as set in the dialog, even before saving."""
        for (section, name), editor in self.editors.items():
            if section == "notify":
                setattr(self.app.settings.notify, name, editor_value(editor))

    # -- saving ---------------------------------------------------------------------------------------
    def collect(self) -> Settings:
        settings = copy.deepcopy(self.app.settings)
        for (section, name), editor in self.editors.items():
            setattr(getattr(settings, section), name, editor_value(editor))
        return settings

    def problems(self, settings: Settings) -> list[str]:
        found = []
        for label, value in (("Quiet hours from", settings.notify.quiet_hours_start),
                             ("Quiet hours until", settings.notify.quiet_hours_end)):  # fmt: skip
            if value and not _TIME.match(value):
                found.append(f"{label}: use HH:MM, for example 22:00")
        if bool(settings.notify.quiet_hours_start) != bool(settings.notify.quiet_hours_end):
            found.append("Quiet hours need both a start and an end")
        if not settings.fetch.user_agent:
            found.append("The user agent cannot be empty")
        clash = settings.tasks.problem()
        if clash is not None:
            lease, beat = settings.tasks.lease_seconds, settings.tasks.heartbeat_seconds
            found.append(f"Sign of life every {beat:g} s: at most a third of the task lease ({lease:g} s)")
        if not settings.api.host:
            found.append("The API needs an address to listen on")
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
                self.message.emit(f"The API could not start: {exc}")
