"""Editors for settings fields, chosen by the field's type, with labels and limits in one table."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from pricewatch.config import Settings, field_choices, field_limits
from pricewatch.gui.language import LANGUAGE_NAMES
from pricewatch.translation import QT_TRANSLATE_NOOP

_SECTIONS = {f.name: type(getattr(Settings(), f.name)) for f in dataclasses.fields(Settings)}

# (section, field) -> (label, minimum, maximum, suffix, tooltip); fields missing here get a generated label.
# The texts are marked for lupdate here and translated where an editor is made (context "Settings").
# The editor's range is this one within the setting's own (pricewatch.config), so the dialog never offers a
# value that loading the settings would refuse.
FIELDS: dict[tuple[str, str], tuple[str, float, float, str, str]] = {
    ("schedule", "default_check_interval_minutes"): (
        QT_TRANSLATE_NOOP("Settings", "Check each new product every"),
        1,
        10080,
        QT_TRANSLATE_NOOP("Settings", " min"),
        QT_TRANSLATE_NOOP("Settings", "How often a product is checked unless you set its own interval"),
    ),
    ("schedule", "check_minute"): (QT_TRANSLATE_NOOP("Settings", "Hourly check at minute"), 0, 59, "", ""),
    ("schedule", "check_every_minutes"): (
        QT_TRANSLATE_NOOP("Settings", "Look for products due every"),
        0,
        0,
        QT_TRANSLATE_NOOP("Settings", " min"),
        QT_TRANSLATE_NOOP("Settings", "How often PriceWatch wakes up to check the products that are due"),
    ),
    ("schedule", "check_jitter_seconds"): (
        QT_TRANSLATE_NOOP("Settings", "Random delay up to"),
        0,
        3600,
        QT_TRANSLATE_NOOP("Settings", " s"),
        QT_TRANSLATE_NOOP("Settings", "Spreads checks over time"),
    ),
    ("schedule", "cleanup_hour"): (QT_TRANSLATE_NOOP("Settings", "Daily clean-up at hour"), 0, 23, "", ""),
    ("schedule", "cleanup_minute"): (
        QT_TRANSLATE_NOOP("Settings", "Daily clean-up at minute"),
        0,
        59,
        "",
        "",
    ),
    ("schedule", "cache_cleanup_hours"): (
        QT_TRANSLATE_NOOP("Settings", "Cache clean-up every"),
        1,
        168,
        QT_TRANSLATE_NOOP("Settings", " h"),
        "",
    ),
    ("schedule", "paused"): (QT_TRANSLATE_NOOP("Settings", "Pause scheduled checks"), 0, 0, "", ""),
    ("fetch", "user_agent"): (
        QT_TRANSLATE_NOOP("Settings", "User agent"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "How PriceWatch introduces itself to shops"),
    ),
    ("fetch", "connect_timeout"): (
        QT_TRANSLATE_NOOP("Settings", "Connect timeout"),
        1,
        120,
        QT_TRANSLATE_NOOP("Settings", " s"),
        "",
    ),
    ("fetch", "read_timeout"): (
        QT_TRANSLATE_NOOP("Settings", "Read timeout"),
        1,
        300,
        QT_TRANSLATE_NOOP("Settings", " s"),
        "",
    ),
    ("fetch", "deadline"): (
        QT_TRANSLATE_NOOP("Settings", "Give up a page after"),
        5,
        600,
        QT_TRANSLATE_NOOP("Settings", " s"),
        "",
    ),
    ("fetch", "max_body_mb"): (
        QT_TRANSLATE_NOOP("Settings", "Largest page"),
        1,
        100,
        QT_TRANSLATE_NOOP("Settings", " MB"),
        "",
    ),
    ("fetch", "per_host_concurrency"): (
        QT_TRANSLATE_NOOP("Settings", "Requests at once per shop"),
        1,
        16,
        "",
        "",
    ),
    ("fetch", "per_host_delay"): (
        QT_TRANSLATE_NOOP("Settings", "Pause between requests to a shop"),
        0,
        60,
        QT_TRANSLATE_NOOP("Settings", " s"),
        "",
    ),
    ("fetch", "respect_robots"): (QT_TRANSLATE_NOOP("Settings", "Respect robots.txt"), 0, 0, "", ""),
    ("fetch", "thumbnails"): (
        QT_TRANSLATE_NOOP("Settings", "Show product images"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "Fetches each product's picture once"),
    ),
    ("fetch", "proxy"): (
        QT_TRANSLATE_NOOP("Settings", "Proxy"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "http://host:port or socks5://host:port; empty: none"),
    ),
    ("browser", "enabled"): (
        QT_TRANSLATE_NOOP("Settings", "Use a browser for shops that need one"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "Pages built by scripts"),
    ),
    ("browser", "pages"): (QT_TRANSLATE_NOOP("Settings", "Pages rendered at once"), 1, 8, "", ""),
    ("browser", "queue_limit"): (QT_TRANSLATE_NOOP("Settings", "Pages waiting at most"), 1, 10000, "", ""),
    ("browser", "deadline"): (
        QT_TRANSLATE_NOOP("Settings", "Give up a rendered page after"),
        1,
        600,
        QT_TRANSLATE_NOOP("Settings", " s"),
        "",
    ),
    ("browser", "recycle_after_pages"): (
        QT_TRANSLATE_NOOP("Settings", "Restart the browser after"),
        1,
        100000,
        QT_TRANSLATE_NOOP("Settings", " pages"),
        "",
    ),
    ("browser", "memory_ceiling_mb"): (
        QT_TRANSLATE_NOOP("Settings", "Restart the browser above"),
        100,
        16000,
        QT_TRANSLATE_NOOP("Settings", " MB"),
        "",
    ),
    ("browser", "user_agent"): (
        QT_TRANSLATE_NOOP("Settings", "Browser user agent"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "Empty: the browser's own, naming PriceWatch"),
    ),
    ("tasks", "executor"): (
        QT_TRANSLATE_NOOP("Settings", "Run tasks"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "Applies after a restart"),
    ),
    ("tasks", "default_concurrency"): (
        QT_TRANSLATE_NOOP("Settings", "Default queue workers"),
        1,
        32,
        "",
        QT_TRANSLATE_NOOP("Settings", "Applies after a restart"),
    ),
    ("tasks", "scraping_concurrency"): (
        QT_TRANSLATE_NOOP("Settings", "Scraping queue workers"),
        1,
        64,
        "",
        QT_TRANSLATE_NOOP("Settings", "Applies after a restart"),
    ),
    ("tasks", "notifications_concurrency"): (
        QT_TRANSLATE_NOOP("Settings", "Notification queue workers"),
        1,
        8,
        "",
        QT_TRANSLATE_NOOP("Settings", "Applies after a restart"),
    ),
    ("tasks", "max_retries"): (QT_TRANSLATE_NOOP("Settings", "Retries for temporary errors"), 0, 20, "", ""),
    ("tasks", "retry_base_delay"): (
        QT_TRANSLATE_NOOP("Settings", "First retry after about"),
        1,
        3600,
        QT_TRANSLATE_NOOP("Settings", " s"),
        QT_TRANSLATE_NOOP("Settings", "Doubles each time, with jitter"),
    ),
    ("tasks", "retry_max_delay"): (
        QT_TRANSLATE_NOOP("Settings", "Longest wait between retries"),
        1,
        86400,
        QT_TRANSLATE_NOOP("Settings", " s"),
        "",
    ),
    ("tasks", "task_retention_days"): (
        QT_TRANSLATE_NOOP("Settings", "Keep finished tasks for"),
        1,
        365,
        QT_TRANSLATE_NOOP("Settings", " days"),
        "",
    ),
    ("tasks", "extract_in_processes"): (
        QT_TRANSLATE_NOOP("Settings", "Read pages in separate processes"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "One per core"),
    ),
    ("tasks", "lease_seconds"): (
        QT_TRANSLATE_NOOP("Settings", "Task lease"),
        1,
        3600,
        QT_TRANSLATE_NOOP("Settings", " s"),
        QT_TRANSLATE_NOOP(
            "Settings",
            "Another computer's unfinished tasks are taken over after this long without a sign of life",
        ),
    ),
    ("tasks", "heartbeat_seconds"): (
        QT_TRANSLATE_NOOP("Settings", "Sign of life every"),
        0.1,
        1200,
        QT_TRANSLATE_NOOP("Settings", " s"),
        QT_TRANSLATE_NOOP("Settings", "At most a third of the lease"),
    ),
    ("tasks", "broker_url"): (
        QT_TRANSLATE_NOOP("Settings", "Celery broker"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP(
            "Settings", "redis://host:6379/0, or amqp://user:password@host:5672// for RabbitMQ"
        ),
    ),
    ("tasks", "result_backend"): (
        QT_TRANSLATE_NOOP("Settings", "Celery results (Redis)"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP(
            "Settings",
            "Where workers put results and keep the pauses between requests to a shop; "
            "empty: the broker when it is Redis",
        ),
    ),
    ("tasks", "queue_type"): (
        QT_TRANSLATE_NOOP("Settings", "RabbitMQ queues"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "Quorum queues survive a broker restart; classic ones are lighter"),
    ),
    ("tasks", "celery_in_flight"): (
        QT_TRANSLATE_NOOP("Settings", "Checks waiting on workers at most"),
        1,
        256,
        "",
        "",
    ),
    ("tasks", "celery_pickup_seconds"): (
        QT_TRANSLATE_NOOP("Settings", "Check here when no worker takes it within"),
        0.5,
        600,
        QT_TRANSLATE_NOOP("Settings", " s"),
        "",
    ),
    ("cache", "backend"): (
        QT_TRANSLATE_NOOP("Settings", "Keep cached pages"),
        0,
        0,
        "",
        "",
    ),
    ("cache", "redis_url"): (
        QT_TRANSLATE_NOOP("Settings", "Redis address"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "Used when cached pages are kept in Redis"),
    ),
    ("cache", "key_prefix"): (
        QT_TRANSLATE_NOOP("Settings", "Redis key prefix"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "Lets several programs share one Redis"),
    ),
    ("cache", "max_entries"): (QT_TRANSLATE_NOOP("Settings", "Cached pages"), 1, 100000, "", ""),
    ("cache", "ttl_seconds"): (
        QT_TRANSLATE_NOOP("Settings", "Keep cached pages for"),
        1,
        86400,
        QT_TRANSLATE_NOOP("Settings", " s"),
        "",
    ),
    ("cache", "max_mb"): (
        QT_TRANSLATE_NOOP("Settings", "Cache size limit"),
        0,
        4096,
        QT_TRANSLATE_NOOP("Settings", " MB"),
        QT_TRANSLATE_NOOP("Settings", "Memory for cached pages; 0: no limit"),
    ),
    ("notify", "desktop"): (QT_TRANSLATE_NOOP("Settings", "Desktop notifications"), 0, 0, "", ""),
    ("notify", "tray"): (QT_TRANSLATE_NOOP("Settings", "Tray messages"), 0, 0, "", ""),
    ("notify", "apprise_urls"): (
        QT_TRANSLATE_NOOP("Settings", "Other services (Apprise)"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP(
            "Settings",
            "Phone, e-mail or chat through Apprise: one address per line, for example ntfy://topic",
        ),
    ),
    ("notify", "quiet_hours_start"): (
        QT_TRANSLATE_NOOP("Settings", "Quiet hours from"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "HH:MM; empty: no quiet hours"),
    ),
    ("notify", "quiet_hours_end"): (
        QT_TRANSLATE_NOOP("Settings", "Quiet hours until"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "HH:MM"),
    ),
    ("notify", "default_rules"): (
        QT_TRANSLATE_NOOP("Settings", "Alerts for new products"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP(
            "Settings", "One per line: any_drop, price_increase, back_in_stock, out_of_stock, lowest_in_days"
        ),
    ),
    ("notify", "daily_cap_per_product"): (
        QT_TRANSLATE_NOOP("Settings", "Notifications per product a day"),
        0,
        100,
        "",
        QT_TRANSLATE_NOOP("Settings", "0: no limit"),
    ),
    ("api", "enabled"): (QT_TRANSLATE_NOOP("Settings", "Enable the local API"), 0, 0, "", ""),
    ("api", "host"): (
        QT_TRANSLATE_NOOP("Settings", "Listen on"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "127.0.0.1 keeps it on this computer"),
    ),
    ("api", "port"): (QT_TRANSLATE_NOOP("Settings", "Port"), 1, 65535, "", ""),
    ("api", "max_body_kb"): (
        QT_TRANSLATE_NOOP("Settings", "Largest request"),
        1,
        10240,
        QT_TRANSLATE_NOOP("Settings", " KB"),
        "",
    ),
    ("gui", "close_to_tray"): (
        QT_TRANSLATE_NOOP("Settings", "Closing the window keeps PriceWatch in the tray"),
        0,
        0,
        "",
        "",
    ),
    ("gui", "language"): (
        QT_TRANSLATE_NOOP("Settings", "Language"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP("Settings", "Applies after a restart"),
    ),
    ("currency", "rates_url"): (
        QT_TRANSLATE_NOOP("Settings", "Exchange rates from"),
        0,
        0,
        "",
        QT_TRANSLATE_NOOP(
            "Settings",
            "A daily reference-rate file in the European Central Bank's format (its own by default)",
        ),
    ),
    ("currency", "update_hour"): (
        QT_TRANSLATE_NOOP("Settings", "Fetch the rates daily at hour"),
        0,
        23,
        "",
        QT_TRANSLATE_NOOP("Settings", "Local time"),
    ),
    ("currency", "stale_after_days"): (
        QT_TRANSLATE_NOOP("Settings", "Rates are out of date after"),
        1,
        365,
        QT_TRANSLATE_NOOP("Settings", " days"),
        QT_TRANSLATE_NOOP("Settings", "The bank publishes on working days only"),
    ),
}
# Internal state kept in the settings file, not choices for the user.
HIDDEN = frozenset({("gui", "tray_hint_shown")})
PLACEHOLDERS = {("notify", "quiet_hours_start"): "22:00", ("notify", "quiet_hours_end"): "07:00"}
# What the choices of a few-valued setting mean.
CHOICE_TEXT = {
    "threads": QT_TRANSLATE_NOOP("Settings", "In background threads"),
    "sync": QT_TRANSLATE_NOOP("Settings", "One at a time, in the calling thread (debugging)"),
    "celery": QT_TRANSLATE_NOOP("Settings", "Page reads on Celery workers"),
    "quorum": QT_TRANSLATE_NOOP("Settings", "Quorum queues"),
    "classic": QT_TRANSLATE_NOOP("Settings", "Classic queues"),
    "memory": QT_TRANSLATE_NOOP("Settings", "In this program's memory"),
    "redis": QT_TRANSLATE_NOOP("Settings", "In Redis (shared with other programs)"),
}
# The window's language: each named in its own language (not translated), the system's choice translated.
LANGUAGE_TEXT = {"": QT_TRANSLATE_NOOP("Settings", "As the system is set"), **LANGUAGE_NAMES}


def _tr(text: str) -> str:
    return QCoreApplication.translate("Settings", text) if text else text


def _choice_text(section: str, name: str, choice: str | int, suffix: str) -> str:
    if (section, name) == ("gui", "language"):
        return _tr(LANGUAGE_TEXT[str(choice)]) if choice == "" else LANGUAGE_TEXT[str(choice)]
    return _tr(CHOICE_TEXT[str(choice)]) if str(choice) in CHOICE_TEXT else f"{choice}{suffix}"


def label_for(section: str, name: str) -> str:
    entry = FIELDS.get((section, name))
    return _tr(entry[0]) if entry else name.replace("_", " ").capitalize()


def make_editor(section: str, name: str, annotation: Any, value: Any, parent: QWidget) -> QWidget:
    _label, low, high, suffix, tip = FIELDS.get((section, name), ("", 0, 1_000_000, "", ""))
    suffix, tip = _tr(suffix), _tr(tip)
    allowed = field_limits(_SECTIONS[section], name) if section in _SECTIONS else None
    if allowed is not None:
        low, high = max(low, allowed[0]), min(high, allowed[1])
    editor: QWidget
    choices = field_choices(_SECTIONS[section], name) if section in _SECTIONS else None
    if choices:
        editor = QComboBox(parent)
        for choice in choices:
            text = _choice_text(section, name, choice, suffix)
            editor.addItem(text, choice)
        editor.setCurrentIndex(max(0, editor.findData(value)))
    elif annotation is bool:
        editor = QCheckBox(label_for(section, name), parent)
        editor.setChecked(bool(value))
    elif annotation is int:
        editor = QSpinBox(parent)
        editor.setRange(int(low), int(high))
        editor.setSuffix(suffix)
        editor.setValue(int(value))
    elif annotation is float:
        editor = QDoubleSpinBox(parent)
        editor.setRange(low, high)
        editor.setDecimals(1)
        editor.setSuffix(suffix)
        editor.setValue(float(value))
    elif typing.get_origin(annotation) is list:
        editor = QPlainTextEdit("\n".join(value), parent)
        editor.setMaximumHeight(80)
    else:
        editor = QLineEdit(str(value), parent)
        editor.setPlaceholderText(PLACEHOLDERS.get((section, name), ""))
    editor.setObjectName(f"{section}.{name}")
    if tip:
        editor.setToolTip(tip)
    return editor


def editor_value(editor: QWidget) -> Any:
    custom = getattr(editor, "settings_value", None)  # a compound editor (the alert rule check boxes)
    if callable(custom):
        return custom()
    if isinstance(editor, QCheckBox):
        return editor.isChecked()
    if isinstance(editor, QComboBox):
        return editor.currentData()
    if isinstance(editor, QSpinBox | QDoubleSpinBox):
        return editor.value()
    if isinstance(editor, QPlainTextEdit):
        return [line.strip() for line in editor.toPlainText().splitlines() if line.strip()]
    assert isinstance(editor, QLineEdit)
    return editor.text().strip()


def field_types(section_cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(section_cls)
    return {f.name: hints[f.name] for f in dataclasses.fields(section_cls)}
