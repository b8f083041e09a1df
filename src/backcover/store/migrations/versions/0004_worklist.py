"""worklist: who works a case, and whether a prior-authorization request was expedited

``cases.assignee`` is a clinic user's name as free text (the users table belongs to clinic mode and
is not referenced: this revision stands on its own). ``pa_requests.expedited`` records whether the
request was asked for as expedited; existing requests take their case's ``urgent`` flag. The index
on ``cases.status`` serves the worklist's "open cases" query.

Revision ID: 0004_worklist
Revises: 0003_clinic
Create Date: 2026-12-02 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_worklist"
down_revision = "0003_clinic"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("assignee", sa.String(length=64), nullable=True))
        batch.create_index(batch.f("ix_cases_assignee"), ["assignee"], unique=False)
        batch.create_index(batch.f("ix_cases_status"), ["status"], unique=False)
    with op.batch_alter_table("pa_requests") as batch:
        batch.add_column(sa.Column("expedited", sa.Boolean(), nullable=True))
    op.execute(
        "UPDATE pa_requests SET expedited = "
        "(SELECT cases.urgent FROM cases WHERE cases.id = pa_requests.case_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("pa_requests") as batch:
        batch.drop_column("expedited")
    with op.batch_alter_table("cases") as batch:
        batch.drop_index(batch.f("ix_cases_status"))
        batch.drop_index(batch.f("ix_cases_assignee"))
        batch.drop_column("assignee")
