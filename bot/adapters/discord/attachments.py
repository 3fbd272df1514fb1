"""Reading the files of a slash command (`/bank import`), with the reason in the user's language
when one can't be read (too large, not on Discord's CDN, a network error)."""

import logging
from collections.abc import Sequence

import discord

from bot.adapters.discord.downloads import (
    AttachmentDownloader,
    DownloadFailed,
    DownloadRefused,
    DownloadTooLarge,
)
from bot.engine.events import Attachment
from bot.i18n.catalog import Translator

log = logging.getLogger(__name__)


class Unread(Exception):
    """An attachment that can't be read, with the user-facing reason."""


async def read_attachments(
    downloads: AttachmentDownloader, files: Sequence[discord.Attachment], tr: Translator
) -> tuple[Attachment, ...]:
    """Download the attachments; `Unread` says, in the user's language, why one can't be
    read (too large, not on Discord's CDN, a network error)."""
    limit = downloads.limit
    read = []
    for file in files:
        too_large = tr(
            "{file} is larger than {limit} MB: split it into smaller files.",
            file=file.filename,
            limit=limit // (1024 * 1024),
        )
        if file.size > limit:  # declared too large: not even fetched
            raise Unread(too_large)
        try:
            read.append(Attachment(file.filename, await downloads.fetch(file.url)))
        except DownloadTooLarge as exc:
            raise Unread(too_large) from exc
        except DownloadRefused as exc:
            log.warning("refused to download %s from %s", file.filename, exc)
            raise Unread(
                tr(
                    "{file} was not downloaded: files are read only from Discord's file servers.",
                    file=file.filename,
                )
            ) from exc
        except DownloadFailed as exc:
            log.warning("could not download %s: %s", file.filename, exc)
            raise Unread(
                tr(
                    "{file} could not be downloaded ({reason}). Please try again.",
                    file=file.filename,
                    reason=str(exc),
                )
            ) from exc
    return tuple(read)
