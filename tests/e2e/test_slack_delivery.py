"""Slack: a slash command is never an answer, and a grade Slack refuses is kept and handed over
(the real Bolt app against the fake Web API)."""

from __future__ import annotations

from tests.e2e import test_slack as kit
from tests.e2e.test_slack import (
    SCORE,
    USER,
    Rig,
    good_answer,
    in_thread,
    texts,
    thread_reply,
)

clean_env, no_leaks, slack, rig = kit.clean_env, kit.no_leaks, kit.slack, kit.rig
TENANT = f"slack:{kit.TEAM_ID}"


async def attempts(rig: Rig) -> list:
    user = await rig.app.repository.user(TENANT, USER)
    return list(await rig.app.repository.attempts(TENANT, user.id))


async def test_a_slash_command_with_a_wrong_argument_is_no_answer(rig: Rig) -> None:
    question_post, question = await rig.ask()
    mine = rig.watch("chat.postEphemeral", lambda c: c.args["user"] == USER)
    for text, choice in [
        ("language klingon", "es"),
        ("language es-", "auto"),
        ("next astrology", "hard"),
        ("leaderboard forever", "weekly"),
        ("interview start 99", "10"),
        ("frobnicate now", "help"),
    ]:
        await rig.slash(text)
        refused = texts(await mine.next())
        assert not SCORE.search(refused) and choice in refused, (text, refused)
        assert await attempts(rig) == [], text

    ts = question_post.response["ts"]
    grades = rig.watch("chat.postMessage", in_thread(ts))
    await rig.event(thread_reply(good_answer(question), ts))
    assert SCORE.search(texts(await grades.next()))


async def test_a_grade_slack_refuses_is_kept_and_handed_over_by_last(rig: Rig) -> None:
    question_post, question = await rig.ask()
    ts = question_post.response["ts"]
    rig.slack.fail("chat.postMessage", "fatal_error", times=2)  # the thread, then the channel
    mine = rig.watch("chat.postEphemeral", lambda c: c.args["user"] == USER)
    await rig.event(thread_reply(good_answer(question), ts))
    note = texts(await mine.next())
    assert "`last`" in note and not SCORE.search(note)

    await rig.slash("last")
    shown = [texts(await mine.next()) for _ in range(3)]
    assert shown[0].startswith("Replies I couldn't deliver")
    assert SCORE.search(shown[1]) and SCORE.search(shown[2])
    (attempt,) = await attempts(rig)
    assert attempt.score is not None
