"""After a restart, a chat-platform user whose interview was running is told by DM, once."""

from bot.engine.engine import ConversationEngine, Delivery
from bot.engine.events import Incoming, Reply

TENANT = "discord:dm:42"


async def test_an_interrupted_interview_is_announced_by_dm_once(fake_engine: ConversationEngine):
    where = {"tenant": TENANT, "channel": "D1", "user_name": "Ada"}
    await fake_engine.handle(Incoming("interview start 3", "42", **where))
    await fake_engine.handle(Incoming("language fr", "42", **where))
    await fake_engine.handle(Incoming("hors sujet", "7", tenant="console", channel="console"))
    sent: list[tuple[Delivery, list[Reply]]] = []

    async def notify(delivery: Delivery, replies: list[Reply]) -> None:
        sent.append((delivery, replies))

    fake_engine.add_notifier(notify)
    await fake_engine.resume()  # the bot restarts
    ((delivery, replies),) = sent
    assert delivery == Delivery(TENANT, "D1", None, "42")
    assert replies[0].text.startswith("Tu as un entretien en cours, à la question 1 sur 3.")
    assert replies[1].served_id is not None and replies[1].title == "Question 1 sur 3"
    await fake_engine.resume()  # restarted again, nothing has changed: no second message
    assert len(sent) == 1
