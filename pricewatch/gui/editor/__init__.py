"""The add/edit dialog: the look-up, what it found, the offer picker, the selector check, alert rules."""
