"""What adapters hand the engine and what they get back: plain frozen dataclasses."""

from dataclasses import dataclass, field

from bot.bank.models import GLOBAL_TENANT


@dataclass(frozen=True)
class Incoming:
    text: str
    user: str
    channel: str = "console"
    tenant: str = GLOBAL_TENANT
    thread: str | None = None
    locale: str | None = None


@dataclass(frozen=True)
class Reply:
    text: str
    buttons: tuple[str, ...] = field(default_factory=tuple)
