"""The `log` commands (being written)."""
