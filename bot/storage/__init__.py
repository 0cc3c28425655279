"""Storage: SQLAlchemy models, the database handle and migrations."""

from bot.storage.db import Database, StorageUnavailable, open_database

__all__ = ["Database", "StorageUnavailable", "open_database"]
