"""case story: reference numbers, dates of service, external-review route, representative, outcomes

Revision ID: 0002_case_story
Revises: 0001
Create Date: 2026-12-01 21:05:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_case_story"
down_revision = "0001"
branch_labels = None
depends_on = None

CASE_COLUMNS = (
    sa.Column("claim_number", sa.String(length=100), nullable=True),
    sa.Column("service_from", sa.Date(), nullable=True),
    sa.Column("service_to", sa.Date(), nullable=True),
    sa.Column("external_route", sa.String(length=20), nullable=True),
    sa.Column("representative_name", sa.String(length=200), nullable=True),
    sa.Column("representative_address", sa.Text(), nullable=True),
    sa.Column("closed_on", sa.Date(), nullable=True),
)


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        for col in CASE_COLUMNS:
            batch.add_column(col.copy())
    with op.batch_alter_table("peer_to_peers") as batch:
        batch.add_column(sa.Column("decided_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("peer_to_peers") as batch:
        batch.drop_column("decided_on")
    with op.batch_alter_table("cases") as batch:
        for col in reversed(CASE_COLUMNS):
            batch.drop_column(col.name)
