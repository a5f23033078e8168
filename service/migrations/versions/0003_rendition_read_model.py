"""rendition read model: spoken forms, per-profile state, stage timings

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("renditions") as batch:
        batch.add_column(sa.Column("spoken", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("profiles", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("stages", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("renditions") as batch:
        batch.drop_column("stages")
        batch.drop_column("profiles")
        batch.drop_column("spoken")
