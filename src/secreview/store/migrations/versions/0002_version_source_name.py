"""The file a version came from: a vendor workbook's name (or an uploaded description's), so
the history says which returned workbook made which version.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN on both databases: SQLite's batch mode would copy the table and drop
    # its append-only triggers with it.
    op.add_column('description_versions',
                  sa.Column('source_name', sa.String(length=255), nullable=True))


def downgrade() -> None:
    op.drop_column('description_versions', 'source_name')  # SQLite 3.35+ drops in place
