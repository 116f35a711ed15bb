"""Fetching shop pages and extracting price, currency, availability and title from them (no Qt here)."""
