"""Answering every role a view asks about a cell in one Python call.

Qt's item delegates ask for a cell's roles together (QAbstractItemModel::multiData: font, alignment, colours,
check state, decoration, text, background). The default implementation calls data() once per role: seven calls
from C++ into Python per painted cell, each taking the GIL anew, which costs up to a switch interval whenever
worker threads are running Python (a big check). Models override multiData with :func:`fill_roles` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from PySide6.QtCore import QModelIndex, QModelRoleData, QModelRoleDataSpan, QPersistentModelIndex

Index = QModelIndex | QPersistentModelIndex
Roles = QModelRoleDataSpan | QModelRoleData  # what PySide passes to multiData (a span, in practice)


def fill_roles(data: Callable[[Index, int], Any], index: Index, roles: Roles) -> None:
    """Fill ``roles`` from ``data(index, role)``: exactly what Qt's default multiData does, in Python."""
    # a span has len() and [] at run time (PySide's stubs leave them out)
    each = [roles] if isinstance(roles, QModelRoleData) else cast(Sequence[QModelRoleData], roles)
    for role_data in each:
        role_data.setData(data(index, role_data.role()))
