"""Atomic writes of files that may hold health data, and the sweep of temporary files a crash left.

A write goes to ``.NAME.XXXXXXXX.tmp`` beside the target and is renamed over it, so readers see the
old or the new content, never half. A process killed mid-write (``kill -9``, power loss) leaves its
temporary file behind; :func:`remove_stale_temp_files` deletes those that are ours (same owner, our
name pattern) and older than this process, and every atomic write sweeps its own target's leftovers.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

__all__ = [
    "PROCESS_STARTED",
    "atomic_write_bytes",
    "atomic_write_text",
    "is_temp_name",
    "remove_stale_temp_files",
]

# When this process started (near enough: when backcover was imported). Temporary files older than
# this cannot belong to a write this process is doing.
PROCESS_STARTED = time.time()
# A temporary file younger than this may belong to a write another process is making right now (the
# web server and the CLI share folders): only older ones are leftovers of a killed write.
STALE_AFTER_S = 600
_TEMP = re.compile(r"^\.(?P<target>.+)\.[A-Za-z0-9_]{8}\.tmp$")


def is_temp_name(name: str) -> bool:
    """Is this the name of one of our temporary files (``.NAME.XXXXXXXX.tmp``)?"""
    return _TEMP.match(name) is not None


def remove_stale_temp_files(folders: Iterable[Path], target: str | None = None) -> int:
    """Delete our temporary files in ``folders`` (only those for ``target``, if given) that are older
    than this process and than :data:`STALE_AFTER_S`. Returns how many were removed; files that
    vanish or resist are left alone."""
    removed = 0
    cutoff = min(PROCESS_STARTED, time.time() - STALE_AFTER_S)
    uid = os.getuid() if hasattr(os, "getuid") else None
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            m = _TEMP.match(entry.name)
            if m is None or (target is not None and m.group("target") != target):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
                if not entry.is_file(follow_symlinks=False) or (uid is not None and st.st_uid != uid):
                    continue
                if st.st_mtime >= cutoff:
                    continue
                os.unlink(entry.path)
                removed += 1
            except OSError:
                continue
    return removed


def atomic_write_text(path: Path, text: str, mode: int = 0o600) -> None:
    """Write text atomically with owner-only permissions (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"), mode)


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write a file so that readers see the old or the new content, never half of it.

    The file gets owner-only permissions by default, as it may hold health data. On failure the
    temporary file is removed and the old content stays; leftovers of earlier, killed processes
    writing the same file are removed first.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temp_files([path.parent], target=path.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
        os.chmod(path, mode)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
