import json
import logging

from bot.observability.logs import JsonFormatter, user_ref


def test_log_lines_are_json_with_hashed_users():
    record = logging.LogRecord("bot", logging.INFO, __file__, 1, "graded %s", ("ok",), None)
    record.user = user_ref("U123")
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "graded ok" and line["level"] == "info"
    assert line["user"] != "U123" and line["user"] == user_ref("U123")
