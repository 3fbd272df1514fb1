"""Free text with no question open is answered in the language it is written in."""

from bot.app import App
from bot.engine.events import Incoming
from tests.engine.fakes import FakeGrader

FRENCH = "Bonjour, je voudrais m'entraîner aux questions d'entretien."


async def test_french_free_text_gets_a_french_reply_unless_a_language_was_chosen(light: App):
    engine = light.build_engine(grader=FakeGrader(), seed=7, limit_rate=False)  # detection on
    (reply,) = await engine.handle(Incoming(FRENCH, "ada"))
    assert reply.text == "Aucune question en cours ici. Tape `next` pour en avoir une, ou `help`."
    await engine.handle(Incoming("language en", "ada"))
    (reply,) = await engine.handle(Incoming(FRENCH, "ada"))
    assert reply.text.startswith("No question is open here.")  # an explicit choice wins
    (reply,) = await engine.handle(Incoming("I'd like to practise interview questions.", "bob"))
    assert reply.text.startswith("No question is open here.")
