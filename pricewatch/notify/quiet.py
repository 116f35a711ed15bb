"""Quiet hours: a daily local-time window ("22:00" to "07:00") in which notifications wait for a digest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

_CLOCK = re.compile(r"^\s*([01]?\d|2[0-3]):([0-5]\d)\s*$")


def parse_clock(text: str) -> time | None:
    """``"22:00"`` -> 22:00; empty -> None; anything else -> ValueError."""
    if not text or not text.strip():
        return None
    match = _CLOCK.match(text)
    if match is None:
        raise ValueError(f"{text!r} is not a time of day (use HH:MM, for example 22:00)")
    return time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: time | None
    end: time | None

    @classmethod
    def parse(cls, start: str, end: str) -> QuietHours:
        return cls(parse_clock(start), parse_clock(end))

    @property
    def enabled(self) -> bool:
        return self.start is not None and self.end is not None and self.start != self.end

    def active(self, now: datetime, tz: tzinfo | None = None) -> bool:
        """Whether ``now`` (aware) is in the window, read in ``tz`` (default: the computer's local time)."""
        if not self.enabled:
            return False
        assert self.start is not None and self.end is not None
        local = now.astimezone(tz).time().replace(tzinfo=None)
        if self.start < self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # the window spans midnight

    def ends_at(self, now: datetime, tz: tzinfo | None = None) -> datetime | None:
        """When the current quiet period ends (aware, in ``now``'s zone); None outside quiet hours.

        For a one-shot timer that calls ``app.flush_held_notifications()`` then.
        """
        if not self.active(now, tz):
            return None
        assert self.end is not None
        local = now.astimezone(tz)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end.astimezone(now.tzinfo)
