"""Export and import of everything, as one JSON archive with the documents' bytes (base64).

The archive lists every table's rows in dependency order. Import goes into an empty store and
keeps the row ids, so a round trip gives back the same archive. Document contents are checked
against their sha256 on the way in.
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Connection, Date, DateTime, LargeBinary, func, select, text
from sqlalchemy.exc import IntegrityError, StatementError
from sqlalchemy.orm import Session

from backcover.errors import BadInput
from backcover.store._files import sha256_hex
from backcover.store._models import Base

__all__ = ["ARCHIVE_FORMAT", "ARCHIVE_VERSION", "dump_all", "load_all", "reset_sequences"]

ARCHIVE_FORMAT = "backcover-archive"
ARCHIVE_VERSION = 1
SCHEMA_REVISION = "0001"


def _out(value: Any) -> Any:
    if isinstance(value, datetime):
        value = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def dump_all(s: Session) -> dict[str, Any]:
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in Base.metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        rows = s.execute(select(table).order_by(*pk)).mappings()
        tables[str(table.name)] = [{str(k): _out(v) for k, v in row.items()} for row in rows]
    return {
        "format": ARCHIVE_FORMAT,
        "version": ARCHIVE_VERSION,
        "schema_revision": SCHEMA_REVISION,
        "tables": tables,
    }


def _in(col_type: Any, value: Any, where: str, file: str | None) -> Any:
    if value is None:
        return None
    try:
        if isinstance(col_type, DateTime):
            return datetime.fromisoformat(value)
        if isinstance(col_type, Date):
            return date.fromisoformat(value)
        if isinstance(col_type, LargeBinary):
            return base64.b64decode(value, validate=True)
    except (TypeError, ValueError, binascii.Error):
        raise BadInput(
            f"{value!r:.40} is not a valid value here", "export the archive again", file, where
        ) from None
    limit = getattr(col_type, "length", None)
    if isinstance(value, str) and isinstance(limit, int) and len(value) > limit:
        # PostgreSQL would refuse it mid-import; SQLite would keep it. Both refuse it here alike.
        raise BadInput(
            f"a value of {len(value):,} characters is longer than the {limit} this field holds",
            f"shorten it to {limit} characters in the store it came from, then export again",
            file,
            where,
        )
    return value


def load_all(s: Session, archive: Any, *, file: str | None = None) -> dict[str, int]:
    if not isinstance(archive, dict) or archive.get("format") != ARCHIVE_FORMAT:
        raise BadInput(
            "this is not a backcover archive", "give an archive exported by backcover", file, "$.format"
        )
    if archive.get("version") != ARCHIVE_VERSION:
        raise BadInput(
            f"archive version {archive.get('version')!r} is not supported (this backcover reads version 1)",
            "export it again with this version of backcover",
            file,
            "$.version",
        )
    tables = archive.get("tables")
    if not isinstance(tables, dict):
        raise BadInput("the archive has no tables", "export the archive again", file, "$.tables")
    known = {t.name: t for t in Base.metadata.sorted_tables}
    for name in tables:
        if name not in known:
            raise BadInput(f"unknown table {name!r}", "export the archive again", file, f"$.tables.{name}")
    for t in known.values():
        if t.name != "audit_log" and s.execute(select(func.count()).select_from(t)).scalar_one():
            raise BadInput(
                "the store already holds data; an archive is imported into an empty store",
                "set BACKCOVER_DATABASE_URL to a new database, or move the current one aside",
                file,
            )
    audit_before = s.execute(select(func.count()).select_from(known["audit_log"])).scalar_one()
    counts: dict[str, int] = {}
    for table in Base.metadata.sorted_tables:
        rows = tables.get(table.name) or []
        if not isinstance(rows, list):
            raise BadInput(
                "expected a list of rows", "export the archive again", file, f"$.tables.{table.name}"
            )
        converted: list[dict[str, Any]] = []
        for i, row in enumerate(rows):
            where = f"$.tables.{table.name}[{i}]"
            if not isinstance(row, dict):
                raise BadInput("expected an object", "export the archive again", file, where)
            extra = set(row) - set(table.columns.keys())
            if extra:
                raise BadInput(
                    f"unknown column {sorted(extra)[0]!r}", "export the archive again", file, where
                )
            values = {k: _in(table.columns[k].type, v, f"{where}.{k}", file) for k, v in row.items()}
            if table.name == "blobs" and sha256_hex(values.get("content") or b"") != values.get("sha256"):
                raise BadInput(
                    "a document's content does not match its sha256", "the archive is damaged", file, where
                )
            if table.name == "audit_log" and audit_before:
                values.pop("id", None)  # this store has its own history: append after it
            converted.append(values)
        if converted:
            try:
                s.execute(table.insert(), converted)
            except (IntegrityError, StatementError):
                raise BadInput(
                    f"the rows of {table.name} do not fit together (missing or duplicate ids)",
                    "export the archive again",
                    file,
                    f"$.tables.{table.name}",
                ) from None
        counts[table.name] = len(converted)
    if s.get_bind().dialect.name == "postgresql":
        reset_sequences(s.connection())
    return counts


def reset_sequences(conn: Connection) -> None:
    """After inserting explicit ids on PostgreSQL, move each id sequence past the largest id."""
    for table in Base.metadata.sorted_tables:
        if "id" in table.columns and table.columns["id"].autoincrement is not False:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                    f"COALESCE((SELECT MAX(id) FROM {table.name}), 0) + 1, false)"
                )
            )
