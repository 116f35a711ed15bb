"""The task tree view: ignores changes to rows it does not show."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QTreeView


class TaskTreeView(QTreeView):
    """A QTreeView that skips dataChanged for the children of a collapsed parent.

    Qt's tree view handles a changed range by walking its rows, asking the model for each row's index, parent
    and sibling: a few calls into Python per row, each taking the GIL anew while the scraping threads run
    Python. The children of a batch change constantly during a check, mostly while the batch is collapsed,
    where nothing of them is drawn; when it is expanded, they are laid out and read afresh.
    """

    def dataChanged(
        self,
        topLeft: QModelIndex | QPersistentModelIndex,
        bottomRight: QModelIndex | QPersistentModelIndex,
        roles: Sequence[int] = (),
    ) -> None:
        parent = topLeft.parent()
        if parent.isValid() and not self.isExpanded(parent):
            return
        super().dataChanged(topLeft, bottomRight, list(roles))
