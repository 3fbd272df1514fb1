"""What adapters hand the engine and what they get back: plain frozen dataclasses."""

from dataclasses import dataclass, field
from typing import Any, Literal

from bot.bank.models import GLOBAL_TENANT
from bot.engine.commands import Command


@dataclass(frozen=True)
class Attachment:
    name: str
    data: bytes


@dataclass(frozen=True)
class Incoming:
    """One user event. `action` is a button's stable id (e.g. `hint:12`); `command` marks text
    that came from a slash command, so it is never mistaken for an answer; `typed` is a slash
    command the platform already parsed (Discord's options), routed as it is."""

    text: str
    user: str
    channel: str = "console"
    tenant: str = GLOBAL_TENANT
    thread: str | None = None
    locale: str | None = None
    user_name: str | None = None
    is_dm: bool = True
    is_admin: bool = False
    action: str | None = None
    command: bool = False
    typed: Command | None = None
    attachments: tuple[Attachment, ...] = ()


@dataclass(frozen=True)
class Button:
    action: str  # stable id, e.g. "hint:12", "vote:up:40"; survives restarts
    label: str
    style: Literal["primary", "secondary", "success", "danger"] = "secondary"


@dataclass(frozen=True)
class Reply:
    """Platform-neutral output. `served_id` marks a reply that asks a question: adapters post it
    and report the thread they opened with `ConversationEngine.attach_thread`."""

    text: str
    title: str | None = None
    buttons: tuple[Button, ...] = field(default_factory=tuple)
    score: float | None = None  # a grade: adapters may draw a score bar
    image: bytes | None = None  # PNG
    image_name: str | None = None
    visibility: Literal["public", "ephemeral", "dm"] = "public"
    served_id: int | None = None
    modal_answer: bool = False  # offer an "answer" form (Discord modal, Slack view)
    # Untrusted pieces of `text` (a model's feedback or follow-up, which may quote the answer):
    # adapters show them as typed, never as links, code blocks or styling.
    quoted: tuple[str, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ChannelSettings:
    """A channel's settings (`daily set …`, `language`) as a settings form shows them."""

    daily: dict[str, Any] = field(default_factory=dict)
    grade_delivery: str = "thread"
    language: str | None = None
