"""lexicon entries for one bulletin ("Sửa cách đọc" with the scope "this bulletin")

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("lexicon") as batch:
        batch.add_column(sa.Column("bulletin_id", sa.Integer(), nullable=False,
                                   server_default="0"))
        batch.drop_constraint("uq_lexicon_written_source", type_="unique")
        batch.create_unique_constraint("uq_lexicon_written_scope",
                                       ["written", "source", "bulletin_id"])
    with op.batch_alter_table("lexicon") as batch:
        batch.alter_column("bulletin_id", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("lexicon") as batch:
        batch.drop_constraint("uq_lexicon_written_scope", type_="unique")
        batch.create_unique_constraint("uq_lexicon_written_source", ["written", "source"])
        batch.drop_column("bulletin_id")
