"""Editors for settings fields, chosen by the field's type, with labels and limits in one table."""

from __future__ import annotations

import dataclasses
import typing
from typing import Any

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

_SECTIONS = {f.name: type(getattr(Settings(), f.name)) for f in dataclasses.fields(Settings)}

# (section, field) -> (label, minimum, maximum, suffix, tooltip); fields missing here get a generated label.
# The editor's range is this one within the setting's own (pricewatch.config), so the dialog never offers a
# value that loading the settings would refuse.
FIELDS: dict[tuple[str, str], tuple[str, float, float, str, str]] = {
    ("schedule", "default_check_interval_minutes"): (
        "Check each new product every",
        1,
        10080,
        " min",
        "How often a product is checked unless you set its own interval",
    ),
    ("schedule", "check_minute"): ("Hourly check at minute", 0, 59, "", ""),
    ("schedule", "check_every_minutes"): (
        "Look for products due every",
        0,
        0,
        " min",
        "How often PriceWatch wakes up to check the products that are due",
    ),
    ("schedule", "check_jitter_seconds"): ("Random delay up to", 0, 3600, " s", "Spreads checks over time"),
    ("schedule", "cleanup_hour"): ("Daily clean-up at hour", 0, 23, "", ""),
    ("schedule", "cleanup_minute"): ("Daily clean-up at minute", 0, 59, "", ""),
    ("schedule", "cache_cleanup_hours"): ("Cache clean-up every", 1, 168, " h", ""),
    ("schedule", "paused"): ("Pause scheduled checks", 0, 0, "", ""),
    ("fetch", "user_agent"): ("User agent", 0, 0, "", "How PriceWatch introduces itself to shops"),
    ("fetch", "connect_timeout"): ("Connect timeout", 1, 120, " s", ""),
    ("fetch", "read_timeout"): ("Read timeout", 1, 300, " s", ""),
    ("fetch", "deadline"): ("Give up a page after", 5, 600, " s", ""),
    ("fetch", "max_body_mb"): ("Largest page", 1, 100, " MB", ""),
    ("fetch", "per_host_concurrency"): ("Requests at once per shop", 1, 16, "", ""),
    ("fetch", "per_host_delay"): ("Pause between requests to a shop", 0, 60, " s", ""),
    ("fetch", "respect_robots"): ("Respect robots.txt", 0, 0, "", ""),
    ("fetch", "thumbnails"): ("Show product images", 0, 0, "", "Fetches each product's picture once"),
    ("fetch", "proxy"): ("Proxy", 0, 0, "", "http://host:port or socks5://host:port; empty: none"),
    ("browser", "enabled"): ("Use a browser for shops that need one", 0, 0, "", "Pages built by scripts"),
    ("browser", "pages"): ("Pages rendered at once", 1, 8, "", ""),
    ("browser", "queue_limit"): ("Pages waiting at most", 1, 10000, "", ""),
    ("browser", "deadline"): ("Give up a rendered page after", 1, 600, " s", ""),
    ("browser", "recycle_after_pages"): ("Restart the browser after", 1, 100000, " pages", ""),
    ("browser", "memory_ceiling_mb"): ("Restart the browser above", 100, 16000, " MB", ""),
    ("browser", "user_agent"): (
        "Browser user agent",
        0,
        0,
        "",
        "Empty: the browser's own, naming PriceWatch",
    ),
    ("tasks", "executor"): ("Run tasks", 0, 0, "", "Applies after a restart"),
    ("tasks", "default_concurrency"): ("Default queue workers", 1, 32, "", "Applies after a restart"),
    ("tasks", "scraping_concurrency"): ("Scraping queue workers", 1, 64, "", "Applies after a restart"),
    ("tasks", "notifications_concurrency"): (
        "Notification queue workers",
        1,
        8,
        "",
        "Applies after a restart",
    ),
    ("tasks", "max_retries"): ("Retries for temporary errors", 0, 20, "", ""),
    ("tasks", "retry_base_delay"): (
        "First retry after about",
        1,
        3600,
        " s",
        "Doubles each time, with jitter",
    ),
    ("tasks", "retry_max_delay"): ("Longest wait between retries", 1, 86400, " s", ""),
    ("tasks", "task_retention_days"): ("Keep finished tasks for", 1, 365, " days", ""),
    ("tasks", "extract_in_processes"): ("Read pages in separate processes", 0, 0, "", "One per core"),
    ("tasks", "lease_seconds"): (
        "Task lease",
        1,
        3600,
        " s",
        "Another computer's unfinished tasks are taken over after this long without a sign of life",
    ),
    ("tasks", "heartbeat_seconds"): ("Sign of life every", 0.1, 1200, " s", "At most a third of the lease"),
    ("cache", "max_entries"): ("Cached pages", 1, 100000, "", ""),
    ("cache", "ttl_seconds"): ("Keep cached pages for", 1, 86400, " s", ""),
    ("cache", "max_mb"): ("Cache size limit", 0, 4096, " MB", "Memory for cached pages; 0: no limit"),
    ("notify", "desktop"): ("Desktop notifications", 0, 0, "", ""),
    ("notify", "tray"): ("Tray messages", 0, 0, "", ""),
    ("notify", "apprise_urls"): (
        "Other services (Apprise)",
        0,
        0,
        "",
        "Phone, e-mail or chat through Apprise: one address per line, for example ntfy://topic",
    ),
    ("notify", "quiet_hours_start"): ("Quiet hours from", 0, 0, "", "HH:MM; empty: no quiet hours"),
    ("notify", "quiet_hours_end"): ("Quiet hours until", 0, 0, "", "HH:MM"),
    ("notify", "default_rules"): (
        "Alerts for new products",
        0,
        0,
        "",
        "One per line: any_drop, price_increase, back_in_stock, out_of_stock",
    ),
    ("notify", "daily_cap_per_product"): ("Notifications per product a day", 0, 100, "", "0: no limit"),
    ("api", "enabled"): ("Enable the local API", 0, 0, "", ""),
    ("api", "host"): ("Listen on", 0, 0, "", "127.0.0.1 keeps it on this computer"),
    ("api", "port"): ("Port", 1, 65535, "", ""),
    ("api", "max_body_kb"): ("Largest request", 1, 10240, " KB", ""),
    ("gui", "close_to_tray"): ("Closing the window keeps PriceWatch in the tray", 0, 0, "", ""),
    ("currency", "rates_url"): (
        "Exchange rates from",
        0,
        0,
        "",
        "A daily reference-rate file in the European Central Bank's format (its own by default)",
    ),
    ("currency", "update_hour"): ("Fetch the rates daily at hour", 0, 23, "", "Local time"),
    ("currency", "stale_after_days"): (
        "Rates are out of date after",
        1,
        365,
        " days",
        "The bank publishes on working days only",
    ),
}
# Internal state kept in the settings file, not choices for the user.
HIDDEN = frozenset({("gui", "tray_hint_shown")})
PLACEHOLDERS = {("notify", "quiet_hours_start"): "22:00", ("notify", "quiet_hours_end"): "07:00"}
# What the choices of a few-valued setting mean.
CHOICE_TEXT = {"threads": "In background threads", "sync": "One at a time, in the calling thread (debugging)"}


def label_for(section: str, name: str) -> str:
    entry = FIELDS.get((section, name))
    return entry[0] if entry else name.replace("_", " ").capitalize()


def make_editor(section: str, name: str, annotation: Any, value: Any, parent: QWidget) -> QWidget:
    _label, low, high, suffix, tip = FIELDS.get((section, name), ("", 0, 1_000_000, "", ""))
    allowed = field_limits(_SECTIONS[section], name) if section in _SECTIONS else None
    if allowed is not None:
        low, high = max(low, allowed[0]), min(high, allowed[1])
    editor: QWidget
    choices = field_choices(_SECTIONS[section], name) if section in _SECTIONS else None
    if choices:
        editor = QComboBox(parent)
        for choice in choices:
            text = CHOICE_TEXT.get(str(choice), f"{choice}{suffix}")
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
