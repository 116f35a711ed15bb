"""Entity-encoded markup in scraped text never reaches a notification as markup: entities are decoded first
and tags stripped after, through the real notification task to the tray and a real Apprise webhook."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from pricewatch.models import TaskState
from pricewatch.notify.sanitize import clean_message, clean_title
from pricewatch.text import clean_text
from tests.support.webhook import Webhook

TAG = re.compile(r"<[^<>]*>")
HOSTILE = [
    "&lt;b&gt;Kettle&lt;/b&gt;",
    "&lt;img src=x onerror=alert(1)&gt;Kettle",
    "&amp;lt;a href=&amp;quot;http://evil.example&amp;quot;&amp;gt;Kettle&amp;lt;/a&amp;gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;Kettle",
    "<b>Kettle</b> &lt;i&gt;",
]


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    hook = Webhook()
    yield hook
    hook.close()


@pytest.mark.parametrize("raw", HOSTILE)
def test_encoded_markup_is_stripped_after_decoding(raw: str) -> None:
    for cleaned in (clean_text(raw), clean_title(raw), clean_message(raw)):
        assert TAG.search(cleaned) is None, cleaned
        assert "Kettle" in cleaned


def test_plain_angle_brackets_and_entities_stay_text() -> None:
    assert clean_text("5 &lt; 6 &amp; 7 > 3") == "5 < 6 & 7 > 3"


def test_notification_with_encoded_markup_reaches_tray_and_webhook_as_plain_text(webhook: Webhook) -> None:
    from pricewatch.app import PriceWatch

    seen: list[tuple[str, str]] = []
    with PriceWatch(executor="sync") as app:
        app.settings.notify.desktop = False
        app.settings.notify.apprise_urls = [f"json://127.0.0.1:{webhook.port}/hook"]
        app.set_tray_notifier(lambda t, m: seen.append((t, m)))
        task_id = app.submit_task(
            "notifications.send", kwargs={"title": HOSTILE[0], "message": " ".join(HOSTILE[1:])}
        )
        assert app.wait_for_task(task_id, timeout=60).state is TaskState.SUCCESS
    ((title, message),) = seen
    (post,) = webhook.posts
    for text in (title, message, post["title"], post["message"]):
        assert TAG.search(text) is None, text
    assert title == "Kettle"


def test_control_characters_cannot_hide_a_tag() -> None:
    assert TAG.search(clean_text("<\x00b>Kettle&lt;\x1b[0mi&gt;")) is None
