from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Settings
from bot.engine.engine import ConversationEngine
from tests.engine.fakes import FakeGrader


def build_engine(app: App, seed: int = 7) -> ConversationEngine:
    """The App's engine with a fixed seed (tests know which question comes next), without
    language detection or rate limits (the tests that need them switch them on)."""
    return app.build_engine(seed=seed, detect_language=False, limit_rate=False)


async def app_with_llm(ingested: App, base_url: str, **settings) -> App:
    """A started App on `ingested`'s data (bank in Chroma) grading with the LLM at `base_url`."""
    app = App(
        Settings(
            _env_file=None,
            data_dir=ingested.settings.data_dir,
            embedding_model_dir=ingested.settings.embedding_model_dir,
            openai_base_url=base_url,
            **settings,
        ),
        embedder=ingested.embedder,
    )
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


@pytest.fixture
async def light(tmp_path: Path) -> AsyncIterator[App]:
    """An App on a fresh database whose engine parts need no model: nothing here embeds."""
    app = App(
        Settings(_env_file=None, data_dir=tmp_path / "data", embedding_model_dir=tmp_path / "none")
    )
    await app.prepare_storage()
    yield app
    await app.aclose()


@pytest.fixture
def fake_engine(light: App) -> ConversationEngine:
    """The engine as `App` builds it, on a fake grader."""
    return light.build_engine(grader=FakeGrader(), seed=7, detect_language=False, limit_rate=False)
