"""Discord rendering and command localization, without a connection."""

from pathlib import Path

import discord
import pytest
from babel.messages.catalog import Catalog as PoCatalog
from babel.messages.mofile import write_mo
from discord import app_commands
from discord.app_commands import TranslationContext
from discord.app_commands import TranslationContextLocation as Where

from bot.adapters.discord.client import PERMISSIONS, intents, invite_url
from bot.adapters.discord.render import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    MESSAGE_LIMIT,
    render,
    score_bar,
    split_text,
    thread_name,
)
from bot.adapters.discord.translator import CommandTranslator, language_of
from bot.engine.events import Button, Reply
from bot.i18n.catalog import Catalog


def test_split_text_keeps_short_text_whole() -> None:
    assert split_text("Hello.", MESSAGE_LIMIT) == ["Hello."]
    assert split_text("", MESSAGE_LIMIT) == []


def test_split_text_cuts_at_paragraphs_then_words() -> None:
    paragraphs = "\n\n".join(f"Paragraph {n}. " + "word " * 60 for n in range(20))
    pieces = split_text(paragraphs, 500)
    assert all(len(piece) <= 500 for piece in pieces)
    assert all(piece.startswith("Paragraph") for piece in pieces)
    assert " ".join(pieces).split() == paragraphs.split()
    unbroken = "x" * 4500
    assert [len(p) for p in split_text(unbroken, MESSAGE_LIMIT)] == [2000, 2000, 500]


def test_split_text_closes_and_reopens_code_blocks() -> None:
    code = "```python\n" + "\n".join(f"print({n})" for n in range(400)) + "\n```"
    pieces = split_text("Example:\n" + code, MESSAGE_LIMIT)
    assert len(pieces) > 1
    for piece in pieces:
        assert len(piece) <= MESSAGE_LIMIT
        assert piece.count("```") % 2 == 0
    assert pieces[1].startswith("```\n")


def test_plain_reply_is_content_with_a_bold_title_and_buttons_last() -> None:
    buttons = (Button("next", "Next question", "primary"),)
    reply = Reply("x " * 1800, title="Reference *answer*", buttons=buttons)
    messages = render(reply)
    assert len(messages) == 2
    assert messages[0].content is not None
    assert messages[0].content.startswith("**Reference \\*answer\\***\n")
    assert all(m.content and len(m.content) <= MESSAGE_LIMIT for m in messages)
    assert [m.buttons for m in messages] == [(), buttons]


def test_mentions_are_escaped_everywhere() -> None:
    (message,) = render(Reply("hi @everyone <@123456789012345678> <@&123456789012345678>"))
    assert message.content == (
        "hi @\u200beveryone <@\u200b123456789012345678> <@\u200b&123456789012345678>"
    )


def test_grade_is_an_embed_with_a_score_bar_within_embed_limits() -> None:
    (message,) = render(Reply("Score: 7.5/10\nGood.", title="Your grade", score=7.5))
    (embed,) = message.embeds
    assert embed.title == "Your grade"
    assert embed.description == "`████████░░` 7.5/10\nScore: 7.5/10\nGood."
    assert embed.colour == discord.Colour(0x2ECC71)
    assert score_bar(0) == "`░░░░░░░░░░` 0/10" and score_bar(10) == "`██████████` 10/10"

    huge = render(Reply("feedback. " * 3000, title="Your grade", score=3, image=b"png"))
    for out in huge:
        assert sum(len(embed) for embed in out.embeds) <= EMBED_TOTAL_LIMIT
        assert all(len(embed.description or "") <= EMBED_DESCRIPTION_LIMIT for embed in out.embeds)
    assert len(huge) >= 5
    assert huge[0].image == ("image.png", b"png")
    assert huge[0].embeds[0].image.url == "attachment://image.png"


def test_thread_name_fits() -> None:
    reply = Reply("What is attention?\n\nDifficulty: medium.", title="Question 3 · attention")
    assert thread_name(reply) == "Question 3 · attention: What is attention?"
    assert len(thread_name(Reply("q" * 300, title="Question 1"))) == 100


@pytest.fixture
def catalog(tmp_path) -> Catalog:
    po = PoCatalog(locale="es")
    po.add("Get a practice question", "Obtén una pregunta de práctica")
    po.add("practice", "practicar")
    po.add("hint", "Una Pista")  # not a valid command name
    folder = tmp_path / "es" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / "messages.mo").open("wb") as handle:
        write_mo(handle, po)
    return Catalog(tmp_path)


async def test_translator_localizes_from_the_catalog(catalog: Catalog) -> None:
    translator = CommandTranslator(catalog.translator, catalog.languages)
    spain, brazil = discord.Locale.spain_spanish, discord.Locale.brazil_portuguese

    async def translate(text: str, locale: discord.Locale, where: Where) -> str | None:
        context = TranslationContext(location=where, data=None)
        return await translator.translate(app_commands.locale_str(text), locale, context)

    description = "Get a practice question"
    assert await translate(description, spain, Where.command_description) == (
        "Obtén una pregunta de práctica"
    )
    assert await translate("practice", spain, Where.command_name) == "practicar"
    assert await translate("hint", spain, Where.command_name) is None
    assert await translate(description, brazil, Where.command_description) is None  # untranslated
    assert await translate(description, discord.Locale.american_english, Where.other) is None
    assert language_of(discord.Locale.latin_american_spanish) == "es"
    assert language_of(discord.Locale.taiwan_chinese) is None


def test_the_documented_invite_asks_for_exactly_the_needed_permissions() -> None:
    docs = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    url = invite_url(1234)
    assert f"permissions={PERMISSIONS.value}" in url and "scope=bot+applications.commands" in url
    assert url.replace("1234", "<APPLICATION_ID>") in docs
    assert intents().value == 37377  # guilds, guild messages, DMs, message content; no others


def test_untrusted_pieces_are_escaped_and_the_rest_kept() -> None:
    """A masked link and a stray fence in a model's words render as text; discord.py's
    `escape_markdown` alone escapes a masked link as a whole and leaves the fence inside live."""
    feedback = "Per [the docs](https://evil.example/x), ```python x = f(y) *bold*"
    reply = Reply(f"**Covered:** `next`\n{feedback}", quoted=(feedback,))
    (out,) = render(reply)
    assert out.content == (
        "**Covered:** `next`\nPer \\[the docs\\](https://evil.example/x), "
        "\\`\\`\\`python x = f(y) \\*bold\\*"
    )
