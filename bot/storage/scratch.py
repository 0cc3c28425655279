"""Scratch PostgreSQL databases of their own for test runs and benchmarks: created, then dropped."""

from __future__ import annotations

import uuid

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url


def admin_engine(admin_url: str) -> Engine:
    if admin_url.startswith("postgresql://"):
        admin_url = "postgresql+psycopg://" + admin_url.removeprefix("postgresql://")
    return create_engine(admin_url, isolation_level="AUTOCOMMIT")


def create_database(admin_url: str, prefix: str) -> tuple[str, str]:
    """A new empty database beside admin_url's; returns its URL and its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = admin_engine(admin_url)
    with engine.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False), name


def drop_database(admin_url: str, name: str) -> None:
    engine = admin_engine(admin_url)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()
