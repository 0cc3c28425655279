"""Developer tool: write a new Alembic migration by comparing the models with a scratch database.

Usage: python -m bot.storage.revision "add tickets"
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy import create_engine

from bot.storage.db import _alembic_config, migrate


def main() -> None:
    message = " ".join(sys.argv[1:]) or "schema change"
    with tempfile.TemporaryDirectory() as scratch:
        engine = create_engine(f"sqlite:///{Path(scratch) / 'scratch.db'}")
        migrate(engine)
        with engine.begin() as connection:
            command.revision(_alembic_config(connection), message=message, autogenerate=True)


if __name__ == "__main__":
    main()
