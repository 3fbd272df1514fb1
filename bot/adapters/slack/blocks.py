"""A `Reply` as Slack messages: Block Kit within Slack's limits, user text escaped.

Slack rejects a section over 3,000 characters and a message over 50 blocks, so long text is
split into sections at line breaks (then spaces), and a reply needing more blocks becomes several
messages; the buttons go with the last one.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from bot.adapters.slack.escape import escape, inert, inert_echoes, safe_cut
from bot.engine.events import Button, Reply

SECTION_LIMIT = 3000
MAX_BLOCKS = 50
FALLBACK_LIMIT = 3000  # the notification text; Slack shows blocks instead when there are any
BUTTON_LABEL_LIMIT = 75
BUTTONS_PER_ACTIONS = 25
SCORE_BAR_WIDTH = 10

Block = dict[str, Any]


@dataclass(frozen=True)
class SlackMessage:
    """What `chat.postMessage` (or `chat.postEphemeral`) gets: fallback text and blocks."""

    text: str
    blocks: list[Block] = field(default_factory=list)


def split_text(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """Escaped `text` in pieces of at most `limit` characters, cut where a reader would."""
    pieces: list[str] = []
    rest = text
    while len(rest) > limit:
        cut = rest.rfind("\n", 0, limit + 1)
        skip = 1
        if cut <= 0:
            cut = rest.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut, skip = safe_cut(rest, limit), 0
        pieces.append(rest[:cut])
        rest = rest[cut + skip :]
    pieces.append(rest)
    return [piece for piece in pieces if piece.strip()]


def section(mrkdwn: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn}}


def plain(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object (no mentions are parsed in plain text, so no escaping)."""
    return {"type": "plain_text", "text": _clip(text, limit), "emoji": True}


def button(item: Button) -> Block:
    element: Block = {
        "type": "button",
        "action_id": item.action,
        "value": item.action,
        "text": plain(item.label, BUTTON_LABEL_LIMIT),
    }
    if item.style in ("primary", "danger"):  # Slack has no other styles
        element["style"] = item.style
    return element


def actions(buttons: Iterable[Button]) -> list[Block]:
    elements = [button(item) for item in buttons]
    return [
        {
            "type": "actions",
            "block_id": f"actions-{n}",
            "elements": elements[i : i + BUTTONS_PER_ACTIONS],
        }
        for n, i in enumerate(range(0, len(elements), BUTTONS_PER_ACTIONS))
    ]


def score_line(score: float) -> str:
    filled = round(max(0.0, min(10.0, score)) / 10 * SCORE_BAR_WIDTH)
    bar = "▰" * filled + "▱" * (SCORE_BAR_WIDTH - filled)
    return f"*{_number(score)}/10*  {bar}"


def reply_blocks(reply: Reply, *, with_buttons: bool = True) -> list[Block]:
    """All blocks of a reply, uncapped (App Home uses these too)."""
    blocks: list[Block] = []
    if reply.title:
        blocks.append(section(f"*{_clip(escape(reply.title), SECTION_LIMIT - 2, escaped=True)}*"))
    blocks += [section(piece) for piece in split_text(escape(_as_typed(reply)))]
    if reply.score is not None:
        blocks.append(section(score_line(reply.score)))
    if with_buttons and reply.buttons:
        blocks += actions(reply.buttons)
    return blocks


def render(reply: Reply) -> list[SlackMessage]:
    """The messages that show `reply`, each within Slack's limits, in order."""
    body = reply_blocks(reply, with_buttons=False)
    buttons = actions(reply.buttons) if reply.buttons else []
    chunks = [body[i : i + MAX_BLOCKS] for i in range(0, len(body), MAX_BLOCKS)] or [[]]
    if len(chunks[-1]) + len(buttons) > MAX_BLOCKS:
        chunks.append([])
    chunks[-1] = chunks[-1] + buttons
    fallback = fallback_text(reply)
    messages = [SlackMessage(fallback, chunks[0])]
    for chunk in chunks[1:]:
        first = next((b["text"]["text"] for b in chunk if b["type"] == "section"), fallback)
        messages.append(SlackMessage(_clip(first, FALLBACK_LIMIT, escaped=True), chunk))
    return messages


def quoting(reply: Reply, said: str) -> Reply:
    """`reply` with what it repeats of the user's own text (`said`) shown as typed, unstyled."""
    title = inert_echoes(reply.title, said) if reply.title else reply.title
    return replace(reply, text=inert_echoes(reply.text, said), title=title)


def _as_typed(reply: Reply) -> str:
    """The text with its untrusted pieces (`Reply.quoted`) unstyled: no code, bold or links."""
    text = reply.text
    for piece in reply.quoted:
        if piece:
            text = text.replace(piece, inert(piece))
    return text


def fallback_text(reply: Reply) -> str:
    """The message's `text`: what notifications and screen readers get."""
    text = f"{reply.title}\n{reply.text}" if reply.title else reply.text
    return _clip(escape(text), FALLBACK_LIMIT, escaped=True) or " "


def _clip(text: str, limit: int, *, escaped: bool = False) -> str:
    if len(text) <= limit:
        return text
    cut = safe_cut(text, limit - 1) if escaped else limit - 1
    return text[:cut] + "…"


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")
