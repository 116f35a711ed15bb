"""The Apprise addresses in the settings: checked as they are typed, and a Test button that sends to them.

Apprise loads its plugins on first use (about half a second), so checking and sending run on a pool
thread. A send that fails is shown as failed, with Apprise's reason; only a send Apprise confirms reads
"Sent".
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from pricewatch.gui.widgets.worker import BackgroundWork
from pricewatch.notify.channels import AppriseChannel, ChannelError, describe_url
from pricewatch.text import clean_line
from pricewatch.translation import QT_TRANSLATE_NOOP

CHECK_DELAY_MS = 400  # typing an address checks it once, not once per key
EXAMPLES = QT_TRANSLATE_NOOP(
    "AppriseBox",
    "One address per line, for example\nntfy://my-price-alerts\nmailto://me:app-password@gmail.com",
)
ERROR_STYLE = "color: #cf222e"
OK_STYLE = "color: #1a7f37"


def apprise_problems(urls: Sequence[str]) -> list[str]:
    """Why Apprise cannot use some of ``urls`` (one line each), or [] when it understands them all."""
    import apprise  # lazy: its plugins load on first use

    problems = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=DeprecationWarning)  # a plugin imports imghdr
        for number, url in enumerate(urls, 1):
            if apprise.Apprise.instantiate(url) is None:
                problem = QCoreApplication.translate(
                    "AppriseBox", "Line {number}: Apprise does not understand “{address}”"
                )
                problems.append(problem.format(number=number, address=clean_line(url, 60)))
    return problems


def send_test(urls: Sequence[str]) -> list[tuple[str, str | None]]:
    """Send a test to each URL: (what it is, None when sent or the reason it failed)."""
    outcome: list[tuple[str, str | None]] = []
    for url in urls:
        channel = AppriseChannel(url)
        try:
            channel.send(
                QCoreApplication.translate("AppriseBox", "PriceWatch test"),
                QCoreApplication.translate("AppriseBox", "Notifications from PriceWatch arrive here."),
            )
        except ChannelError as exc:
            outcome.append(
                (
                    describe_url(url),
                    clean_line(str(exc), 200) or QCoreApplication.translate("AppriseBox", "delivery failed"),
                )
            )
        except Exception as exc:  # an Apprise plugin's own fault: still a failed send, never "sent"
            outcome.append((describe_url(url), clean_line(f"{type(exc).__name__}: {exc}", 200)))
        else:
            outcome.append((describe_url(url), None))
    return outcome


class AppriseBox(QWidget):
    """The URL box (the settings editor), what is wrong with it, and a Test button.

    Signals:
        checked(): the typed addresses were checked (``problems`` holds the result).
        tested(): a test send finished (``result`` says what happened).
    """

    checked = Signal()
    tested = Signal()

    def __init__(self, editor: QPlainTextEdit, work: BackgroundWork | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.editor = editor
        self.work = work
        editor.setPlaceholderText(self.tr(EXAMPLES))
        editor.setMinimumHeight(70)
        self.problems: list[str] = []
        self.checking = False
        self.status = QLabel(self)
        self.status.setObjectName("appriseStatus")
        self.status.setWordWrap(True)
        self.test_button = QPushButton(self.tr("Test"), self)
        self.test_button.setObjectName("appriseTest")
        self.test_button.setToolTip(self.tr("Send a test notification to these addresses now"))
        self.test_button.clicked.connect(self.test)
        self.result = QLabel(self)
        self.result.setObjectName("appriseResult")
        self.result.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.status, 1)
        row.addWidget(self.test_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(editor)
        layout.addLayout(row)
        layout.addWidget(self.result)
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check_now)
        editor.textChanged.connect(self._timer.start)
        self._generation = 0
        self._show_status()

    def urls(self) -> list[str]:
        return [line.strip() for line in self.editor.toPlainText().splitlines() if line.strip()]

    def _run(self, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        if self.work is None:
            done(fn())
        else:
            self.work.submit(fn, done, lambda error: done(error))

    @Slot()
    def check_now(self) -> None:
        self._timer.stop()
        self._generation += 1
        generation, urls = self._generation, self.urls()
        self.checking = True

        def done(problems: object) -> None:
            if generation != self._generation:
                return  # typed on meanwhile: a newer check follows
            self.checking = False
            self.problems = (
                list(problems)
                if isinstance(problems, list)
                else [self.tr("Cannot check: {problem}").format(problem=problems)]
            )
            self._show_status()
            self.checked.emit()

        self._run(lambda: apprise_problems(urls), done)

    def _show_status(self) -> None:
        urls = self.urls()
        self.test_button.setEnabled(bool(urls) and not self.problems)
        if self.problems:
            self.status.setText("\n".join(self.problems))
            self.status.setStyleSheet(ERROR_STYLE)
        elif urls:
            understood = (
                self.tr("1 address Apprise understands")
                if len(urls) == 1
                else self.tr("{count} addresses Apprise understands")
            )
            self.status.setText(understood.format(count=len(urls)))
            self.status.setStyleSheet(OK_STYLE)
        else:
            self.status.setText("")

    @Slot()
    def test(self) -> None:
        urls = self.urls()
        if not urls or self.problems:
            return
        self.result.setText(self.tr("Sending…"))
        self.result.setStyleSheet("")
        self.test_button.setEnabled(False)

        def done(outcome: object) -> None:
            self.test_button.setEnabled(True)
            if not isinstance(outcome, list):
                self.show_result([("Apprise", str(outcome))])
            else:
                self.show_result(outcome)
            self.tested.emit()

        self._run(lambda: send_test(urls), done)

    def show_result(self, outcome: list[tuple[str, str | None]]) -> None:
        failed = [
            self.tr("Failed: {service}: {why}").format(service=what, why=why)
            for what, why in outcome
            if why is not None
        ]
        sent = [what for what, why in outcome if why is None]
        lines = failed + ([self.tr("Sent to {services}").format(services=", ".join(sent))] if sent else [])
        self.result.setText("\n".join(lines))
        self.result.setStyleSheet(ERROR_STYLE if failed else OK_STYLE)

    def stop(self) -> None:
        self._timer.stop()
        self._generation += 1
