"""Where the bank's Chroma lives: a folder of this instance, or a `chroma run` server.

Each location opens a client (`connect`, synchronous: chromadb's client is) and answers, cheaply,
whether it can be reached (`check`). `/readyz` asks `check` until the client is open: importing
chromadb and opening a client take about a second of a start, and readiness needs only to know
the store is there.
"""

import asyncio
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from bot.errors import StoreUnavailable

if TYPE_CHECKING:
    from chromadb.api import ClientAPI

HEARTBEAT_SECONDS = 3.0


class ChromaLocation(Protocol):
    def connect(self) -> "ClientAPI": ...

    async def check(self) -> None:
        """Raises `StoreUnavailable` if the store can't be reached."""


@dataclass(frozen=True)
class LocalChroma:
    """A Chroma folder of this instance (CHROMA_PATH), created on first use."""

    path: Path

    def connect(self) -> "ClientAPI":
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        try:
            self.path.mkdir(parents=True, exist_ok=True)
            return chromadb.PersistentClient(
                path=str(self.path), settings=ChromaSettings(anonymized_telemetry=False)
            )
        except Exception as exc:
            raise StoreUnavailable(self._unusable(exc)) from exc

    async def check(self) -> None:
        """The folder, or the nearest folder it would be created in, can be written."""
        problem = await asyncio.to_thread(self._problem)
        if problem is not None:
            raise StoreUnavailable(self._unusable(problem))

    def _problem(self) -> str | None:
        existing = next(p for p in (self.path, *self.path.parents) if p.exists())
        if not existing.is_dir():
            return f"{existing} is not a folder"
        if not os.access(existing, os.W_OK | os.X_OK):
            return f"{existing} can't be written"
        database = self.path / "chroma.sqlite3"
        if database.exists() and not os.access(database, os.R_OK | os.W_OK):
            return f"{database} can't be written"
        return None

    def _unusable(self, reason: object) -> str:
        return f"cannot open the Chroma store at CHROMA_PATH={self.path}: {reason}"


@dataclass(frozen=True)
class ChromaServer:
    """A Chroma server at `host` and `port` (CHROMA_HOST, CHROMA_PORT); `host` may be a URL
    (`http://chroma:8000`), whose port then wins."""

    host: str
    port: int
    ssl: bool = False

    @classmethod
    def at(cls, host: str, port: int) -> "ChromaServer":
        if "://" not in host:
            return cls(host, port)
        url = urlsplit(host)
        ssl = url.scheme == "https"
        return cls(url.hostname or "", url.port or (443 if ssl else port), ssl)

    def connect(self) -> "ClientAPI":
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        try:
            client = chromadb.HttpClient(
                host=self.host,
                port=self.port,
                ssl=self.ssl,
                settings=ChromaSettings(anonymized_telemetry=False),
            )
            client.heartbeat()
        except Exception as exc:
            raise StoreUnavailable(self._unreachable(type(exc).__name__)) from exc
        return client

    async def check(self) -> None:
        """The server's heartbeat answers."""
        import aiohttp  # the HTTP server's library: loaded by `run` already

        scheme = "https" if self.ssl else "http"
        url = f"{scheme}://{self.host}:{self.port}/api/v2/heartbeat"
        limit = aiohttp.ClientTimeout(total=HEARTBEAT_SECONDS)
        try:
            async with aiohttp.ClientSession(timeout=limit) as http, http.get(url) as response:
                if response.status != 200:
                    raise StoreUnavailable(self._unreachable(f"heartbeat: HTTP {response.status}"))
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise StoreUnavailable(self._unreachable(type(exc).__name__)) from exc

    def _unreachable(self, reason: str) -> str:
        return (
            f"cannot reach the Chroma server at CHROMA_HOST={self.host} CHROMA_PORT={self.port} "
            f"({reason}). Is `chroma run` up?"
        )
