"""Load YAML bank files into validated `Question`s, with file and line in every error."""

from collections.abc import Iterable
from pathlib import Path

import yaml
from pydantic import ValidationError

from bot.bank.limits import MAX_BANK_BYTES, MAX_QUESTIONS, read_bounded, too_large
from bot.bank.models import Question
from bot.bank.yaml_check import check_yaml
from bot.errors import BankError

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster


def load_bank(path: Path) -> list[Question]:
    """All questions in a YAML file or a folder of `*.yaml` files, ids and numbers unique."""
    if not path.exists():
        raise BankError("no such bank file or folder", path=str(path))
    files = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml")) if path.is_dir() else [path]
    located: list[tuple[Question, str, int]] = []
    for file in files:
        located.extend(parse_yaml_entries(read_bounded(file), source=str(file)))
    check_unique(located)
    return [question for question, _, _ in located]


def parse_yaml_entries(data: bytes, *, source: str) -> list[tuple[Question, str, int]]:
    """Questions in one YAML document (a mapping or a list of mappings), each with its line.
    Its size, nesting, aliases and tags are checked before anything is built from it."""
    if len(data) > MAX_BANK_BYTES:
        raise BankError(too_large(len(data)), path=source)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BankError("is not UTF-8 text", path=source) from exc
    check_yaml(text, source=source, loader=_LOADER)
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise BankError(f"malformed YAML: {exc.problem}", path=source, line=line) from exc
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        line = text.count("\n", 0, exc.position) + 1
        problem = f"character #x{exc.character:04x} is not allowed in YAML"
        raise BankError(f"malformed YAML: {problem}", path=source, line=line) from exc
    if root is None:
        raise BankError("is empty", path=source)
    if isinstance(root, yaml.MappingNode):
        nodes = [root]
    elif isinstance(root, yaml.SequenceNode):
        nodes = list(root.value)
    else:
        raise BankError("must hold a question mapping or a list of them", path=source, line=1)
    if len(nodes) > MAX_QUESTIONS:
        raise BankError(
            f"holds {len(nodes):,} entries; a bank file may hold at most {MAX_QUESTIONS:,}",
            path=source,
        )
    return [_build(node, source) for node in nodes]


def _build(node: yaml.Node, source: str) -> tuple[Question, str, int]:
    line = node.start_mark.line + 1
    if not isinstance(node, yaml.MappingNode):
        raise BankError("expected a question mapping", path=source, line=line)
    try:
        raw = _LOADER("").construct_document(node)
    except yaml.MarkedYAMLError as exc:  # a tag or key the safe loader can't build
        mark = exc.problem_mark or exc.context_mark
        raise BankError(
            f"unsupported YAML: {exc.problem}", path=source, line=mark.line + 1 if mark else line
        ) from exc
    try:
        return Question.model_validate(raw), source, line
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        problem = _describe(error, field)
        raise BankError(problem, path=source, line=_field_line(node, field) or line) from exc


def _describe(error: dict, field: str) -> str:
    kind = error["type"]
    if kind == "missing":
        return f"missing field '{field}'"
    if kind == "extra_forbidden":
        return f"unknown field '{field}'"
    location = ".".join(str(part) for part in error["loc"])
    if kind == "string_too_short":
        return f"field '{location}' is empty"
    return f"field '{location}': {error['msg']}"


def _field_line(node: yaml.MappingNode, field: str) -> int | None:
    for key, value in node.value:
        if key.value == field:
            return value.start_mark.line + 1
    return None


def check_unique(located: Iterable[tuple[Question, str, int]]) -> None:
    """Refuse two entries with the same id, naming both places."""
    seen: dict[str, tuple[str, int]] = {}
    for question, source, line in located:
        if question.id in seen:
            first_source, first_line = seen[question.id]
            raise BankError(
                f"duplicate id '{question.id}' (first defined at {first_source}:{first_line})",
                path=source,
                line=line,
            )
        seen[question.id] = (source, line)


def dump_bank(questions: Iterable[Question]) -> str:
    """YAML for a list of questions, in the schema `load_bank` reads."""
    entries = [question.to_public_json() for question in questions]
    return yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)
