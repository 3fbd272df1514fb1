import asyncio
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import App
from bot.bank.embeddings import OnnxEmbedder
from bot.config import CHROMA_DEFAULT_MODEL_DIR, Settings
from tests.worker_services import isolate

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared" / "seeds" / "genai-interview-questions.md"
SHARED_MODEL = ROOT.parent / "shared" / "models" / "all-MiniLM-L6-v2" / "onnx"


def pytest_configure(config: pytest.Config) -> None:
    if worker := os.environ.get("PYTEST_XDIST_WORKER"):
        isolate(worker)


@pytest.fixture(scope="session")
def model_dir() -> Path:
    configured = os.environ.get("EMBEDDING_MODEL_DIR")
    candidates = [Path(configured)] if configured else [SHARED_MODEL, CHROMA_DEFAULT_MODEL_DIR]
    path = next((p for p in candidates if (p / "model.onnx").is_file()), candidates[0])
    if not (path / "model.onnx").is_file():
        reason = (
            f"needs the embedding model, not found at {path}: set EMBEDDING_MODEL_DIR to the "
            "all-MiniLM-L6-v2 onnx folder (tests never download it)"
        )
        # A setting that points nowhere is a broken set-up, not a reason to skip half the suite.
        (pytest.fail if configured else pytest.skip)(reason)
    return path.resolve()  # tests may chdir; a relative setting must keep working


@pytest.fixture(scope="session", autouse=True)
def model_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The prepared model copy of this run (bot/bank/model_cache.py), for the tests and the
    bots they start in subprocesses: never the developer's own cache."""
    path = tmp_path_factory.mktemp("model-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("MODEL_CACHE_DIR", str(path))
        yield path


@pytest.fixture(scope="session")
def embedder(model_dir: Path, model_cache_dir: Path) -> OnnxEmbedder:
    """One loaded model for the whole run; loading it per test would dominate the suite."""
    return OnnxEmbedder(model_dir, cache_dir=model_cache_dir)


@pytest.fixture
def settings(tmp_path: Path, model_dir: Path, model_cache_dir: Path) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path / "data",
        embedding_model_dir=model_dir,
        model_cache_dir=model_cache_dir,
    )


@pytest.fixture
def app(settings: Settings, embedder: OnnxEmbedder) -> App:
    return App(settings, embedder=embedder)  # one loaded model for every test


@pytest.fixture(scope="session")
def ingested_chroma(tmp_path_factory: pytest.TempPathFactory, embedder: OnnxEmbedder) -> Path:
    """A Chroma folder holding the shipped bank, made once and copied by each test that reads."""
    data_dir = tmp_path_factory.mktemp("ingested")
    app = App(Settings(_env_file=None, data_dir=data_dir), embedder=embedder)

    async def ingest() -> None:
        try:
            await app.bank.ingest_all()
        finally:
            await app.aclose()

    asyncio.run(ingest())
    return data_dir / "chroma"


@pytest.fixture
def ingested_app(app: App, ingested_chroma: Path) -> App:
    shutil.copytree(ingested_chroma, app.settings.resolved_chroma_path)
    return app


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, model_dir: Path) -> Path:
    """Environment for running the real CLI entry point; returns DATA_DIR."""
    data_dir = tmp_path / "cli-data"
    monkeypatch.setenv("DATA_DIR", str(data_dir))
    monkeypatch.setenv("EMBEDDING_MODEL_DIR", str(model_dir))
    monkeypatch.chdir(tmp_path)  # no stray .env from the checkout
    for name in ("CHROMA_HOST", "CHROMA_PATH", "BANK_DIR", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return data_dir


async def reset_postgres(engine) -> None:
    """An empty schema, whatever an earlier run (of any version) left in the test database."""
    from sqlalchemy import text

    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path: Path):
    """A `chroma run` server of this test's own on a free loopback port (skipped if the
    installed chromadb has no server or it doesn't come up)."""
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    if not chroma.is_file():
        pytest.skip(f"needs the `chroma` command of the installed chromadb, not found at {chroma}")
    process = subprocess.Popen(
        [
            str(chroma),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        pytest.skip("`chroma run` did not listen on a loopback port within 30 s")
    yield port
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def redis_server(tmp_path: Path):
    """A running `redis-server` of this test's own (skipped if Redis is not installed)."""
    from tests.redis_process import RedisProcess

    server = RedisProcess(tmp_path / "redis")
    server.start()
    yield server
    server.kill()
