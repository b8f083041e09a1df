"""Length limits that hold the same on SQLite and PostgreSQL.

SQLite ignores ``VARCHAR(n)``; PostgreSQL refuses a longer value with a DataError in the middle of a
transaction. Before every flush this check measures each limited text field of the rows being
written and refuses a value that is too long with a message that names the field, on both
databases alike (so what one store accepts, the other imports).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import String, inspect
from sqlalchemy.orm import Session

from backcover.errors import BadInput

__all__ = ["check_lengths", "limited_columns"]

_ENTITY_WORDS = {"PARequest": "prior-authorization request", "PAEvent": "prior-authorization step"}


@cache
def limited_columns(model: type[Any]) -> dict[str, int]:
    """The model's text attributes with a length limit, and the limit."""
    out: dict[str, int] = {}
    for attr in inspect(model).column_attrs:
        for col in attr.columns:
            if isinstance(col.type, String) and col.type.length:
                out[attr.key] = int(col.type.length)
    return out


def _words(name: str) -> str:
    if name in _ENTITY_WORDS:
        return _ENTITY_WORDS[name]
    out = "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()
    return out.replace("_", " ")


def check_lengths(session: Session, _context: object = None, _instances: object = None) -> None:
    """A ``before_flush`` hook: refuse any limited text value that is longer than its column."""
    for obj in (*session.new, *session.dirty):
        model: type[Any] = type(obj)
        for key, limit in limited_columns(model).items():  # type: ignore[arg-type]
            value = getattr(obj, key, None)
            if isinstance(value, str) and len(value) > limit:
                field = key.replace("_", " ")
                raise BadInput(
                    f"the {_words(model.__name__)}'s {field} is {len(value):,} characters long; "
                    f"at most {limit} fit",
                    f"shorten the {field} to {limit} characters or fewer",
                    where=key,
                )
