"""Alembic environment: run programmatically by backcover.store with an open connection."""

from __future__ import annotations

from alembic import context

from backcover.store._account_models import AccountBase
from backcover.store._models import Base

connection = context.config.attributes["connection"]
context.configure(
    connection=connection, target_metadata=[Base.metadata, AccountBase.metadata], render_as_batch=True
)
with context.begin_transaction():
    context.run_migrations()
