"""Rows of a human-graded answer set (CSV or JSONL) for `interview-bot eval`."""

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

from bot.errors import UserError

COLUMNS = ("question", "reference", "answer", "score")


@dataclass(frozen=True)
class EvalRow:
    row: int  # 1-based position among the data rows
    question: str
    reference: str
    answer: str
    human: float
    key_points: tuple[str, ...] = ()


def read_rows(path: Path) -> list[EvalRow]:
    if not path.is_file():
        raise UserError(f"{path}: no such file")
    text = path.read_text(encoding="utf-8-sig", errors="replace")
    records = _jsonl(text, path) if path.suffix.lower() in {".jsonl", ".json"} else _csv(text, path)
    rows = []
    for number, (line, record) in enumerate(records, start=1):
        missing = [name for name in COLUMNS if str(record.get(name, "")).strip() == ""]
        if missing:
            raise UserError(f"{path}:{line}: missing {', '.join(missing)}")
        try:
            human = float(record["score"])
        except (TypeError, ValueError) as exc:
            raise UserError(f"{path}:{line}: score '{record['score']}' is not a number") from exc
        points = record.get("key_points") or ()
        if isinstance(points, str):
            points = [p.strip() for p in points.split("|") if p.strip()]
        rows.append(
            EvalRow(
                number,
                str(record["question"]),
                str(record["reference"]),
                str(record["answer"]),
                human,
                tuple(points),
            )
        )
    if not rows:
        raise UserError(f"{path}: no rows")
    return rows


def _jsonl(text: str, path: Path) -> list[tuple[int, dict]]:
    records = []
    for line, content in enumerate(text.splitlines(), start=1):
        if not content.strip():
            continue
        try:
            record = json.loads(content)
        except json.JSONDecodeError as exc:
            raise UserError(f"{path}:{line}: not valid JSON ({exc.msg})") from exc
        if not isinstance(record, dict):
            raise UserError(f"{path}:{line}: expected a JSON object")
        records.append((line, record))
    return records


def _csv(text: str, path: Path) -> list[tuple[int, dict]]:
    reader = csv.DictReader(io.StringIO(text))
    absent = [name for name in COLUMNS if name not in (reader.fieldnames or [])]
    if absent:
        raise UserError(f"{path}:1: missing column(s) {', '.join(absent)}")
    return [(reader.line_num, record) for record in reader]
