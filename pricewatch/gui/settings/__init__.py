"""The settings dialog and its field editors."""
