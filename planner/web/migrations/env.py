"""Alembic environment for the web app's schema (run by planner.web.db.migrate)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from planner.web.db import Base

config = context.config
target_metadata = Base.metadata


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    context.configure(url=config.get_main_option("sqlalchemy.url"),
                      target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    given = config.attributes.get("connection")
    if given is not None:
        _run(given)
    else:
        with create_engine(config.get_main_option("sqlalchemy.url")).connect() as conn:
            _run(conn)
