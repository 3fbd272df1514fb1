"""Questions served and the attempts (answers) at them, with appeals and votes on grades."""

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update

from bot.storage.models import (
    Appeal,
    Attempt,
    AttemptStatus,
    GradeFeedback,
    Served,
    ServedMode,
    ServedStatus,
    utcnow,
)
from bot.storage.repositories.base import Store
from bot.storage.repositories.reviews import ReviewUpdate, apply_review
from bot.storage.results import DisputedGrade


def open_in_channel(tenant: str, user_id: int, channel: str) -> tuple:
    """The conditions for the user's open questions in one channel, whatever the thread."""
    return (
        Served.tenant_id == tenant,
        Served.user_id == user_id,
        Served.channel == channel,
        Served.status == ServedStatus.OPEN,
    )


def open_served_query(tenant: str, user_id: int, channel: str, thread: str | None):
    """The question open for this user here: in the thread, else in the channel itself."""
    place = Served.thread == thread if thread else Served.thread.is_(None)
    return (
        select(Served)
        .where(
            *open_in_channel(tenant, user_id, channel),
            or_(place, Served.mode == ServedMode.INTERVIEW) if not thread else place,
        )
        .order_by(Served.id.desc())
        .limit(1)
    )


# Statements the answer path runs on every turn: built once, with bound parameters (named `b_*`,
# apart from the columns they set), on the tables rather than the mapped classes, which skips the
# ORM's bookkeeping for rows no session holds.
SERVED, ATTEMPTS = Served.__table__, Attempt.__table__


@cache
def _close_open_here():
    """Close what is open for the user in a channel (a new question replaces it)."""
    return (
        update(SERVED)
        .where(
            SERVED.c.tenant_id == bindparam("b_tenant"),
            SERVED.c.user_id == bindparam("b_user"),
            SERVED.c.channel == bindparam("b_channel"),
            SERVED.c.status == ServedStatus.OPEN,
        )
        .values(status=ServedStatus.SKIPPED, closed_at=bindparam("b_at"))
    )


@cache
def _close_served():
    return (
        update(SERVED)
        .where(SERVED.c.id == bindparam("b_id"), SERVED.c.status == ServedStatus.OPEN)
        .values(status=bindparam("b_status"), closed_at=bindparam("b_at"))
    )


@cache
def _insert_served():
    return insert(Served).returning(Served)


@cache
def _insert_attempt():
    return insert(Attempt).returning(Attempt)


@cache
def _save_grade():
    return (
        update(ATTEMPTS)
        .where(ATTEMPTS.c.id == bindparam("b_id"))
        .values(
            status=AttemptStatus.GRADED,
            grade=bindparam("b_grade"),
            grader=bindparam("b_grader"),
            provisional=bindparam("b_provisional"),
            score=bindparam("b_score"),
            prompt_version=bindparam("b_prompt_version"),
            graded_at=bindparam("b_at"),
        )
    )


class AttemptRepository(Store):
    async def open_served(
        self, tenant: str, user_id: int, channel: str, thread: str | None
    ) -> Served | None:
        async with self._session() as session:
            return await session.scalar(open_served_query(tenant, user_id, channel, thread))

    async def latest_open(self, tenant: str, user_id: int, channel: str) -> Served | None:
        """The user's most recent open question in a channel, whatever thread it is in."""
        async with self._session() as session:
            return await session.scalar(
                select(Served)
                .where(*open_in_channel(tenant, user_id, channel))
                .order_by(Served.id.desc())
                .limit(1)
            )

    async def served(self, served_id: int) -> Served | None:
        async with self._session() as session:
            return await session.get(Served, served_id)

    async def serve(self, **values: Any) -> Served:
        """Open a question; any other question open for the user in that place is closed."""
        place = {"b_tenant": values["tenant_id"], "b_user": values["user_id"]}
        async with self._session.begin() as session:
            await session.execute(
                _close_open_here(), {**place, "b_channel": values["channel"], "b_at": utcnow()}
            )
            return await session.scalar(_insert_served(), [values])

    async def attach_thread(self, served_id: int, thread: str) -> None:
        async with self._session.begin() as session:
            await session.execute(
                update(Served).where(Served.id == served_id).values(thread=thread)
            )

    async def close_served(self, served_id: int, status: ServedStatus) -> bool:
        """Close an open question; False if it was no longer open (someone else got there)."""
        async with self._session.begin() as session:
            result = await session.execute(
                update(Served)
                .where(Served.id == served_id, Served.status == ServedStatus.OPEN)
                .values(status=status, closed_at=utcnow())
            )
            return result.rowcount == 1

    async def add_hint(self, served_id: int) -> int:
        async with self._session.begin() as session:
            row = await session.get(Served, served_id)
            assert row is not None
            row.hints += 1
            return row.hints

    async def seen_question_ids(self, tenant: str, user_id: int) -> set[str]:
        async with self._session() as session:
            rows = await session.scalars(
                select(Served.question_id).where(
                    Served.tenant_id == tenant,
                    Served.user_id == user_id,
                    Served.parent_id.is_(None),
                )
            )
            return set(rows)

    async def add_attempt(self, **values: Any) -> Attempt:
        async with self._session.begin() as session:
            row = Attempt(**values)
            session.add(row)
        return row

    async def close_with_attempt(
        self, served_id: int, closed_as: ServedStatus, /, **attempt: Any
    ) -> Attempt | None:
        """Close an open question and store the attempt that closed it, in one transaction;
        None (nothing stored) if the question was no longer open."""
        async with self._session.begin() as session:
            closed = {"b_id": served_id, "b_status": closed_as, "b_at": utcnow()}
            result = await session.execute(_close_served(), closed)
            if result.rowcount != 1:
                return None
            return await session.scalar(_insert_attempt(), [{"served_id": served_id, **attempt}])

    async def save_grade(
        self,
        attempt_id: int,
        grade: dict[str, Any],
        score: float,
        review: ReviewUpdate | None = None,
    ) -> None:
        """Store a grade and, in the same transaction, the review it schedules."""
        values = {
            "b_id": attempt_id,
            "b_grade": grade,
            "b_grader": grade["grader"],
            "b_provisional": grade["provisional"],
            "b_score": score,
            "b_prompt_version": grade.get("prompt_version"),
            "b_at": utcnow(),
        }
        async with self._session.begin() as session:
            await session.execute(_save_grade(), values)
            if review is not None:
                await apply_review(session, review)

    async def attempt(self, attempt_id: int) -> Attempt | None:
        async with self._session() as session:
            return await session.get(Attempt, attempt_id)

    async def unfinished_attempts(self) -> Sequence[Attempt]:
        """Answers stored but not graded (a crash mid-grade), or graded provisionally."""
        async with self._session() as session:
            rows = await session.scalars(
                select(Attempt).where(
                    or_(Attempt.status == AttemptStatus.PENDING, Attempt.provisional.is_(True))
                )
            )
            return rows.all()

    async def last_attempt(self, tenant: str, user_id: int) -> Attempt | None:
        async with self._session() as session:
            return await session.scalar(
                select(Attempt)
                .where(
                    Attempt.tenant_id == tenant,
                    Attempt.user_id == user_id,
                    Attempt.status == AttemptStatus.GRADED,
                )
                .order_by(Attempt.id.desc())
                .limit(1)
            )

    async def attempts(self, tenant: str, user_id: int) -> Sequence[Attempt]:
        async with self._session() as session:
            rows = await session.scalars(
                select(Attempt)
                .where(Attempt.tenant_id == tenant, Attempt.user_id == user_id)
                .order_by(Attempt.id)
            )
            return rows.all()

    async def follow_up_parents(self, served_ids: Sequence[int]) -> dict[int, int]:
        """For each follow-up among `served_ids`, the served question it follows up."""
        async with self._session() as session:
            rows = await session.execute(
                select(Served.id, Served.parent_id).where(
                    Served.id.in_(served_ids), Served.parent_id.is_not(None)
                )
            )
            return {served: parent for served, parent in rows.all()}

    async def attempts_for_served(self, served_ids: Sequence[int]) -> Sequence[Attempt]:
        async with self._session() as session:
            rows = await session.scalars(
                select(Attempt).where(Attempt.served_id.in_(served_ids)).order_by(Attempt.id)
            )
            return rows.all()

    async def add_appeal(
        self, attempt_id: int, reason: str, regrade: dict[str, Any] | None, accepted: bool
    ) -> None:
        async with self._session.begin() as session:
            session.add(
                Appeal(attempt_id=attempt_id, reason=reason, regrade=regrade, accepted=accepted)
            )

    async def vote(self, attempt_id: int, user_id: int, vote: int) -> None:
        async with self._session.begin() as session:
            existing = await session.scalar(
                select(GradeFeedback).where(
                    GradeFeedback.attempt_id == attempt_id, GradeFeedback.user_id == user_id
                )
            )
            if existing is None:
                session.add(GradeFeedback(attempt_id=attempt_id, user_id=user_id, vote=vote))
            else:
                existing.vote = vote

    async def feedback_rows(self) -> list[DisputedGrade]:
        """Disputed grades (appealed or voted on), for admins."""
        async with self._session() as session:
            votes = dict(
                (
                    await session.execute(
                        select(GradeFeedback.attempt_id, func.sum(GradeFeedback.vote)).group_by(
                            GradeFeedback.attempt_id
                        )
                    )
                ).all()
            )
            appeals = {a.attempt_id: a for a in (await session.scalars(select(Appeal))).all()}
            ids = sorted(set(votes) | set(appeals))
            attempts = (await session.scalars(select(Attempt).where(Attempt.id.in_(ids)))).all()
        rows = []
        for attempt in sorted(attempts, key=lambda a: a.id):
            appeal = appeals.get(attempt.id)
            rows.append(
                DisputedGrade(
                    attempt=attempt.id,
                    tenant=attempt.tenant_id,
                    question=attempt.question_id,
                    score=attempt.score,
                    grader=attempt.grader,
                    votes=int(votes.get(attempt.id, 0)),
                    appeal=appeal.reason if appeal else "",
                    regrade_score=(appeal.regrade or {}).get("score") if appeal else None,
                    appeal_accepted=appeal.accepted if appeal else None,
                )
            )
        return rows
