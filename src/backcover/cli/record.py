"""The `record` commands (being written)."""
