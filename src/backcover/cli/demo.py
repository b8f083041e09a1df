"""The `demo` commands (being written)."""
