"""SQLite storage: connection, migrations and one repository per table (no Qt here)."""

from pricewatch.storage.alert_rules import AlertRuleRepository
from pricewatch.storage.db import Database
from pricewatch.storage.errors import DatabaseUnavailableError, StorageError
from pricewatch.storage.migrations import LATEST_VERSION, SchemaTooNewError
from pricewatch.storage.notifications import NotificationRepository
from pricewatch.storage.observations import CheckOutcome, ObservationRepository
from pricewatch.storage.products import DuplicateProductError, ProductRepository
from pricewatch.storage.tasks import TaskRepository

__all__ = [
    "LATEST_VERSION",
    "AlertRuleRepository",
    "CheckOutcome",
    "Database",
    "DatabaseUnavailableError",
    "DuplicateProductError",
    "NotificationRepository",
    "ObservationRepository",
    "ProductRepository",
    "SchemaTooNewError",
    "StorageError",
    "TaskRepository",
]
