"""Prometheus metrics on `/metrics`, in a registry of our own (no process-wide default).

Counters that parts already keep (LLM tokens, retries, cache hits, queue depth, daily posts) are
read at scrape time by a collector, so those parts don't depend on prometheus-client.
"""

from collections import Counter
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

if TYPE_CHECKING:
    from bot.app import App

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 60)


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

    def observe_grade(self, grader: str, seconds: float) -> None:
        self.grading_seconds.labels(grader=grader).observe(seconds)

    def count_message(self, platform: str) -> None:
        self.messages[platform] += 1

    def watch(self, app: "App") -> None:
        self.registry.register(_AppCollector(app, self))

    def render(self) -> bytes:
        return generate_latest(self.registry)


class _AppCollector:
    def __init__(self, app: "App", metrics: Metrics) -> None:
        self._app = app
        self._metrics = metrics

    def collect(self):
        app, parts = self._app, self._app.__dict__
        messages = CounterMetricFamily(
            "interview_bot_messages", "Messages handled", labels=["platform"]
        )
        for platform, count in self._metrics.messages.items():
            messages.add_metric([platform], count)
        yield messages
        chat = parts.get("chat")
        tokens = CounterMetricFamily("interview_bot_llm_tokens", "LLM tokens used")
        errors = CounterMetricFamily("interview_bot_llm_errors", "LLM calls that failed")
        retries = CounterMetricFamily("interview_bot_llm_retries", "LLM attempts retried")
        tokens.add_metric([], chat.tokens_used if chat else 0)
        errors.add_metric([], chat.failures if chat else 0)
        retries.add_metric([], chat.retries if chat else 0)
        yield from (tokens, errors, retries)
        cache = parts.get("verdict_cache")
        hits = CounterMetricFamily("interview_bot_cache_hits", "Grade cache hits", labels=["kind"])
        for kind in ("exact", "semantic"):
            hits.add_metric([kind], cache.hits[kind] if cache else 0)
        yield hits
        queue = GaugeMetricFamily("interview_bot_regrade_queue_depth", "Re-grades waiting")
        queue.add_metric([], app.regrades.pending if "regrades" in parts else 0)
        yield queue
        scheduler = parts.get("scheduler")
        daily = CounterMetricFamily(
            "interview_bot_daily_posts", "Daily questions posted or missed", labels=["result"]
        )
        daily.add_metric(["posted"], scheduler.posted if scheduler else 0)
        daily.add_metric(["missed"], scheduler.missed if scheduler else 0)
        yield daily
