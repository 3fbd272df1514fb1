"""Structured JSON logs on stderr. User ids are logged only hashed; answer text never."""

import hashlib
import json
import logging
import sys
from datetime import UTC, datetime


def user_ref(user_id: str) -> str:
    """A stable, non-reversible reference to a user for logs."""
    return hashlib.sha256(f"interview-bot:{user_id}".encode()).hexdigest()[:12]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key in ("user", "tenant", "platform", "attempt"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: int = logging.INFO) -> None:
    """Called once by `interview-bot run`, never at import."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("discord.gateway", "httpx", "chromadb.telemetry"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
