"""Slack: a vote on a grade counts only from the person graded, and refusing someone else's vote
is for their eyes only (the real Bolt app against the fake Web API)."""

from __future__ import annotations

from tests.e2e import test_slack as kit
from tests.e2e.test_slack import (
    USER,
    Rig,
    action,
    click,
    good_answer,
    in_thread,
    texts,
    thread_reply,
)

clean_env, no_leaks, slack, rig = kit.clean_env, kit.no_leaks, kit.slack, kit.rig


async def test_only_the_grades_owner_can_vote_and_others_are_refused_privately(rig: Rig) -> None:
    other = "U0OTHER"
    question_post, question = await rig.ask()
    ts = question_post.response["ts"]
    grades = rig.watch("chat.postMessage", in_thread(ts))
    await rig.event(thread_reply(good_answer(question), ts))
    grade = await grades.next()
    public = rig.watch("chat.postMessage")
    refusals = rig.watch("chat.postEphemeral", lambda c: c.args["user"] == other)

    for prefix in ("vote:up:", "vote:down:"):
        await rig.interact(click(grade, action(grade, prefix), user=other))
        assert "someone else's question" in texts(await refusals.next())
    assert await rig.app.repository.feedback_rows() == []

    mine = rig.watch("chat.postEphemeral", lambda c: c.args["user"] == USER)
    await rig.interact(click(grade, action(grade, "vote:down:")))
    assert "feedback on the grade is recorded" in texts(await mine.next())
    (row,) = await rig.app.repository.feedback_rows()
    assert row.votes == -1
    await rig.settle()
    assert len(public.calls()) == public.seen  # nothing about the votes went to the channel
