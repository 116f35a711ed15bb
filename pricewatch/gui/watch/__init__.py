"""Noticing what other processes change in the database: data, and a newer schema."""
