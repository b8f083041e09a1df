"""case story: reference numbers, dates of service, external-review route, representative, outcomes

Revision ID: 0002_case_story
Revises: 0001
Create Date: 2026-12-01 21:05:00
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002_case_story"
down_revision = "0001"
branch_labels = None
depends_on = None

CASE_COLUMNS: tuple[tuple[str, sa.types.TypeEngine[Any]], ...] = (
    ("claim_number", sa.String(length=100)),
    ("service_from", sa.Date()),
    ("service_to", sa.Date()),
    ("external_route", sa.String(length=20)),
    ("representative_name", sa.String(length=200)),
    ("representative_address", sa.Text()),
    ("closed_on", sa.Date()),
)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for name, kind in CASE_COLUMNS:
            batch.add_column(sa.Column(name, kind, nullable=True))
    with op.batch_alter_table("peer_to_peers") as batch:
        batch.add_column(sa.Column("decided_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("peer_to_peers") as batch:
        batch.drop_column("decided_on")
    with op.batch_alter_table("cases") as batch:
        for name, _kind in reversed(CASE_COLUMNS):
            batch.drop_column(name)
