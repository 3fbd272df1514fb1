"""What a Redis outage costs an answer: the rate-limit check with Redis up, down, and resting.

Run: python bench/redis_outage.py [N]   (needs `redis-server` on PATH; starts its own)
Prints the median and p99 wall time of `RedisRateLimiter.allow` (the Redis call every graded
answer makes) over N calls in each phase: Redis answering; the first call after Redis is killed
(it finds out); calls while the link rests (in-process fallback, Redis not even tried); and the
in-process limiter alone, for reference. Wall time on a shared machine: expect noise.
"""

import asyncio
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

from bot.engine.ratelimit import MemoryRateLimiter, RedisRateLimiter
from bot.redis_link import RedisLink


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_redis(port: int, directory: str) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed")
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            directory,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return process
        except OSError:
            time.sleep(0.02)
    process.kill()
    sys.exit("redis-server did not start")


async def _times(limiter, calls: int) -> list[float]:
    spent = []
    for index in range(calls):
        began = time.perf_counter()
        await limiter.allow(f"bench:user{index % 50}")
        spent.append(time.perf_counter() - began)
    return spent


def _row(name: str, spent: list[float]) -> None:
    ordered = sorted(spent)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    print(
        f"{name:<34} n={len(spent):5d}  median={1000 * statistics.median(spent):7.3f} ms"
        f"  p99={1000 * p99:7.3f} ms"
    )


async def main(calls: int) -> None:
    port = _free_port()
    with tempfile.TemporaryDirectory() as directory:
        redis = _start_redis(port, directory)
        link = RedisLink(f"redis://127.0.0.1:{port}/0", retry_after=3600)
        limiter = RedisRateLimiter(link, limit=10**9)
        try:
            await _times(limiter, 20)  # connect and warm up
            _row("Redis up", await _times(limiter, calls))
            redis.kill()
            redis.wait()
            _row("first call after Redis is killed", await _times(limiter, 1))
            _row("Redis down, link resting", await _times(limiter, calls))
        finally:
            await link.aclose()
            if redis.poll() is None:
                redis.kill()
    _row("in-process limiter only", await _times(MemoryRateLimiter(10**9), calls))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000))
