"""Where backcover keeps its files by default (the platform's user data directory)."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

__all__ = ["data_dir", "default_log_path"]


def data_dir() -> Path:
    """``$BACKCOVER_HOME`` if set, else the platform's user data directory for backcover."""
    env = os.environ.get("BACKCOVER_HOME")
    return Path(env) if env else Path(user_data_dir("backcover", appauthor=False))


def default_log_path() -> Path:
    return data_dir() / "treatment-log.yaml"
