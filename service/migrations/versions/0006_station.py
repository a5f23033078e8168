"""the loudspeaker station: priorities, broadcast rules, CAP origin, programmes, editions

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BULLETIN_COLUMNS = [
    ("released_at", sa.DateTime(), True, None),
    ("category", sa.String(100), False, ""),
    ("priority", sa.String(16), False, "normal"),
    ("issued_at", sa.DateTime(), True, None),
    ("expires_at", sa.DateTime(), True, None),
    ("hazard", sa.String(20), True, None),
    ("risk_level", sa.Integer(), True, None),
    ("instruction", sa.Text(), False, ""),
    ("repeat_minutes", sa.Integer(), True, None),
    ("stopped_at", sa.DateTime(), True, None),
    ("superseded_by", sa.Integer(), True, None),
    ("cap_sender", sa.String(200), True, None),
    ("cap_identifier", sa.String(200), True, None),
    ("cap_status", sa.String(16), True, None),
]
_INDEXED = ("released_at", "category", "priority", "cap_identifier")


def upgrade() -> None:
    with op.batch_alter_table("bulletins") as batch:
        for name, type_, nullable, default in _BULLETIN_COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=nullable,
                                       server_default=default))
        for name in _INDEXED:
            batch.create_index(f"ix_bulletins_{name}", [name])
    with op.batch_alter_table("bulletins") as batch:
        for name, _type, _nullable, default in _BULLETIN_COLUMNS:
            if default is not None:
                batch.alter_column(name, server_default=None)
    # Bulletins published before this revision: their publication time is unknown, the
    # creation time is the best stand-in (today's playlist would otherwise miss them).
    op.execute("UPDATE bulletins SET released_at = created_at WHERE state = 'published'")
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("opening", sa.Text(), nullable=False),
        sa.Column("closing", sa.Text(), nullable=False),
        sa.Column("times", sa.JSON(), nullable=False),
        sa.Column("days", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "editions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("programme_id", sa.Integer(), sa.ForeignKey("programmes.id"),
                  nullable=False),
        sa.Column("scheduled_for", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("bulletin_ids", sa.JSON(), nullable=True),
        sa.Column("files", sa.JSON(), nullable=True),
        sa.Column("chapters", sa.JSON(), nullable=True),
        sa.Column("duration_ms", sa.Integer(), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("requested_by", sa.String(100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("enqueued_at", sa.DateTime(), nullable=True),
        sa.Column("started_at", sa.DateTime(), nullable=True),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("programme_id", "scheduled_for", name="uq_edition_slot"),
    )
    op.create_index("ix_editions_programme_id", "editions", ["programme_id"])
    op.create_index("ix_editions_status", "editions", ["status"])
    op.create_table(
        "stored_names",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("bulletin_id", sa.Integer(), nullable=True),
        sa.Column("edition_id", sa.Integer(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("stored_names")
    op.drop_index("ix_editions_status", "editions")
    op.drop_index("ix_editions_programme_id", "editions")
    op.drop_table("editions")
    op.drop_table("programmes")
    with op.batch_alter_table("bulletins") as batch:
        for name in _INDEXED:
            batch.drop_index(f"ix_bulletins_{name}")
        for name, *_ in _BULLETIN_COLUMNS:
            batch.drop_column(name)
