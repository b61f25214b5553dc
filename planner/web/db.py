"""The web app's database: SQLAlchemy 2 models, the engine, and Alembic migrations.

SQLite in the user's data folder by default; any SQLAlchemy URL (PostgreSQL for a hosted
install) with `--db`. The schema is only ever changed by the migrations shipped in
`planner/web/migrations`, which `migrate` runs to ``head`` at start-up.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from planner.errors import require_extra

MIGRATIONS = Path(__file__).with_name("migrations")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def as_utc(value: datetime | None) -> datetime | None:
    """A stored moment in UTC. SQLite hands back naive datetimes (they were stored as UTC);
    PostgreSQL hands them back in the session's time zone, which email.utils and the
    pages need as timezone.utc itself."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc)


class Base(DeclarativeBase):
    pass


class Squad(Base):
    """A coach's batch: a roster and a runs file, planned in the background."""

    __tablename__ = "squads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(16))  # queued, running, done, failed, interrupted
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    roster_name: Mapped[str] = mapped_column(String(120), default="")
    runs_name: Mapped[str] = mapped_column(String(120), default="")


class Athlete(Base):
    """One runner: pages behind `token`, the calendar feed behind `feed_token`."""

    __tablename__ = "athletes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    feed_token: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    name: Mapped[str] = mapped_column(String(120))
    options: Mapped[str] = mapped_column(Text)  # JSON: the form's last values
    squad_id: Mapped[int | None] = mapped_column(ForeignKey("squads.id"), nullable=True,
                                                 index=True)
    squad_position: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    feed_state: Mapped[str | None] = mapped_column(Text, nullable=True)
    feed_ics: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    feed_etag: Mapped[str | None] = mapped_column(String(100), nullable=True)
    feed_modified: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                           nullable=True)


class PlanRecord(Base):
    """One plan of an athlete (a week, or a block); `number` counts from 1 per athlete."""

    __tablename__ = "plans"
    __table_args__ = (UniqueConstraint("athlete_id", "number"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    first_week: Mapped[date] = mapped_column(Date)
    last_week: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(120), default="")
    plan_json: Mapped[str] = mapped_column(Text)
    ics: Mapped[bytes] = mapped_column(LargeBinary)
    report: Mapped[str] = mapped_column(Text, default="")
    warnings: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    notes: Mapped[str] = mapped_column(Text, default="[]")  # JSON list
    summary: Mapped[str] = mapped_column(Text, default="{}")  # JSON: batch summary row


class LogEntry(Base):
    """What the runner did of one exercise of one session."""

    __tablename__ = "session_logs"
    __table_args__ = (UniqueConstraint("plan_id", "session_date", "variation"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id"), index=True)
    session_date: Mapped[date] = mapped_column(Date)
    variation: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16))  # done, skipped, too hard
    reps: Mapped[int | None] = mapped_column(Integer, nullable=True)
    weight_kg: Mapped[float | None] = mapped_column(Float, nullable=True)
    rir: Mapped[int | None] = mapped_column(Integer, nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Every set as JSON, [{"reps": 10, "kg": 12.0}, …] (planner.readers.session_log), and
    # where the log came from ("web", "fit"); reps and weight_kg above keep the summary.
    sets_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    source: Mapped[str | None] = mapped_column(String(8), nullable=True)


class SquadFailure(Base):
    """A roster athlete the batch could not plan, with the reason."""

    __tablename__ = "squad_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    squad_id: Mapped[int] = mapped_column(ForeignKey("squads.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    error: Mapped[str] = mapped_column(Text)


def database_url(db: str | None) -> str:
    """`--db`: a SQLAlchemy URL, a file path (SQLite), or None for the data folder.

    A bare postgresql:// (or postgres://, as hosting platforms hand it out) means psycopg 3,
    the driver of the [postgres] extra; SQLAlchemy alone would look for psycopg2."""
    if db and "://" in db:
        scheme, rest = db.split("://", 1)
        if scheme in ("postgresql", "postgres"):
            return f"postgresql+psycopg://{rest}"
        return db
    if db:
        path = Path(db).expanduser().resolve()
    else:
        from platformdirs import user_data_path

        path = user_data_path("runstrong", appauthor=False) / "runstrong.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql+psycopg:"):
        require_extra("psycopg", "postgres", "a PostgreSQL database")
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
    else:
        # a database server restarts: a pooled connection it dropped is replaced, not
        # handed to a request as an error
        kwargs["pool_pre_ping"] = True
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(connection: Any, _record: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            if ":memory:" not in url:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()
    return engine


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to `revision` with the shipped Alembic migrations."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)
