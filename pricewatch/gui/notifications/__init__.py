"""The notification log, the channel test and the system tray."""
