"""free-text columns become Text (PostgreSQL enforced VARCHAR limits that SQLite ignores)

Names, titles, organizations, document sources and file names, reviewers and the audit actor have
no natural limit: as Text they hold the same values on SQLite and PostgreSQL, so an export from one
imports into the other. The remaining limited columns (codes, ids, numbers) are checked before every
write with a message that names the field (backcover.store._limits).

Revision ID: 0002_text_columns
Revises: 0001
Create Date: 2026-12-01 21:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_text_columns"
down_revision = "0002_case_story"
branch_labels = None
depends_on = None

COLUMNS: dict[str, dict[str, tuple[int, bool]]] = {
    "patients": {"name": (200, False)},
    "plans": {"name": (200, False), "payer": (200, True)},
    "providers": {"name": (200, False), "specialty": (200, True), "organization": (200, True)},
    "cases": {"title": (300, False)},
    "peer_to_peers": {"reviewer_name": (200, True), "reviewer_credentials": (200, True)},
    "external_reviews": {"organization": (200, True)},
    "documents": {"source": (200, True), "filename": (300, True)},
    "audit_log": {"actor": (200, False)},
}


def upgrade() -> None:
    for table, cols in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name, (length, nullable) in cols.items():
                batch.alter_column(
                    name, existing_type=sa.String(length=length), type_=sa.Text(), existing_nullable=nullable
                )


def downgrade() -> None:
    for table, cols in COLUMNS.items():
        with op.batch_alter_table(table) as batch:
            for name, (length, nullable) in cols.items():
                batch.alter_column(
                    name, existing_type=sa.Text(), type_=sa.String(length=length), existing_nullable=nullable
                )
