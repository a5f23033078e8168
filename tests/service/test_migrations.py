"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from service.db import make_engine
from service.models import Base
from service.settings import Settings
from workers.admin import migrate


def test_migrations_match_models(settings: Settings) -> None:
    migrate(settings)
    migrate(settings)  # a second upgrade is a no-op
    engine = make_engine(settings)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []
