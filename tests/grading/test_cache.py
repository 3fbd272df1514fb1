"""The verdict cache when Redis fails, and purging one user's answers from it (`forget me`)."""

import asyncio
import dataclasses

from redis.asyncio import Redis

from bot.app import App
from bot.redis_link import RedisLink
from tests.grading.test_llm_grader import GOOD, WRONG, dropout, llm, make_app, request_for
from tests.redis_process import RedisProcess, free_port

__all__ = ["dropout", "llm"]  # fixtures shared with the LLM grader tests
GOOD_SENTENCE = "The surviving weights are rescaled by 1/(1-p)"


async def redis_text(url: str) -> str:
    """Every value stored in Redis, as one string (what an operator could read there)."""
    client = Redis.from_url(url, decode_responses=True)
    parts = []
    try:
        for key in await client.keys("*"):
            kind = await client.type(key)
            if kind == "string":
                parts.append(await client.get(key) or "")
            elif kind == "list":
                parts += await client.lrange(key, 0, -1)
            elif kind == "set":
                parts += await client.smembers(key)
    finally:
        await client.aclose()
    return "\n".join(parts)


def owned(question, answer: str, owner: str):
    return dataclasses.replace(request_for(question, answer), owner=owner)


async def test_llm_grades_keep_their_cache_in_memory_while_redis_is_down(
    tmp_path, model_dir, embedder, llm, dropout
):
    dead = f"redis://127.0.0.1:{free_port()}/0"
    app = await make_app(tmp_path, model_dir, embedder, llm, redis_url=dead)
    try:
        first = await app.grading.grade(request_for(dropout, GOOD))
        again = await app.grading.grade(request_for(dropout, GOOD))
    finally:
        await app.aclose()
    assert first.grader == again.grader == "llm" and not first.provisional
    assert len(llm.requests) == 1  # the second came from the in-process cache
    assert app.redis is not None and app.redis.state == "degraded"


async def test_forget_removes_one_users_answers_from_the_redis_cache(
    tmp_path, model_dir, embedder, llm, dropout, redis_server: RedisProcess
):
    app: App = await make_app(
        tmp_path,
        model_dir,
        embedder,
        llm,
        redis_url=redis_server.url,
        semantic_cache_threshold=0.95,
    )
    try:
        await app.grading.grade(owned(dropout, GOOD, "user:1"))
        await app.grading.grade(owned(dropout, WRONG, "user:2"))
        before = await redis_text(redis_server.url)
        removed = await app.grading.forget("user:1")
        after = await redis_text(redis_server.url)
        await app.grading.grade(owned(dropout, GOOD, "user:3"))
        others_left = await app.grading.forget("user:2")
    finally:
        await app.aclose()
    assert GOOD_SENTENCE in before and removed == 2  # the exact entry and the semantic one
    assert GOOD_SENTENCE not in after
    assert len(llm.requests) == 3  # the forgotten verdict is really gone: graded afresh
    assert others_left == 2  # another user's entries were not touched


async def test_a_forget_that_finds_redis_hung_is_done_when_it_answers_again(
    tmp_path, model_dir, embedder, llm, dropout, redis_server: RedisProcess
):
    app = await make_app(tmp_path, model_dir, embedder, llm, redis_url=redis_server.url)
    app.__dict__["redis"] = RedisLink(redis_server.url, retry_after=0.2)  # a short rest
    admin = Redis.from_url(redis_server.url)
    try:
        await app.grading.grade(owned(dropout, GOOD, "user:1"))
        assert GOOD_SENTENCE in await redis_text(redis_server.url)
        # Redis stops answering for longer than a call and its retry wait.
        await admin.execute_command("CLIENT", "PAUSE", "3000", "ALL")
        await app.grading.forget("user:1")
        assert app.redis is not None and app.redis.state == "degraded"
        await asyncio.sleep(1.5)  # the pause ends
        await app.grading.grade(request_for(dropout, WRONG))  # any use of the cache
        assert GOOD_SENTENCE not in await redis_text(redis_server.url)
    finally:
        await admin.aclose()
        await app.aclose()
