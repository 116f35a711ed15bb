"""The Deal texts that count days, with their plural forms ("1 day", "3 days"; Turkish and German alike).

They live on a QObject named ``Deal`` (the same translation context as the rest of the Deal texts) because
lupdate marks a text as plural only when it can see the count: it does for ``self.tr(text, "", n)``, not for
``QCoreApplication.translate("Deal", text, "", n)`` with a variable ``n``.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QObject


class Deal(QObject):
    def lowest_badge(self, days: int) -> str:
        return self.tr("Lowest in %n days", "", days)

    def watched_too_short(self, days: int) -> str:
        return self.tr("Watched for %n day(s); a verdict needs 30.", "", days)

    def lowest_while_watched(self, days: int) -> str:
        return self.tr("The lowest price in %n day(s) of watching.", "", days)

    def no_lower_in(self, days: int) -> str:
        return self.tr("No lower price in the last %n day(s).", "", days)

    def too_little_history(self, days: int) -> str:
        """%1 stays for the was-price."""
        return self.tr("Too little history for %1: the rule needs %n days before it.", "", days)


@cache
def deal_counts() -> Deal:
    """One parentless QObject for the process: the texts are read on the GUI thread."""
    return Deal()
