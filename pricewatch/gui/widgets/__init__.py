"""Small shared pieces: formatting for people, models and delegates, the pool worker, resources."""
