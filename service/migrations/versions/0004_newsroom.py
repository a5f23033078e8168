"""newsroom: accounts, token owners and expiry, publication state, text versions, audit log

Existing bulletins were public the moment they were accepted, so they become
`published` at version 1 (their current text), and nothing a reader could see vanishes.

Revision ID: 0004
Revises: 0003
"""
import hashlib
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("action", sa.String(length=30), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_index("ix_audit_log_bulletin_id", "audit_log", ["bulletin_id"])
    op.create_table(
        "bulletin_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("lead", sa.Text(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["bulletin_id"], ["bulletins.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("bulletin_id", "number", name="uq_version_number"),
    )
    op.create_index("ix_bulletin_versions_bulletin_id", "bulletin_versions", ["bulletin_id"])
    op.create_index("ix_bulletin_versions_text_sha256", "bulletin_versions", ["text_sha256"])
    with op.batch_alter_table("bulletins") as batch:
        batch.add_column(sa.Column("state", sa.String(length=16), nullable=False,
                                   server_default="draft"))
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch.add_column(sa.Column("published_version", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("created_by", sa.String(length=100), nullable=False,
                                   server_default=""))
        batch.create_index("ix_bulletins_state", ["state"])
    with op.batch_alter_table("renditions") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("owner_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("expires_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("revoked_at", sa.DateTime(), nullable=True))
        batch.create_foreign_key("fk_api_tokens_owner", "users", ["owner_id"], ["id"])
    with op.batch_alter_table("lexicon") as batch:
        batch.add_column(sa.Column("updated_by", sa.String(length=100), nullable=False,
                                   server_default=""))
    _backfill()
    # The defaults were only for the existing rows; the models set the values.
    for table, column in (("bulletins", "state"), ("bulletins", "version"),
                          ("bulletins", "created_by"), ("renditions", "version"),
                          ("lexicon", "updated_by")):
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, server_default=None)


def _backfill() -> None:
    conn = op.get_bind()
    bulletins = sa.table("bulletins", sa.column("id"), sa.column("title"), sa.column("lead"),
                         sa.column("body"), sa.column("author"), sa.column("state"),
                         sa.column("published_version"))
    versions = sa.table("bulletin_versions", *(sa.column(c) for c in (
        "bulletin_id", "number", "title", "lead", "body", "author", "text_sha256",
        "created_by", "created_at")))
    now = datetime.now(UTC).replace(tzinfo=None)
    for row in conn.execute(sa.select(bulletins)).mappings().all():
        text = "\n\n".join([row["title"], row["lead"], row["body"], row["author"]])
        conn.execute(versions.insert().values(
            bulletin_id=row["id"], number=1, title=row["title"], lead=row["lead"],
            body=row["body"], author=row["author"],
            text_sha256=hashlib.sha256(text.encode()).hexdigest(), created_by="",
            created_at=now))
    conn.execute(bulletins.update().values(state="published", published_version=1))


def downgrade() -> None:
    with op.batch_alter_table("lexicon") as batch:
        batch.drop_column("updated_by")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_constraint("fk_api_tokens_owner", type_="foreignkey")
        batch.drop_column("revoked_at")
        batch.drop_column("expires_at")
        batch.drop_column("owner_id")
    with op.batch_alter_table("renditions") as batch:
        batch.drop_column("version")
    with op.batch_alter_table("bulletins") as batch:
        batch.drop_index("ix_bulletins_state")
        batch.drop_column("created_by")
        batch.drop_column("published_version")
        batch.drop_column("version")
        batch.drop_column("state")
    op.drop_table("bulletin_versions")
    op.drop_table("audit_log")
    op.drop_table("users")
