from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.engine.engine import ConversationEngine


def build_engine(app: App, seed: int = 7) -> ConversationEngine:
    return ConversationEngine(
        app.bank,
        app.repository,
        app.grading,
        app.catalog,
        regrades=app.regrades if app.grading.uses_llm else None,
        seed=seed,
    )


@pytest.fixture
async def started(ingested_app: App) -> AsyncIterator[App]:
    await ingested_app.start()
    yield ingested_app
    await ingested_app.aclose()


@pytest.fixture
def engine(started: App) -> ConversationEngine:
    return build_engine(started)
