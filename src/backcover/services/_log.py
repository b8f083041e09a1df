"""The treatment log as entries a person can list, change and delete (CLI ``backcover log`` and the web).

An entry is named by its section and its number in that section, counted from 1 (``pain 2``). Every
change is validated by the log parser before the file is written, atomically; a change that would
make the log invalid writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from ruamel.yaml.comments import CommentedMap

from backcover.errors import BadInput
from backcover.record.log import SECTIONS, parse_log_text
from backcover.yamlio import atomic_write_text, dump_yaml, load_yaml, suggest

__all__ = ["LogEntry", "delete_entry", "edit_entry", "log_entries"]


@dataclass(frozen=True, slots=True)
class LogEntry:
    section: str
    number: int  # 1-based, within the section
    fields: dict[str, Any]

    def to_json(self) -> dict[str, Any]:
        return {"section": self.section, "number": self.number, "fields": self.fields}


def _doc(path: Path) -> CommentedMap:
    if not path.exists() or path.stat().st_size == 0:
        return CommentedMap()
    doc = load_yaml(path)
    if doc is None:
        return CommentedMap()
    if not isinstance(doc, CommentedMap):
        raise BadInput("the log file is not a set of sections", "fix the file by hand first", str(path))
    return doc


def _plain(v: Any) -> Any:
    if isinstance(v, Mapping):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_plain(x) for x in v]
    if isinstance(v, date):
        return v.isoformat()
    return v if isinstance(v, str | int | bool) or v is None else str(v)


def log_entries(path: Path) -> list[LogEntry]:
    """Every entry of the log, section by section, in the file's order."""
    doc = _doc(path)
    out = []
    for section in SECTIONS:
        seq = doc.get(section)
        if not isinstance(seq, list):
            continue
        for i, e in enumerate(seq):
            if isinstance(e, Mapping):
                out.append(LogEntry(section, i + 1, _plain(e)))
    return out


def _locate(doc: CommentedMap, path: Path, section: str, number: int) -> list[Any]:
    if section not in SECTIONS:
        raise BadInput(
            f"there is no log section {section!r}", suggest(section, SECTIONS), str(path), "section"
        )
    seq = doc.get(section)
    count = len(seq) if isinstance(seq, list) else 0
    if not 1 <= number <= count:
        raise BadInput(
            f"the log has no {section} entry number {number}",
            f"give a number from 1 to {count}" if count else f"the log has no {section} entries yet",
            str(path),
            "number",
        )
    assert isinstance(seq, list)
    return seq


def _write(path: Path, doc: CommentedMap) -> None:
    text = dump_yaml(doc)
    parse_log_text(text, str(path))  # validate everything before writing
    atomic_write_text(path, text)


def edit_entry(path: Path, section: str, number: int, changes: Mapping[str, Any]) -> LogEntry:
    """Change fields of one entry; a value of ``None`` or ``""`` removes that field."""
    path = Path(path)
    doc = _doc(path)
    seq = _locate(doc, path, section, number)
    entry = seq[number - 1]
    for k, v in changes.items():
        if v is None or v == "":
            entry.pop(k, None)
        else:
            entry[k] = v.isoformat() if isinstance(v, date) else v
    _write(path, doc)
    return LogEntry(section, number, _plain(entry))


def delete_entry(path: Path, section: str, number: int) -> LogEntry:
    """Remove one entry; the entries after it move up by one. Deleting the last entry of the log
    removes the file (a log with no entries is not a record; the next entry starts a new one)."""
    path = Path(path)
    doc = _doc(path)
    seq = _locate(doc, path, section, number)
    gone = LogEntry(section, number, _plain(seq[number - 1]))
    del seq[number - 1]
    if not any(isinstance(v, list) and v for v in doc.values()) and not doc.get("patient"):
        path.unlink()
        return gone
    _write(path, doc)
    return gone
