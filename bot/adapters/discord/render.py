"""Engine replies as Discord message payloads, within Discord's limits.

Grades (a reply with a score) become embeds with a score bar; everything else is message content
with the title in bold. Text is cut to 2,000 characters per message and 4,096 per embed
description (6,000 per message over all embeds, 10 embeds per message), at paragraph, line or word
boundaries where possible. Mentions are escaped everywhere: on top of `AllowedMentions.none()`,
echoed user text doesn't even render as a mention. Markdown is escaped in a reply's untrusted
pieces (`Reply.quoted`: a model's feedback, which may quote the answer).
"""

import io
from dataclasses import dataclass
from typing import Any

import discord
from discord.utils import escape_markdown, escape_mentions

from bot.adapters.discord.views import make_view
from bot.engine.events import Button, Reply

MESSAGE_LIMIT = 2000
EMBED_TITLE_LIMIT = 256
EMBED_DESCRIPTION_LIMIT = 4096
EMBED_TOTAL_LIMIT = 6000
EMBEDS_PER_MESSAGE = 10
THREAD_NAME_LIMIT = 100
BAR_WIDTH = 10
FENCE = "```"
_OPEN, _CLOSE = "\ue000", "\ue001"  # private-use stand-ins for brackets while escaping

GREEN, AMBER, RED = 0x2ECC71, 0xF1C40F, 0xE74C3C


@dataclass(frozen=True)
class Outgoing:
    """One Discord message: content and/or embeds, the reply's buttons (on its last message)
    and its image (on its first)."""

    content: str | None = None
    embeds: tuple[discord.Embed, ...] = ()
    buttons: tuple[Button, ...] = ()
    image: tuple[str, bytes] | None = None

    def send_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for `send()`; `File` and `View` are built fresh on every call
        because a `File` can be sent only once."""
        kwargs: dict[str, Any] = {}
        if self.content:
            kwargs["content"] = self.content
        if self.embeds:
            kwargs["embeds"] = list(self.embeds)
        if self.buttons:
            kwargs["view"] = make_view(self.buttons)
        if self.image is not None:
            name, data = self.image
            kwargs["file"] = discord.File(io.BytesIO(data), filename=name)
        return kwargs


def render(reply: Reply) -> list[Outgoing]:
    text = escape_mentions(as_typed(reply.text, reply.quoted))
    title = escape_mentions(reply.title) if reply.title else None
    image = (reply.image_name or "image.png", reply.image) if reply.image else None
    if reply.score is not None:
        messages = _embed_messages(title, text, reply.score, image)
    else:
        body = f"**{escape_markdown(title)}**\n{text}" if title else text
        messages = [Outgoing(content=piece) for piece in split_text(body, MESSAGE_LIMIT)]
        if image is not None:
            messages[0] = Outgoing(content=messages[0].content, image=image)
    if reply.buttons:
        last = messages[-1]
        messages[-1] = Outgoing(last.content, last.embeds, reply.buttons, last.image)
    return messages


def as_typed(text: str, quoted: tuple[str, ...]) -> str:
    """`text` with its untrusted pieces escaped: a masked link `[text](url)` shows as written,
    a stray code fence opens no code block."""
    for piece in quoted:
        if piece:
            text = text.replace(piece, escape_untrusted(piece))
    return text


def escape_untrusted(text: str) -> str:
    """discord.py's `escape_markdown` (styling, code, quotes, headings; URLs kept whole), with
    brackets escaped one by one: it escapes a masked link only as a whole, which leaves the marks
    inside it live. The brackets are set aside while it runs, so it doesn't escape our escapes."""
    text = text.replace(_OPEN, "").replace(_CLOSE, "").replace("[", _OPEN).replace("]", _CLOSE)
    return escape_markdown(text).replace(_OPEN, "\\[").replace(_CLOSE, "\\]")


def score_bar(score: float) -> str:
    filled = max(0, min(BAR_WIDTH, round(score * BAR_WIDTH / 10)))
    return f"`{'█' * filled}{'░' * (BAR_WIDTH - filled)}` {_number(score)}/10"


def score_colour(score: float) -> int:
    return GREEN if score >= 7.5 else AMBER if score >= 5 else RED


def thread_name(reply: Reply) -> str:
    """A thread name from the question: its title and the start of its text, on one line."""
    first_line = reply.text.strip().splitlines()[0] if reply.text.strip() else ""
    name = f"{reply.title}: {first_line}" if reply.title else first_line
    return _truncate(" ".join(name.split()) or "Question", THREAD_NAME_LIMIT)


def _embed_messages(
    title: str | None, text: str, score: float, image: tuple[str, bytes] | None
) -> list[Outgoing]:
    bar = score_bar(score)
    first_limit = EMBED_DESCRIPTION_LIMIT - len(bar) - 1
    pieces = split_text(text, first_limit) or [""]
    head, rest = pieces[0], "\n".join(pieces[1:])
    embeds = [
        discord.Embed(
            title=_truncate(title, EMBED_TITLE_LIMIT) if title else None,
            description=f"{bar}\n{head}".rstrip(),
            colour=score_colour(score),
        )
    ]
    if image is not None:
        embeds[0].set_image(url=f"attachment://{image[0]}")
    embeds += [
        discord.Embed(description=piece, colour=score_colour(score))
        for piece in split_text(rest, EMBED_DESCRIPTION_LIMIT)
    ]
    messages: list[Outgoing] = []
    batch: list[discord.Embed] = []
    for embed in embeds:
        full = len(batch) == EMBEDS_PER_MESSAGE
        if batch and (full or _size(batch) + len(embed) > EMBED_TOTAL_LIMIT):
            messages.append(Outgoing(embeds=tuple(batch)))
            batch = []
        batch.append(embed)
    messages.append(Outgoing(embeds=tuple(batch)))
    if image is not None:
        messages[0] = Outgoing(embeds=messages[0].embeds, image=image)
    return messages


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at a paragraph, line or word boundary when one
    is in the second half of the window. A code block cut in two is closed and reopened."""
    reserve = len(FENCE) + 1 if FENCE in text else 0
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        cut = _cut_point(rest, limit - reserve)
        piece, tail = rest[:cut].rstrip(), rest[cut:]
        rest = tail[1:] if tail.startswith(" ") else tail.lstrip("\n")
        if piece.count(FENCE) % 2:
            piece += "\n" + FENCE
            rest = FENCE + "\n" + rest
        pieces.append(piece)
    pieces.append(rest)
    return [piece for piece in pieces if piece.strip()]


def _cut_point(text: str, size: int) -> int:
    window = text[: size + 1]
    for separator in ("\n\n", "\n", " "):
        index = window.rfind(separator)
        if index >= size // 2:
            return index
    return size


def _size(embeds: list[discord.Embed]) -> int:
    return sum(len(embed) for embed in embeds)


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
