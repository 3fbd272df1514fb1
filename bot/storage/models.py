"""The tables. Times are UTC; JSON columns hold grades, settings and small per-user state."""

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, ClassVar

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def naive_utc(when: datetime) -> datetime:
    """Stored times are naive UTC."""
    return when.astimezone(UTC).replace(tzinfo=None)


class ServedStatus(StrEnum):
    OPEN = "open"
    ANSWERED = "answered"
    REVEALED = "revealed"
    SKIPPED = "skipped"
    # Asked, but the question never reached the user: not open until it is delivered.
    UNDELIVERED = "undelivered"


class ServedMode(StrEnum):
    PRACTICE = "practice"
    INTERVIEW = "interview"
    DAILY = "daily"


class AttemptStatus(StrEnum):
    PENDING = "pending"
    GRADED = "graded"
    REVEALED = "revealed"


class InterviewStatus(StrEnum):
    ACTIVE = "active"
    FINISHED = "finished"
    STOPPED = "stopped"


class Base(DeclarativeBase):
    type_annotation_map: ClassVar = {dict[str, Any]: JSON, list[Any]: JSON}


class Tenant(Base):
    """A Discord server, a Slack workspace, or the console."""

    __tablename__ = "tenants"
    id: Mapped[str] = mapped_column(String(100), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChannelConfig(Base):
    __tablename__ = "channel_configs"
    __table_args__ = (UniqueConstraint("tenant_id", "channel"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    channel: Mapped[str] = mapped_column(String(100))
    language: Mapped[str | None] = mapped_column(String(10))
    grade_delivery: Mapped[str] = mapped_column(String(10), default="thread")
    daily: Mapped[dict[str, Any]] = mapped_column(default=dict)


class User(Base):
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("tenant_id", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    external_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(String(200))
    language_state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # opt-ins: streak reminders, review digest
    preferences: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Interview(Base):
    __tablename__ = "interviews"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    channel: Mapped[str] = mapped_column(String(100))
    question_ids: Mapped[list[Any]] = mapped_column(default=list)
    position: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(String(12), default=InterviewStatus.ACTIVE)
    scorecard: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]


class Served(Base):
    """A question put to one user in one place; at most one is open per user and place."""

    __tablename__ = "served_questions"
    __table_args__ = (Index("ix_served_open", "tenant_id", "user_id", "channel", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    question_id: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(100))
    thread: Mapped[str | None] = mapped_column(String(100), index=True)
    mode: Mapped[str] = mapped_column(String(12), default=ServedMode.PRACTICE)
    status: Mapped[str] = mapped_column(String(12), default=ServedStatus.OPEN)
    hints: Mapped[int] = mapped_column(default=0)
    interview_id: Mapped[int | None] = mapped_column(ForeignKey("interviews.id"))
    follow_up: Mapped[str | None] = mapped_column(Text)  # set when this asks a follow-up
    # What the follow-up is graded against (`bot.bank.follow_ups.Rubric.to_json`).
    follow_up_rubric: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("served_questions.id"))
    daily_post_id: Mapped[int | None] = mapped_column(ForeignKey("daily_posts.id"))
    served_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]


class Attempt(Base):
    """An answer, stored (status pending) before it is graded."""

    __tablename__ = "attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    served_id: Mapped[int] = mapped_column(ForeignKey("served_questions.id"), index=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    answer: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(10), default="en")
    status: Mapped[str] = mapped_column(String(10), default=AttemptStatus.PENDING)
    grade: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    grader: Mapped[str | None] = mapped_column(String(10))
    provisional: Mapped[bool] = mapped_column(default=False)
    score: Mapped[float | None]
    max_score: Mapped[float] = mapped_column(default=10.0)
    prompt_version: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    graded_at: Mapped[datetime | None]


class Appeal(Base):
    __tablename__ = "appeals"
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"), index=True)
    reason: Mapped[str] = mapped_column(Text)
    regrade: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    accepted: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class GradeFeedback(Base):
    __tablename__ = "grade_feedback"
    __table_args__ = (UniqueConstraint("attempt_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("attempts.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    vote: Mapped[int]  # +1 or -1
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DailyPost(Base):
    """One row per channel and local date: the claim that makes daily posts exactly-once."""

    __tablename__ = "daily_posts"
    __table_args__ = (UniqueConstraint("tenant_id", "channel", "local_date"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    channel: Mapped[str] = mapped_column(String(100))
    local_date: Mapped[str] = mapped_column(String(10))
    question_id: Mapped[str] = mapped_column(String(100))
    message_ref: Mapped[str | None] = mapped_column(String(100))
    thread: Mapped[str | None] = mapped_column(String(100), index=True)
    claimed_at: Mapped[datetime] = mapped_column(default=utcnow)
    posted_at: Mapped[datetime | None]
    summary_posted_at: Mapped[datetime | None]
    # A post that failed is released (`failed_at` set) so that a later tick may claim it again.
    failures: Mapped[int] = mapped_column(default=0, server_default="0")
    failed_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(String(200))


class ReviewCard(Base):
    """A user's FSRS card for one question: when it is due again."""

    __tablename__ = "review_cards"
    __table_args__ = (UniqueConstraint("user_id", "question_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    card: Mapped[dict[str, Any]] = mapped_column(default=dict)
    due: Mapped[datetime] = mapped_column(index=True)


class Reminder(Base):
    """Claims for opt-in DMs (streak at risk, review digest, weekly digest): one per key."""

    __tablename__ = "reminders"
    __table_args__ = (UniqueConstraint("kind", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LLMUsage(Base):
    """Tokens used per tenant and UTC day, for budgets and `interview-bot usage`."""

    __tablename__ = "llm_usage"
    __table_args__ = (UniqueConstraint("tenant_id", "day"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(100))
    day: Mapped[str] = mapped_column(String(10))
    tokens: Mapped[int] = mapped_column(default=0)


class MachineTranslation(Base):
    """A bank entry translated by the LLM the first time someone needed it in that language."""

    __tablename__ = "machine_translations"
    __table_args__ = (UniqueConstraint("content_hash", "language"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[str] = mapped_column(String(100))
    content_hash: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(10))
    entry: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class BankEntry(Base):
    """A question a tenant imported (tenant "global": an operator's import for everyone).

    The shipped bank stays in files; every instance reads imported banks from here."""

    __tablename__ = "bank_entries"
    __table_args__ = (UniqueConstraint("tenant_id", "question_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(String(100))
    question_id: Mapped[str] = mapped_column(String(100))
    entry: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class BankRevision(Base):
    """One row: a counter every change to `bank_entries` raises, so instances notice it cheaply."""

    __tablename__ = "bank_revision"
    id: Mapped[int] = mapped_column(primary_key=True)
    revision: Mapped[int] = mapped_column(default=0)


class UndeliveredReply(Base):
    """A reply the platform refused after its retries (a grade, a question, a re-grade), kept
    with the reason until the user gets it: on their next message, or with `last`/`stats`."""

    __tablename__ = "undelivered_replies"
    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    channel: Mapped[str] = mapped_column(String(100))
    thread: Mapped[str | None] = mapped_column(String(100))
    reply: Mapped[dict[str, Any]] = mapped_column(default=dict)  # text, title, score, served_id
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
