"""The object graph, built in one place from Settings. Parts are created on first use.

Tests and benches override parts explicitly: an already loaded embedder as a constructor
argument, and engines with other parts (a seed, a stub grader) through `build_engine`. A part that
holds connections registers how to close it when it is built, and `aclose` closes those, newest
first (dependents before what they depend on).
"""

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta
from functools import cached_property
from pathlib import Path

from sqlalchemy import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters import Adapter
from bot.bank.chroma_location import ChromaLocation, ChromaServer, LocalChroma
from bot.bank.embeddings import OnnxEmbedder
from bot.bank.follow_ups import FollowUpRubrics
from bot.bank.machine_translation import MachineTranslator
from bot.bank.service import BankService
from bot.bank.store import BankStore
from bot.clock import SystemClock
from bot.config import Settings
from bot.engine.engine import ConversationEngine
from bot.engine.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from bot.errors import ConfigError
from bot.grading.budget import TokenBudget
from bot.grading.cache import CacheBackend, MemoryBackend, RedisBackend, VerdictCache
from bot.grading.grader import Grader, GradingService
from bot.grading.guard import InjectionGuard
from bot.grading.llm import LLMGrader
from bot.grading.offline import OfflineGrader
from bot.grading.regrade import RegradeQueue
from bot.i18n.catalog import Catalog
from bot.i18n.detect import LanguageDetector
from bot.llm.breaker import CircuitBreaker
from bot.llm.chat import ChatModel, LLMOptions
from bot.llm.prompts import PromptLibrary
from bot.memory import settle_after_start
from bot.observability.metrics import Metrics
from bot.redis_link import RedisLink
from bot.resources import resource_dir
from bot.scheduling.daily import DailyScheduler
from bot.storage.database import create_engine, migrate
from bot.storage.repository import Repository


class App:
    def __init__(
        self,
        settings: Settings,
        *,
        embedder: OnnxEmbedder | None = None,
        catalog: Catalog | None = None,
        show_progress: bool = False,
    ) -> None:
        """`show_progress`: draw a progress bar while the bank is embedded (in a terminal)."""
        self.settings = settings
        self.show_progress = show_progress
        self._embedder = embedder
        self._catalog = catalog
        self._migrated = False
        self._warm_up: asyncio.Task[None] | None = None
        self._bank_tasks: list[asyncio.Task[None]] = []
        self._store_opening: asyncio.Task[None] | None = None
        self._closers: list[Callable[[], Awaitable[object]]] = []

    @cached_property
    def embedder(self) -> OnnxEmbedder:
        if self._embedder is not None:
            return self._embedder
        embedder = OnnxEmbedder(
            self.settings.embedding_model_dir,
            batch_size=self.settings.embedding_batch_size,
            cache_dir=self.settings.model_cache_dir,
        )
        self._closers.append(embedder.aclose)
        return embedder

    @cached_property
    def store(self) -> BankStore:
        location: ChromaLocation
        if self.settings.chroma_host:
            location = ChromaServer.at(self.settings.chroma_host, self.settings.chroma_port)
        else:
            location = LocalChroma(self.settings.resolved_chroma_path)
        return BankStore(location, self.embedder)

    @cached_property
    def bank(self) -> BankService:
        return BankService(
            self.settings.bank_dir,
            self.repository,
            self.store,
            prepare=self.prepare_storage,
            legacy_dir=self.settings.tenant_bank_dir,
        )

    @cached_property
    def database(self) -> AsyncEngine:
        database = create_engine(self.settings.resolved_database_url)
        self._closers.append(database.dispose)
        return database

    @cached_property
    def repository(self) -> Repository:
        return Repository(self.database)

    @cached_property
    def catalog(self) -> Catalog:
        if self._catalog is not None:
            return self._catalog
        return Catalog(Path(__file__).resolve().parent / "i18n" / "locales")

    @cached_property
    def engine(self) -> ConversationEngine:
        return self.build_engine()

    def build_engine(
        self,
        *,
        grader: Grader | None = None,
        seed: int | None = None,
        detect_language: bool = True,
        limit_rate: bool = True,
    ) -> ConversationEngine:
        """An engine on this App's parts; tests and benches swap a part (a stub grader, a
        fixed seed) or leave one out (language detection, rate limits)."""
        grading = grader or self.grading
        return ConversationEngine(
            self.bank,
            self.repository,
            grading,
            self.catalog,
            regrades=self.regrades if grading.uses_llm else None,
            default_language=self.settings.default_language,
            seed=seed,
            detector=self.language_detector if detect_language else None,
            limiter=self.rate_limiter if limit_rate else None,
            on_message=self.metrics.count_message,
            machine_translator=(
                MachineTranslator(self.chat, self.prompts, self.repository)
                if self.chat is not None
                else None
            ),
            follow_up_rubrics=(
                FollowUpRubrics(self.chat, self.prompts)
                if self.chat is not None and grading.uses_llm
                else FollowUpRubrics()
            ),
        )

    @cached_property
    def redis(self) -> RedisLink | None:
        """The one Redis connection (rate limits, verdict cache), or None without REDIS_URL."""
        if not self.settings.redis_url:
            return None
        link = RedisLink(self.settings.redis_url)
        self._closers.append(link.aclose)
        return link

    @cached_property
    def rate_limiter(self) -> RateLimiter:
        limit = self.settings.answers_per_minute
        limiter: RateLimiter = (
            RedisRateLimiter(self.redis, limit)
            if self.redis is not None
            else MemoryRateLimiter(limit)
        )
        self._closers.append(limiter.close)
        return limiter

    @cached_property
    def metrics(self) -> Metrics:
        return Metrics()

    @cached_property
    def scheduler(self) -> DailyScheduler:
        scheduler = DailyScheduler(
            self.engine,
            SystemClock(),
            catch_up=timedelta(minutes=self.settings.daily_catch_up_minutes),
            pause_after_days=self.settings.daily_pause_after_days,
        )
        self.metrics.track_scheduler(scheduler)
        return scheduler

    @cached_property
    def language_detector(self) -> LanguageDetector:
        return LanguageDetector.for_bank(self.bank.shipped())  # the bank's own parse, not another

    async def prepare_storage(self) -> None:
        """Bring the database schema up to date (once per App)."""
        if not self._migrated:
            await self._check_database_reachable()
            await migrate(self.database)
            self._migrated = True

    async def _check_database_reachable(self) -> None:
        """A database that can't be opened is a setting to fix: one line (ConfigError), not a
        traceback from deep inside the migration."""
        try:
            async with self.database.connect():
                pass
        except (OSError, SQLAlchemyError) as exc:
            shown = make_url(self.settings.resolved_database_url).render_as_string(
                hide_password=True
            )
            reason = getattr(exc, "orig", None) or exc
            raise ConfigError(
                f"DATABASE_URL: cannot open the database at {shown} "
                f"({type(reason).__name__}: {reason})"
            ) from exc

    async def start(self) -> None:
        """`prepare`, then `start_background`."""
        await self.prepare()
        self.start_background()

    async def prepare(self) -> None:
        """What serving needs: storage up to date, the bank loaded, and the work a previous run
        left picked up. Searches from now on wait for the bank's indexing."""
        await self.prepare_storage()
        await self.bank.ensure_loaded()
        if not self._bank_tasks:
            self.bank.expect_sync()
        await self.engine.resume()

    def start_background(self) -> None:
        """Work that readiness doesn't need, started once the adapters are up so it doesn't
        slow them down: Chroma's client opened (`/readyz` only checks the store can be
        reached; searches wait for it), the bank indexed into the store, other
        instances' imports picked up every BANK_RECHECK_SECONDS, the LLM stack imported (it
        takes seconds, in a thread, so the first answer doesn't wait) and re-grades resumed.
        The collector, paused for start-up, runs again."""
        settle_after_start()
        if self._store_opening is None:
            self._store_opening = asyncio.create_task(self.store.open(), name="store-open")
            self._closers.append(self._stop_store_opening)
        if not self._bank_tasks:
            self._bank_tasks = [
                asyncio.create_task(self._sync_bank(), name="bank-sync"),
                asyncio.create_task(
                    self.bank.watch(self.settings.bank_recheck_seconds), name="bank-watch"
                ),
            ]
            self._closers.append(self._stop_bank_tasks)
        if self.chat is not None and self._warm_up is None:
            self._warm_up = asyncio.create_task(self._warm_up_llm(self.chat), name="llm-warm-up")
        if self.grading.uses_llm:
            self.regrades.start()

    async def _warm_up_llm(self, chat: ChatModel) -> None:
        """Import the LLM stack once the store is open: both imports hold the interpreter, and
        every search waits for the store."""
        if self._store_opening is not None:
            await asyncio.wait([self._store_opening])
        await asyncio.to_thread(chat.warm_up)

    async def _sync_bank(self) -> None:
        if not self.show_progress:
            await self.bank.sync()
            return
        from bot.bank.progress import IngestProgress  # rich: only in a terminal

        with IngestProgress() as progress:
            await self.bank.sync(progress)

    async def _stop_store_opening(self) -> None:
        if self._store_opening is not None:
            self._store_opening.cancel()
            await asyncio.gather(self._store_opening, return_exceptions=True)

    async def _stop_bank_tasks(self) -> None:
        tasks, self._bank_tasks = self._bank_tasks, []
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def platform_adapters(self) -> list[Adapter]:
        """Every adapter whose credentials are set, each with its daily poster registered."""
        adapters: list[Adapter] = []
        if self.settings.discord_configured:
            from bot.adapters.discord_adapter import DiscordAdapter

            discord = DiscordAdapter(self.engine, self.settings)
            self.scheduler.add_poster(discord.name, discord.post_daily)
            adapters.append(discord)
        if self.settings.slack_configured:
            from bot.adapters.slack_adapter import SlackAdapter

            slack = SlackAdapter(self.engine, self.settings, self.database)
            self.scheduler.add_poster(slack.name, slack.post_daily)
            adapters.append(slack)
        return adapters

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
            # Every attempt may take its full timeout: a slow local model set to 120 s still
            # gets its retries (60 s at the defaults).
            deadline=settings.llm_timeout * settings.llm_max_attempts,
            max_backoff=settings.llm_retry_max_wait,
            structured_method=settings.llm_structured_output,
        )
        breaker = CircuitBreaker(
            failures=settings.llm_breaker_failures, cooldown=settings.llm_breaker_cooldown
        )
        chat = ChatModel(options, breaker)
        self.metrics.track_chat(chat)
        self._closers.append(chat.aclose)
        return chat

    @cached_property
    def verdict_cache(self) -> VerdictCache:
        settings = self.settings
        backend: CacheBackend = MemoryBackend(settings.grade_cache_size)
        if self.redis is not None:
            backend = RedisBackend(self.redis, ttl=settings.grade_cache_ttl, fallback=backend)
        cache = VerdictCache(
            backend,
            embed=self.embedder.aembed,
            semantic_threshold=settings.semantic_cache_threshold,
        )
        self.metrics.track_cache(cache)
        self._closers.append(cache.close)
        return cache

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
        queue = RegradeQueue(self.grading.regrade, retry_every=self.settings.regrade_retry_seconds)
        self.metrics.track_regrades(queue)
        self._closers.append(queue.stop)
        return queue

    async def aclose(self) -> None:
        """Release what the parts built so far opened; safe to call more than once."""
        if self._warm_up is not None:
            if self._store_opening is not None and not self._store_opening.done():
                self._warm_up.cancel()  # still waiting: no thread started yet
            # A running thread can't be cancelled; it ends on its own.
            await asyncio.gather(self._warm_up, return_exceptions=True)
            self._warm_up = None
        closers, self._closers = self._closers, []
        for close in reversed(closers):
            await close()
