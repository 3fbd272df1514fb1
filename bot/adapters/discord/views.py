"""Buttons and the answer form.

Every button's `custom_id` is the engine's stable action id ("hint:12", "next", "vote:up:40").
`EngineButton` is a `DynamicItem` registered once at start-up, so a click is routed by its
`custom_id` alone: buttons on messages sent before a restart keep working, and no view has to be
remembered per message. The answer form's `custom_id` is its "answer:<served id>" action; its
submissions are read from the raw interaction (see `answer_text`) for the same reason.
"""

import re
from typing import Any, Protocol, cast

import discord

from bot.engine.events import Button
from bot.engine.validation import MAX_ANSWER_CHARS

ACTION_TEMPLATE = r"[a-z]+(?::[A-Za-z0-9_-]+)*"
ANSWER_ACTION = re.compile(r"(?:answer|daily):\d+")  # a question's, a daily post's
ANSWER_INPUT_ID = "answer"
BUTTON_LABEL_LIMIT = 80
MODAL_TEXT_LIMIT = 45  # modal titles and input labels
MODAL_TIMEOUT = 15 * 60  # a form nobody submits is forgotten after this (it still works later)
STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}


class ActionRouter(Protocol):
    async def on_action(self, interaction: discord.Interaction, action: str) -> None: ...


class RoutedClient(Protocol):
    """The bot: it knows where button clicks go."""

    router: ActionRouter


class EngineButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ACTION_TEMPLATE):
    def __init__(
        self, action: str, label: str = "…", style: discord.ButtonStyle | None = None
    ) -> None:
        super().__init__(
            discord.ui.Button(
                label=label[:BUTTON_LABEL_LIMIT],
                style=style or discord.ButtonStyle.secondary,
                custom_id=action,
            )
        )
        self.action = action

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction,
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> "EngineButton":
        button = cast(discord.ui.Button[Any], item)
        return cls(match.group(0), button.label or "…", button.style)

    async def callback(self, interaction: discord.Interaction) -> None:
        await cast(RoutedClient, interaction.client).router.on_action(interaction, self.action)


def make_view(buttons: tuple[Button, ...]) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    for button in buttons:
        view.add_item(EngineButton(button.action, button.label, STYLES.get(button.style)))
    return view


class AnswerModal(discord.ui.Modal):
    """A paragraph input for the answer; `custom_id` is the "answer:<served id>" action."""

    def __init__(self, action: str, *, title: str, label: str) -> None:
        super().__init__(title=title[:MODAL_TEXT_LIMIT], custom_id=action, timeout=MODAL_TIMEOUT)
        self.add_item(
            discord.ui.TextInput(
                label=label[:MODAL_TEXT_LIMIT],
                custom_id=ANSWER_INPUT_ID,
                style=discord.TextStyle.paragraph,
                max_length=MAX_ANSWER_CHARS,
                required=True,
            )
        )


def answer_text(data: Any) -> str | None:
    """The answer typed into an `AnswerModal`, from a modal-submit interaction's raw data."""
    stack = list((data or {}).get("components") or [])
    while stack:
        component = stack.pop(0)
        if component.get("custom_id") == ANSWER_INPUT_ID and "value" in component:
            return str(component["value"])
        stack += component.get("components") or []
        if isinstance(component.get("component"), dict):
            stack.append(component["component"])
    return None
