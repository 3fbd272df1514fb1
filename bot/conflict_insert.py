"""INSERT that can say ON CONFLICT, in the database's own dialect (PostgreSQL or SQLite).

The dialect is imported on first use, so a bot on SQLite never loads PostgreSQL's (about 0.1 s
of start-up); on PostgreSQL the engine has already imported it.
"""

from typing import TYPE_CHECKING

from sqlalchemy import Table
from sqlalchemy.ext.asyncio import AsyncEngine

if TYPE_CHECKING:
    from sqlalchemy.dialects.postgresql import Insert as PostgresInsert
    from sqlalchemy.dialects.sqlite import Insert as SqliteInsert


def conflict_insert(engine: AsyncEngine, table: Table) -> "PostgresInsert | SqliteInsert":
    if engine.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    return insert(table)
