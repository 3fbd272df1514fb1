"""Engine tests run on in-memory services: a fake grader (`FakeGrader`), bag-of-words vectors
instead of the embedding model (`FakeEmbedder`), and the real SQLite database and Chroma store in
tmp dirs. They need no model; the tests of the real grading stack are in tests/e2e and
tests/grading.
"""

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.app import App
from bot.config import Settings
from bot.engine.engine import ConversationEngine
from tests.engine.fakes import FakeEmbedder, FakeGrader


def build_engine(app: App, seed: int = 7) -> ConversationEngine:
    """The App's engine with a fixed seed (tests know which question comes next), without
    language detection or rate limits (the tests that need them switch them on). An App of this
    folder's `started` grades with `FakeGrader`; another App (the LLM tests in tests/e2e) grades
    with its own grading service."""
    grader = FakeGrader() if isinstance(app.embedder, FakeEmbedder) else None
    return app.build_engine(grader=grader, seed=seed, detect_language=False, limit_rate=False)


MODEL_FIXTURES = frozenset({"model_dir", "embedder", "ingested_chroma", "ingested_app", "app"})


@pytest.fixture(autouse=True)
def _without_the_model(request: pytest.FixtureRequest) -> None:
    """Keeps this folder model-free: a test that needs the real model belongs in tests/e2e."""
    used = MODEL_FIXTURES & set(request.fixturenames)
    assert not used, f"engine tests run without the embedding model; this one uses {used}"


def fake_app(data_dir: Path) -> App:
    """An App whose vectors come from `FakeEmbedder`; the model folder points nowhere."""
    settings = Settings(_env_file=None, data_dir=data_dir, embedding_model_dir=data_dir / "none")
    return App(settings, embedder=FakeEmbedder())  # type: ignore[arg-type]


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


@pytest.fixture(scope="session")
def fake_chroma(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A Chroma folder holding the shipped bank in `FakeEmbedder` vectors, made once."""
    data_dir = tmp_path_factory.mktemp("fake-ingested")
    app = fake_app(data_dir)
    asyncio.run(app.bank.ingest_all())
    return data_dir / "chroma"


@pytest.fixture
async def started(tmp_path: Path, fake_chroma: Path) -> AsyncIterator[App]:
    """A started App on the shipped bank (its own copy of the Chroma folder) and a fresh
    database."""
    app = fake_app(tmp_path / "data")
    shutil.copytree(fake_chroma, app.settings.resolved_chroma_path)
    await app.start()
    yield app
    await app.aclose()


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
