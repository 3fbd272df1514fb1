"""The object graph, built in one place from Settings. Parts are created on first use."""

import asyncio
from datetime import timedelta
from functools import cached_property
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.bank.embeddings import OnnxEmbedder
from bot.bank.machine_translation import MachineTranslator
from bot.bank.service import BankService
from bot.bank.store import BankStore, http_client, persistent_client
from bot.bank.tenant_files import TenantBankFiles
from bot.config import Settings
from bot.engine.engine import ConversationEngine
from bot.engine.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from bot.grading.budget import TokenBudget
from bot.grading.cache import CacheBackend, MemoryBackend, RedisBackend, VerdictCache
from bot.grading.grader import GradingService
from bot.grading.guard import InjectionGuard
from bot.grading.llm import LLMGrader
from bot.grading.offline import OfflineGrader
from bot.grading.regrade import RegradeQueue
from bot.i18n.catalog import Catalog
from bot.i18n.detect import LanguageDetector
from bot.llm.breaker import CircuitBreaker
from bot.llm.chat import ChatModel, LLMOptions
from bot.llm.prompts import PromptLibrary
from bot.observability.metrics import Metrics
from bot.redis_link import RedisLink
from bot.resources import resource_dir
from bot.scheduling.clock import SystemClock
from bot.scheduling.daily import DailyScheduler
from bot.storage.database import create_engine, migrate
from bot.storage.repository import Repository


class App:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._migrated = False
        self._warm_up: asyncio.Task[None] | None = None

    @cached_property
    def embedder(self) -> OnnxEmbedder:
        return OnnxEmbedder(
            self.settings.embedding_model_dir, batch_size=self.settings.embedding_batch_size
        )

    @cached_property
    def store(self) -> BankStore:
        if self.settings.chroma_host:
            connect = http_client(self.settings.chroma_host, self.settings.chroma_port)
        else:
            connect = persistent_client(self.settings.resolved_chroma_path)
        return BankStore(connect, self.embedder)

    @cached_property
    def bank(self) -> BankService:
        return BankService(
            self.settings.bank_dir, TenantBankFiles(self.settings.tenant_bank_dir), self.store
        )

    @cached_property
    def database(self) -> AsyncEngine:
        return create_engine(self.settings.resolved_database_url)

    @cached_property
    def repository(self) -> Repository:
        return Repository(self.database)

    @cached_property
    def catalog(self) -> Catalog:
        return Catalog(Path(__file__).resolve().parent / "i18n" / "locales")

    @cached_property
    def engine(self) -> ConversationEngine:
        return ConversationEngine(
            self.bank,
            self.repository,
            self.grading,
            self.catalog,
            regrades=self.regrades if self.grading.uses_llm else None,
            default_language=self.settings.default_language,
            detector=self.language_detector,
            limiter=self.rate_limiter,
            on_message=self.metrics.count_message,
            machine_translator=(
                MachineTranslator(self.chat, self.prompts, self.repository)
                if self.chat is not None
                else None
            ),
        )

    @cached_property
    def redis(self) -> RedisLink | None:
        """The one Redis connection (rate limits, verdict cache), or None without REDIS_URL."""
        return RedisLink(self.settings.redis_url) if self.settings.redis_url else None

    @cached_property
    def rate_limiter(self) -> RateLimiter:
        limit = self.settings.answers_per_minute
        if self.redis is not None:
            return RedisRateLimiter(self.redis, limit)
        return MemoryRateLimiter(limit)

    @cached_property
    def metrics(self) -> Metrics:
        metrics = Metrics()
        metrics.watch(self)
        return metrics

    @cached_property
    def scheduler(self) -> DailyScheduler:
        return DailyScheduler(
            self.engine,
            SystemClock(),
            catch_up=timedelta(minutes=self.settings.daily_catch_up_minutes),
        )

    @cached_property
    def language_detector(self) -> LanguageDetector:
        return LanguageDetector.for_bank(self.settings.bank_dir)

    async def prepare_storage(self) -> None:
        """Bring the database schema up to date (once per App)."""
        if not self._migrated:
            await migrate(self.database)
            self._migrated = True

    async def start(self) -> None:
        """Prepare storage and pick up work a previous run left."""
        await self.prepare_storage()
        if self.chat is not None:
            # Importing the LLM stack takes seconds: start it now in a thread, so neither
            # readiness nor the first answer (with other events waiting for their ack) waits.
            self._warm_up = asyncio.create_task(asyncio.to_thread(self.chat.warm_up))
        if self.grading.uses_llm:
            self.regrades.start()
        await self.engine.resume()

    @cached_property
    def prompts(self) -> PromptLibrary:
        return PromptLibrary(resource_dir("prompts"))

    @cached_property
    def chat(self) -> ChatModel | None:
        """The LLM, or None when no LLM is configured (then nothing ever touches the network)."""
        settings = self.settings
        if not settings.llm_configured:
            return None
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else ""
        options = LLMOptions(
            model=settings.llm_model,
            base_url=settings.openai_base_url,
            api_key=key or "not-needed",  # local OpenAI-compatible servers ignore it
            timeout=settings.llm_timeout,
            max_attempts=settings.llm_max_attempts,
            max_backoff=settings.llm_retry_max_wait,
            structured_method=settings.llm_structured_output,
        )
        breaker = CircuitBreaker(
            failures=settings.llm_breaker_failures, cooldown=settings.llm_breaker_cooldown
        )
        return ChatModel(options, breaker)

    @cached_property
    def verdict_cache(self) -> VerdictCache:
        settings = self.settings
        backend: CacheBackend = MemoryBackend(settings.grade_cache_size)
        if self.redis is not None:
            backend = RedisBackend(self.redis, ttl=settings.grade_cache_ttl, fallback=backend)
        return VerdictCache(
            backend,
            embed=self.embedder.aembed,
            semantic_threshold=settings.semantic_cache_threshold,
        )

    @cached_property
    def grading(self) -> GradingService:
        llm = LLMGrader(self.chat, self.prompts) if self.chat is not None else None
        return GradingService(
            OfflineGrader(self.embedder),
            InjectionGuard(),
            llm=llm,
            # With Redis, entries of an earlier run with an LLM are there to purge on `forget`.
            cache=self.verdict_cache if llm is not None or self.redis is not None else None,
            weights=self.settings.grading_weights,
            budget=TokenBudget(self.repository, self.settings.llm_daily_token_budget),
            observe=self.metrics.observe_grade,
            language_of=self.language_detector.detect,
        )

    @cached_property
    def regrades(self) -> RegradeQueue:
        return RegradeQueue(self.grading.regrade, retry_every=self.settings.regrade_retry_seconds)

    async def aclose(self) -> None:
        """Release connections the parts opened (Redis); safe to call more than once."""
        if self._warm_up is not None:
            await self._warm_up  # a thread can't be cancelled; it ends on its own
            self._warm_up = None
        if "regrades" in self.__dict__:
            await self.regrades.stop()
        if "rate_limiter" in self.__dict__:
            await self.rate_limiter.close()
        if "verdict_cache" in self.__dict__:
            await self.verdict_cache.close()
        if self.__dict__.get("chat") is not None:
            await self.chat.aclose()
        if self.__dict__.get("redis") is not None:
            await self.redis.aclose()
        if "database" in self.__dict__:
            await self.database.dispose()
