"""Prometheus metrics on `/metrics`, in a registry of our own (no process-wide default).

Counters that parts already keep (LLM tokens, retries, cache hits, queue depth, daily posts) are
read at scrape time by a collector, so those parts don't depend on prometheus-client. The
composition root registers each part when it builds it (`track_*`); a part never built reads 0.
"""

from collections import Counter
from typing import Protocol

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60)


class ChatCounters(Protocol):
    tokens_used: int
    failures: int
    retries: int


class CacheCounters(Protocol):
    hits: dict[str, int]


class QueueDepth(Protocol):
    @property
    def pending(self) -> int: ...


class PostCounters(Protocol):
    posted: int
    missed: int


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.grading_seconds = Histogram(
            "interview_bot_grading_seconds",
            "Time to grade one answer",
            ["grader"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.messages: Counter[str] = Counter()
        self.chat: ChatCounters | None = None
        self.cache: CacheCounters | None = None
        self.regrades: QueueDepth | None = None
        self.scheduler: PostCounters | None = None
        self.registry.register(_PartsCollector(self))

    def observe_grade(self, grader: str, seconds: float) -> None:
        self.grading_seconds.labels(grader=grader).observe(seconds)

    def count_message(self, platform: str) -> None:
        self.messages[platform] += 1

    def track_chat(self, chat: ChatCounters) -> None:
        self.chat = chat

    def track_cache(self, cache: CacheCounters) -> None:
        self.cache = cache

    def track_regrades(self, queue: QueueDepth) -> None:
        self.regrades = queue

    def track_scheduler(self, scheduler: PostCounters) -> None:
        self.scheduler = scheduler

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _PartsCollector:
    def __init__(self, metrics: Metrics) -> None:
        self._metrics = metrics

    def collect(self):
        metrics = self._metrics
        messages = CounterMetricFamily(
            "interview_bot_messages", "Messages handled", labels=["platform"]
        )
        for platform, count in metrics.messages.items():
            messages.add_metric([platform], count)
        yield messages
        chat = metrics.chat
        tokens = CounterMetricFamily("interview_bot_llm_tokens", "LLM tokens used")
        errors = CounterMetricFamily("interview_bot_llm_errors", "LLM calls that failed")
        retries = CounterMetricFamily("interview_bot_llm_retries", "LLM attempts retried")
        tokens.add_metric([], chat.tokens_used if chat else 0)
        errors.add_metric([], chat.failures if chat else 0)
        retries.add_metric([], chat.retries if chat else 0)
        yield from (tokens, errors, retries)
        cache = metrics.cache
        hits = CounterMetricFamily("interview_bot_cache_hits", "Grade cache hits", labels=["kind"])
        for kind in ("exact", "semantic"):
            hits.add_metric([kind], cache.hits[kind] if cache else 0)
        yield hits
        queue = GaugeMetricFamily("interview_bot_regrade_queue_depth", "Re-grades waiting")
        queue.add_metric([], metrics.regrades.pending if metrics.regrades else 0)
        yield queue
        scheduler = metrics.scheduler
        daily = CounterMetricFamily(
            "interview_bot_daily_posts", "Daily questions posted or missed", labels=["result"]
        )
        daily.add_metric(["posted"], scheduler.posted if scheduler else 0)
        daily.add_metric(["missed"], scheduler.missed if scheduler else 0)
        yield daily
