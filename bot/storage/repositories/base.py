"""What every repository shares: the session factory and the dialect's upsert."""

from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.conflict_insert import conflict_insert
from bot.storage.database import session_factory

# The database can't be reached or written (read-only file, full disk, server gone): not a bug in a
# query, and nothing the failed call meant to store was stored.
StorageUnavailable = (OperationalError, InterfaceError, PoolTimeout, OSError)


class Store:
    """One aggregate's queries, each in its own short transaction."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._session = session_factory(engine)

    def _insert(self, table):
        """INSERT … ON CONFLICT DO NOTHING in the database's dialect."""
        return conflict_insert(self.engine, table)
