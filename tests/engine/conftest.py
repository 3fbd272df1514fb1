from collections.abc import AsyncIterator

import pytest

from bot.app import App
from bot.bank.machine_translation import MachineTranslator
from bot.config import Settings
from bot.engine.engine import ConversationEngine


def build_engine(app: App, seed: int = 7) -> ConversationEngine:
    """The App's engine with a fixed seed (tests know which question comes next)."""
    machine = MachineTranslator(app.chat, app.prompts, app.repository) if app.chat else None
    return ConversationEngine(
        app.bank,
        app.repository,
        app.grading,
        app.catalog,
        regrades=app.regrades if app.grading.uses_llm else None,
        seed=seed,
        machine_translator=machine,
    )


async def app_with_llm(ingested: App, base_url: str, **settings) -> App:
    """A started App on `ingested`'s data (bank in Chroma) grading with the LLM at `base_url`."""
    app = App(
        Settings(
            _env_file=None,
            data_dir=ingested.settings.data_dir,
            embedding_model_dir=ingested.settings.embedding_model_dir,
            openai_base_url=base_url,
            **settings,
        )
    )
    app.__dict__["embedder"] = ingested.embedder
    await app.start()
    return app


@pytest.fixture
async def started(ingested_app: App) -> AsyncIterator[App]:
    await ingested_app.start()
    yield ingested_app
    await ingested_app.aclose()


@pytest.fixture
def engine(started: App) -> ConversationEngine:
    return build_engine(started)
