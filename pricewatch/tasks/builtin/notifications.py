"""Notification tasks: notifications.send and notifications.send_batch (filled in by the alerts engineer)."""
