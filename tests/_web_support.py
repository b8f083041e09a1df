"""The access key every test app is built with, and the header an API client sends with it."""

from __future__ import annotations

WEB_KEY = "test-access-key-0123456789abcdefghijklmnopqrstuvwxyz"
AUTH = {"Authorization": f"Bearer {WEB_KEY}"}
