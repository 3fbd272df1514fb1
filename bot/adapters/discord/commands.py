"""The slash commands. Each one becomes the engine's typed `Command` (never text that could be
read as an answer); nothing is decided here: the engine checks the arguments and refuses a wrong
one with the valid choices.

Strings are English message ids, marked with `N_` for extraction: `CommandTranslator` localizes
them from the engine's catalog when commands are synced.
/daily and /bank are hidden from members without Manage Server (`default_permissions`), and the
engine checks `Incoming.is_admin` again, because server admins can change who sees a command.
"""

import zoneinfo
from functools import cache

import discord
from discord import app_commands
from discord.ext import commands

from bot.adapters.discord.bridge import Bridge
from bot.engine.commands import Command
from bot.i18n.catalog import N_

AUTOCOMPLETE_LIMIT = 25
MANAGE_SERVER = discord.Permissions(manage_guild=True)
GUILDS_ONLY = app_commands.AppCommandContext(guild=True, dm_channel=False, private_channel=False)
CHANNEL_HELP = N_("The channel (default: this one)")
DIFFICULTIES = [app_commands.Choice(name=N_(n), value=n) for n in ("easy", "medium", "hard")]
PERIODS = [
    app_commands.Choice(name=N_("today"), value="daily"),
    app_commands.Choice(name=N_("this week"), value="weekly"),
    app_commands.Choice(name=N_("all time"), value="all"),
]
DAILY_DIFFICULTIES = [app_commands.Choice(name=n, value=n) for n in ("1", "2", "3", "any")]
# No "ephemeral": answers in a thread are plain messages, which can't be answered privately.
DELIVERIES = [
    app_commands.Choice(name=N_("in the thread"), value="thread"),
    app_commands.Choice(name=N_("by direct message"), value="dm"),
]


def _words(*parts: str | int | None) -> tuple[str, ...]:
    """Options as the command's words, lower case (a topic of two words is two filters)."""
    return tuple(
        word.lower() for part in parts if part not in (None, "") for word in str(part).split()
    )


def _choices(values: list[str], current: str) -> list[app_commands.Choice[str]]:
    current = current.lower().strip()
    hits = [value for value in values if current in value.lower()]
    return [app_commands.Choice(name=v, value=v) for v in hits[:AUTOCOMPLETE_LIMIT]]


@cache
def _time_zones() -> list[str]:
    return sorted(zoneinfo.available_timezones())


class PracticeCommands(commands.Cog):
    interview = app_commands.Group(
        name="interview", description=N_("A mock interview, in a direct message")
    )
    daily = app_commands.Group(
        name=N_("daily"),
        description=N_("The daily question of a channel"),
        allowed_contexts=GUILDS_ONLY,
        default_permissions=MANAGE_SERVER,
    )
    bank = app_commands.Group(
        name=N_("bank"),
        description=N_("This server's own questions"),
        allowed_contexts=GUILDS_ONLY,
        default_permissions=MANAGE_SERVER,
    )

    def __init__(self, bridge: Bridge) -> None:
        self.bridge = bridge

    # ---- practice

    @app_commands.command(name="practice", description=N_("Get a practice question"))
    @app_commands.describe(topic=N_("A topic, e.g. rag"), difficulty=N_("How hard"))
    @app_commands.choices(difficulty=DIFFICULTIES)
    async def practice(
        self,
        interaction: discord.Interaction,
        topic: str | None = None,
        difficulty: str | None = None,
    ) -> None:
        await self.bridge.on_command(interaction, Command("next", _words(topic, difficulty)))

    @practice.autocomplete("topic")
    async def _topic(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(self.bridge.topics(interaction.guild_id), current)

    @app_commands.command(name="hint", description=N_("A hint for your open question"))
    async def hint(self, interaction: discord.Interaction) -> None:
        await self.bridge.on_command(interaction, Command("hint"), private=True)

    @app_commands.command(name="reveal", description=N_("Show the reference answer"))
    async def reveal(self, interaction: discord.Interaction) -> None:
        await self.bridge.on_command(interaction, Command("reveal"))

    @app_commands.command(name="skip", description=N_("Drop your open question"))
    async def skip(self, interaction: discord.Interaction) -> None:
        await self.bridge.on_command(interaction, Command("skip"))

    @interview.command(name="start", description=N_("Start a mock interview"))
    @app_commands.describe(questions=N_("How many questions (1-10)"), topic=N_("A topic, e.g. rag"))
    async def interview_start(
        self,
        interaction: discord.Interaction,
        questions: app_commands.Range[int, 1, 10] | None = None,
        topic: str | None = None,
    ) -> None:
        private = interaction.guild_id is not None  # interviews run in DMs; elsewhere a pointer
        command = Command("interview", ("start", *_words(questions, topic)))
        await self.bridge.on_command(interaction, command, private=private)

    @interview_start.autocomplete("topic")
    async def _interview_topic(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(self.bridge.topics(interaction.guild_id), current)

    @interview.command(name="stop", description=N_("End your mock interview"))
    async def interview_stop(self, interaction: discord.Interaction) -> None:
        await self.bridge.on_command(interaction, Command("interview", ("stop",)))

    @app_commands.command(name="stats", description=N_("Your scores"))
    async def stats(self, interaction: discord.Interaction) -> None:
        await self.bridge.on_command(interaction, Command("stats"))

    @app_commands.command(name="last", description=N_("Your last grade, and replies I owe you"))
    async def last(self, interaction: discord.Interaction) -> None:
        await self.bridge.on_command(interaction, Command("last"), private=True)

    @app_commands.command(name="leaderboard", description=N_("The top scores here"))
    @app_commands.describe(period=N_("Which scores count"))
    @app_commands.choices(period=PERIODS)
    async def leaderboard(
        self, interaction: discord.Interaction, period: str | None = None
    ) -> None:
        await self.bridge.on_command(interaction, Command("leaderboard", _words(period)))

    @app_commands.command(name="ask", description=N_("Ask the question bank"))
    @app_commands.describe(question=N_("What you want to know"))
    async def ask(self, interaction: discord.Interaction, question: str) -> None:
        await self.bridge.on_command(interaction, Command("ask", rest=question.strip()))

    @app_commands.command(name="language", description=N_("The language I reply in"))
    @app_commands.describe(code=N_("A language code, e.g. es; empty lists them"))
    async def language(self, interaction: discord.Interaction, code: str | None = None) -> None:
        code = (code or "").strip().lower()
        await self.bridge.on_command(interaction, Command("language", (code,) if code else ()))

    @language.autocomplete("code")
    async def _language(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(list(self.bridge.languages), current)

    @app_commands.command(name="appeal", description=N_("Ask for a re-grade of your last answer"))
    @app_commands.describe(reason=N_("Why the grade is wrong"))
    async def appeal(self, interaction: discord.Interaction, reason: str) -> None:
        await self.bridge.on_command(interaction, Command("appeal", rest=reason.strip()))

    # ---- admins

    @daily.command(name="show", description=N_("Show the daily question settings"))
    @app_commands.describe(channel=CHANNEL_HELP)
    async def daily_show(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        await self.bridge.on_command(
            interaction, Command("daily", ("show",)), private=True, channel=channel
        )

    @daily.command(name="on", description=N_("Turn the daily question on"))
    @app_commands.describe(channel=CHANNEL_HELP)
    async def daily_on(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        await self.bridge.on_command(
            interaction, Command("daily", ("on",)), private=True, channel=channel
        )

    @daily.command(name="off", description=N_("Turn the daily question off"))
    @app_commands.describe(channel=CHANNEL_HELP)
    async def daily_off(
        self, interaction: discord.Interaction, channel: discord.TextChannel | None = None
    ) -> None:
        await self.bridge.on_command(
            interaction, Command("daily", ("off",)), private=True, channel=channel
        )

    @daily.command(name="set", description=N_("Set when and what the daily question is"))
    @app_commands.describe(
        channel=CHANNEL_HELP,
        time=N_("Time of day, HH:MM (24-hour)"),
        timezone=N_("Time zone, e.g. Europe/Berlin"),
        days=N_("Weekdays, e.g. mon,wed,fri"),
        topics=N_("Topics, e.g. rag,attention"),
        difficulty=N_("1, 2, 3 or any"),
        language=N_("Language of the question"),
        delivery=N_("Where grades go"),
    )
    @app_commands.choices(difficulty=DAILY_DIFFICULTIES, delivery=DELIVERIES)
    async def daily_set(
        self,
        interaction: discord.Interaction,
        channel: discord.TextChannel | None = None,
        time: str | None = None,
        timezone: str | None = None,
        days: str | None = None,
        topics: str | None = None,
        difficulty: str | None = None,
        language: str | None = None,
        delivery: str | None = None,
    ) -> None:
        settings = {
            "time": time,
            "tz": timezone,
            "days": days,
            "topics": topics,
            "difficulty": difficulty,
            "language": language,
            "delivery": delivery,
        }
        pairs = [f"{key}={''.join(value.split())}" for key, value in settings.items() if value]
        command = Command("daily", ("set", *pairs))
        await self.bridge.on_command(interaction, command, private=True, channel=channel)

    @daily_set.autocomplete("timezone")
    async def _timezone(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(_time_zones(), current)

    @daily_set.autocomplete("language")
    async def _daily_language(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return _choices(list(self.bridge.languages), current)

    @bank.command(name="import", description=N_("Add questions from a Markdown or YAML file"))
    @app_commands.describe(file=N_("The question bank file"))
    async def bank_import(self, interaction: discord.Interaction, file: discord.Attachment) -> None:
        command = Command("bank", ("import",))
        await self.bridge.on_command(interaction, command, private=True, files=[file])

    @bank.command(name="remove", description=N_("Remove one of this server's questions"))
    @app_commands.describe(question_id=N_("The question's id"))
    async def bank_remove(self, interaction: discord.Interaction, question_id: str) -> None:
        question_id = question_id.strip()
        command = Command("bank", ("remove", question_id), rest=question_id)
        await self.bridge.on_command(interaction, command, private=True)
