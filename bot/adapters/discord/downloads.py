"""Attachments (bank files) downloaded from Discord's CDN only, and never more than a limit.

An attachment's URL comes in the interaction payload, so it is checked like any input: it must
be on one of the allowed origins (`DISCORD_ATTACHMENT_ORIGINS`: Discord's CDN hosts, over HTTPS).
Redirects are followed by hand, each hop checked the same way, so a redirect off the CDN is
refused before anything is fetched from it. The body is streamed and cut at the limit whatever
size the payload declared.
"""

from collections.abc import Iterable
from urllib.parse import urljoin

import aiohttp
from yarl import URL

REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 3
CHUNK = 64 * 1024


class DownloadRefused(Exception):
    """The URL is not on an allowed origin (or redirects off it)."""


class DownloadTooLarge(Exception):
    """The body went past the limit while it streamed."""


class DownloadFailed(Exception):
    """The network or the CDN failed; the message says how, in one line."""


def _origin(url: URL) -> tuple[str, str, int | None]:
    return (url.scheme.lower(), (url.host or "").lower(), url.port)


class AttachmentDownloader:
    def __init__(self, origins: Iterable[str], limit: int, *, timeout: float = 30.0) -> None:
        self._origins = {_origin(URL(origin)) for origin in origins}
        self._limit = limit
        self._timeout = aiohttp.ClientTimeout(total=timeout)

    @property
    def limit(self) -> int:
        return self._limit

    def allowed(self, url: str) -> bool:
        try:
            parsed = URL(url)
        except ValueError:
            return False
        return parsed.is_absolute() and _origin(parsed) in self._origins

    async def fetch(self, url: str) -> bytes:
        """The file's bytes; raises `DownloadRefused`, `DownloadTooLarge` or `DownloadFailed`."""
        try:
            async with aiohttp.ClientSession(timeout=self._timeout) as session:
                for _ in range(MAX_REDIRECTS + 1):
                    if not self.allowed(url):
                        raise DownloadRefused(url)
                    async with session.get(url, allow_redirects=False) as response:
                        if response.status in REDIRECTS and "Location" in response.headers:
                            url = urljoin(url, response.headers["Location"])
                            continue
                        if response.status != 200:
                            raise DownloadFailed(f"HTTP {response.status}")
                        return await self._read(response)
                raise DownloadFailed("too many redirects")
        except (TimeoutError, aiohttp.ClientError) as exc:
            raise DownloadFailed(f"{type(exc).__name__}: {exc}".splitlines()[0]) from exc

    async def _read(self, response: aiohttp.ClientResponse) -> bytes:
        body = bytearray()
        async for chunk in response.content.iter_chunked(CHUNK):
            body += chunk
            if len(body) > self._limit:
                raise DownloadTooLarge(len(body))
        return bytes(body)
