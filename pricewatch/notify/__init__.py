"""Notifications: channels (desktop, tray, Apprise), the notifier with its log, quiet hours and digests.

Nothing is imported here on purpose: ``pricewatch.alerts`` needs only :mod:`pricewatch.notify.sanitize`, and
loading the channels pulls in plyer and Apprise. Import from the submodules.
"""
