"""Files shared with the bot (a bank to import), downloaded from Slack's file hosts only.

The bot token goes with each download, so a file URL must be on Slack's file host
(`https://files.slack.com`) or on the configured API URL's origin (a proxy, or the fake Slack in
tests): scheme, host and port alike. A redirect is followed only to those origins. The body is
read in chunks up to a limit, so a large file is refused whole instead of being cut short.
"""

import logging
from dataclasses import dataclass
from typing import Any

import aiohttp
import yarl

from bot.engine.events import Attachment

log = logging.getLogger(__name__)

SLACK_FILES = "https://files.slack.com/"
MAX_REDIRECTS = 3
CHUNK_BYTES = 64 * 1024
TIMEOUT = aiohttp.ClientTimeout(total=60, sock_connect=10)
REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_FILES = 5
MAX_FILE_BYTES = 2 * 1024 * 1024  # chat uploads; the command line takes banks up to MAX_BANK_BYTES

Origin = tuple[str, str, int | None]


class TooLarge(Exception):
    """The file is over the limit; nothing of it is kept."""


@dataclass(frozen=True)
class FileHosts:
    origins: frozenset[Origin]

    @classmethod
    def for_api(cls, api_url: str) -> "FileHosts":
        return cls(frozenset({_origin(yarl.URL(SLACK_FILES)), _origin(yarl.URL(api_url))}))

    def allow(self, url: yarl.URL) -> bool:
        return url.user is None and url.password is None and _origin(url) in self.origins


async def download(
    session: aiohttp.ClientSession, url: str, token: str | None, hosts: FileHosts, limit: int
) -> bytes | None:
    """The file at `url`, or None when it can't be fetched from Slack; TooLarge over `limit`."""
    target = yarl.URL(url)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for _ in range(MAX_REDIRECTS + 1):
        if not target.is_absolute() or not hosts.allow(target):
            log.warning("refused to fetch a shared file from host %s", target.host)
            return None
        async with session.get(target, headers=headers, allow_redirects=False) as response:
            if response.status in REDIRECTS and "Location" in response.headers:
                target = response.url.join(yarl.URL(response.headers["Location"]))
                continue
            if response.status != 200:
                log.warning("a shared file answered HTTP %s", response.status)
                return None
            if (response.content_length or 0) > limit:
                raise TooLarge
            data = bytearray()
            async for chunk in response.content.iter_chunked(CHUNK_BYTES):
                data += chunk
                if len(data) > limit:
                    raise TooLarge
            return bytes(data)
    log.warning("a shared file redirected too many times")
    return None


async def shared_files(
    event: dict[str, Any], token: str | None, hosts: FileHosts
) -> tuple[tuple[Attachment, ...], list[str]]:
    """The files shared in a message event (at most MAX_FILES), fetched with the bot token, and
    the names of those refused whole for being over MAX_FILE_BYTES."""
    files = [f for f in event.get("files") or [] if isinstance(f, dict)][:MAX_FILES]
    found: list[Attachment] = []
    too_large: list[str] = []
    if not files:
        return (), too_large
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        for item in files:
            name = str(item.get("name") or "bank")
            url = item.get("url_private_download") or item.get("url_private")
            if not isinstance(url, str):
                continue
            try:
                if _number(item.get("size")) > MAX_FILE_BYTES:
                    raise TooLarge
                data = await download(session, url, token, hosts, MAX_FILE_BYTES)
            except TooLarge:
                too_large.append(name)
                continue
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("downloading a shared file failed: %s", type(exc).__name__)
                continue
            if data is not None:
                found.append(Attachment(name, data))
    return tuple(found), too_large


def _number(value: Any) -> int:
    return value if isinstance(value, int) else 0


def _origin(url: yarl.URL) -> Origin:
    return (url.scheme.lower(), (url.host or "").lower(), url.port)
