"""Adding many products at once: pasted addresses, dropped links and bookmarks files, previewed first."""
