"""Parse Markdown question banks written the way PDF-extracted interview sheets are.

Handles the quirks of `shared/seeds`: questions as `### 1) ...`, `**4). ...**` or
`**11) ... Answer:** ...` with the answer inline, answer markers as bold text or headings,
bullets nested at random depths, stray `-` and `---` lines, doubled LaTeX, tab-separated tables,
and page-break blank lines inside sentences. Every problem is reported with its line number;
nothing is dropped without a word.
"""

import itertools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from bot.bank.keypoints import derive_key_points
from bot.bank.limits import MAX_BANK_BYTES, MAX_QUESTIONS, too_large
from bot.bank.loader import parse_yaml_entries
from bot.bank.models import Question
from bot.bank.text import replace_math, slugify
from bot.errors import BankError

DEFAULT_TOPIC = "general"
DEFAULT_DIFFICULTY = 2

# Admin files can be large and hostile, so no pattern here backtracks more than linearly: runs
# of spaces are taken possessively (`\s*+`: what follows them is never a space), and a marker
# starts only where its run of spaces starts.
_QUESTION_START = re.compile(
    r"""^\s*+(?P<heading>\#{1,6}\s*+)?(?P<bold>\*\*)?\s*+
        (?:Q(?:uestion)?\s*+)?(?P<number>\d{1,4})\s*+(?P<sep>\)\.?|\.|:)\s*+(?P<rest>\S.*)$""",
    re.X | re.I,
)
_ANSWER_MARKER = re.compile(r"(?:\*\*|\#{1,6})?(?<!\s)\s*Answer\s*:\s*(?:\*\*)?", re.I)
_HEADING = re.compile(r"^\s*+(#{1,6})\s++(.*\S)\s*$")
_BULLET = re.compile(r"^(\s*)(?:[-*•])\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d+[.)]\s+")
_STRAY = re.compile(r"^\s*(?:[-*•]|-{3,}|\*{3,}|_{3,})\s*$")
_TRAILING_LABEL = re.compile(r"\s(\*\*[^*]{1,40}:\*\*)\s*\Z")
_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class ImportIssue:
    line: int
    message: str
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        return f"line {self.line}: {self.severity}: {self.message}"


@dataclass
class ImportResult:
    questions: list[Question] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)

    @property
    def errors(self) -> list[ImportIssue]:
        return [issue for issue in self.issues if issue.severity == "error"]


@dataclass
class _RawQuestion:
    number: int
    line: int
    question: str
    body: list[tuple[int, str]]
    topic: str


def import_bank(data: bytes, *, source: str) -> ImportResult:
    """Parse a bank file (Markdown, or YAML in the bank schema) into questions and issues.
    A file over the size limit is refused unparsed, with one issue saying why."""
    if len(data) > MAX_BANK_BYTES:
        return ImportResult(issues=[ImportIssue(1, f"{source} {too_large(len(data))}")])
    if Path(source).suffix.lower() in {".yaml", ".yml"}:
        try:
            entries = parse_yaml_entries(data, source=source)
        except BankError as exc:
            return ImportResult(issues=[ImportIssue(exc.line or 1, exc.reason)])
        return ImportResult(questions=[question for question, _, _ in entries])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return ImportResult(issues=[ImportIssue(1, f"{source} is not UTF-8 text")])
    return parse_markdown(text)


def parse_markdown(text: str) -> ImportResult:
    result = ImportResult()
    raw_questions = _split_questions(text.splitlines(), result)
    if not raw_questions:
        result.issues.append(ImportIssue(1, "no numbered questions found (expected '1) ...')"))
        return result
    if len(raw_questions) > MAX_QUESTIONS:
        count = len(raw_questions)
        message = f"{count:,} questions; a bank file may hold at most {MAX_QUESTIONS:,}"
        return ImportResult(issues=[ImportIssue(1, message)])
    _check_numbering(raw_questions, result)
    used_ids: set[str] = set()
    for raw in raw_questions:
        question = _build_question(raw, used_ids, result)
        if question is not None:
            result.questions.append(question)
    return result


def _split_questions(lines: list[str], result: ImportResult) -> list[_RawQuestion]:
    questions: list[_RawQuestion] = []
    preamble: list[int] = []
    topic = DEFAULT_TOPIC
    index = 0
    while index < len(lines):
        line = lines[index]
        match = _question_start(line)
        if match is None:
            heading = _HEADING.match(line)
            if heading and len(heading[1]) > 1 and _next_is_question(lines, index + 1):
                topic = slugify(heading[2], max_words=4)
            elif questions:
                questions[-1].body.append((index + 1, line))
            elif line.strip() and not heading:
                preamble.append(index + 1)
            index += 1
            continue
        start = index + 1
        text, index = _question_text(match, lines, index)
        parts = _ANSWER_MARKER.split(text, maxsplit=1)
        asked = _strip_markup(parts[0])
        body = [(start, parts[1])] if len(parts) > 1 and parts[1].strip() else []
        questions.append(_RawQuestion(int(match["number"]), start, asked, body, topic))
    if preamble:
        result.issues.append(
            ImportIssue(
                preamble[0],
                f"{len(preamble)} line(s) before the first question were skipped "
                f"(lines {preamble[0]}-{preamble[-1]}): not part of any question",
                "warning",
            )
        )
    return questions


def _question_start(line: str) -> re.Match[str] | None:
    match = _QUESTION_START.match(line)
    if match is None:
        return None
    # "1. Initialise ..." inside an answer is a list item, not a question: plain "N." and "N:"
    # only start a question when the line is a heading or bold.
    if match["sep"].startswith(")") or match["heading"] or match["bold"]:
        return match
    return None


def _next_is_question(lines: list[str], start: int) -> bool:
    for line in lines[start:]:
        if line.strip():
            return _question_start(line) is not None
    return False


def _question_text(match: re.Match[str], lines: list[str], index: int) -> tuple[str, int]:
    """The heading's text, following it onto later lines while its bold is left open."""
    text = match["rest"]
    index += 1
    if match["bold"]:
        while "**" not in text and index < len(lines):
            if not lines[index].strip() or _question_start(lines[index]):
                break
            text = f"{text} {lines[index].strip()}"
            index += 1
    return text, index


def _strip_markup(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("**", "")).strip(" *#")


def _check_numbering(questions: list[_RawQuestion], result: ImportResult) -> None:
    seen: dict[int, int] = {}
    for previous, current in itertools.pairwise(questions):
        if current.number > previous.number + 1:
            result.issues.append(
                ImportIssue(
                    current.line,
                    f"numbering jumps from {previous.number} to {current.number}: "
                    "is a question missing or unnumbered?",
                    "warning",
                )
            )
    for raw in questions:
        if raw.number in seen:
            result.issues.append(
                ImportIssue(
                    raw.line,
                    f"question number {raw.number} appears again (first at line "
                    f"{seen[raw.number]}); both were kept",
                    "warning",
                )
            )
        seen.setdefault(raw.number, raw.line)


def _build_question(raw: _RawQuestion, used_ids: set[str], result: ImportResult) -> Question | None:
    reference = clean_answer([text for _, text in raw.body])
    if not raw.question:
        result.issues.append(ImportIssue(raw.line, f"question {raw.number} has no text"))
        return None
    if not reference:
        result.issues.append(ImportIssue(raw.line, f"question {raw.number} has no answer"))
        return None
    key_points = derive_key_points(reference)
    if len(key_points) < 3:
        result.issues.append(
            ImportIssue(
                raw.line,
                f"question {raw.number}: only {len(key_points)} key point(s) could be derived "
                "from its answer; add key points in YAML for better grading",
                "warning",
            )
        )
    slug = _unique(slugify(raw.question), used_ids)
    try:
        return Question(
            id=slug,
            number=raw.number,
            topic=raw.topic,
            difficulty=DEFAULT_DIFFICULTY,
            question=raw.question,
            reference=reference,
            key_points=key_points or [reference[:200]],
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        result.issues.append(ImportIssue(raw.line, f"question {raw.number}: {problem['msg']}"))
        return None


def _unique(slug: str, used: set[str]) -> str:
    candidate, suffix = slug, 2
    while candidate in used:
        candidate = f"{slug}-{suffix}"
        suffix += 1
    used.add(candidate)
    return candidate


def clean_answer(lines: list[str]) -> str:
    """Markdown answer text with the PDF artefacts removed."""
    lines = _strip_leading_marker(lines)
    blocks: list[str] = []
    table: list[list[str]] = []
    for line in [*lines, ""]:
        if "\t" in line:
            table.append([cell.strip() for cell in line.split("\t")])
            continue
        if table:
            blocks.append(_markdown_table(table))
            table = []
        blocks.extend(_clean_line(line))
    return _join_blocks(blocks)


def _strip_leading_marker(lines: list[str]) -> list[str]:
    for position, line in enumerate(lines):
        if not line.strip():
            continue
        marker = _ANSWER_MARKER.match(line.strip())
        if marker:
            rest = line.strip()[marker.end() :].strip()
            return ([rest] if rest else []) + lines[position + 1 :]
        return lines[position:]
    return []


def _clean_line(line: str) -> list[str]:
    """One source line as zero or more logical lines ('' marks a paragraph break)."""
    if _STRAY.match(line):
        return [""]
    if not line.strip():
        return [""]
    text = replace_math(line.rstrip())
    heading = _HEADING.match(text)
    if heading:
        return ["", f"**{_strip_markup(heading[2])}**", ""]
    bullet = _BULLET.match(text)
    if bullet:
        text = f"- {bullet[2].strip()}"
    elif _NUMBERED.match(text):
        text = text.strip()
    else:
        text = text.strip()
    text = re.sub(r"(?<=\S) {2,}", " ", text)
    text = re.sub(r"(?<=\S) +([,;](?:\s|$))", r"\1", text)
    label = _TRAILING_LABEL.search(text)
    if label:
        before = text[: label.start()].rstrip()
        if _WORD_CHAR.search(before):
            return [before, "", label[1], ""]
    return [text]


def _join_blocks(lines: list[str]) -> str:
    """Rebuild paragraphs, joining sentences that a page break split across blank lines."""
    out: list[str] = []
    for line in lines:
        if line == "":
            continue
        if out and _continues(out[-1], line):
            out[-1] = f"{out[-1]} {line}"
        else:
            # Consecutive list items stay one list; anything else is its own paragraph.
            same_list = _is_list_item(line) and bool(out) and _is_list_item(out[-1])
            if out and not same_list:
                out.append("")
            out.append(line)
    return "\n".join(out).strip()


def _is_list_item(line: str) -> bool:
    return line.startswith("- ") or bool(_NUMBERED.match(line)) or line.startswith("|")


def _continues(previous: str, line: str) -> bool:
    """True when `line` finishes a sentence that `previous` left open."""
    if previous.startswith("|") or (previous.startswith("**") and previous.endswith("**")):
        return False
    if _is_list_item(line) or line.startswith("**") or line.startswith("|"):
        return False
    if re.search(r"[.!?:;]\**\s*$", previous):
        return False
    return bool(re.search(r"[\w,(\-–]$", previous))


def _markdown_table(rows: list[list[str]]) -> str:
    width = max(len(row) for row in rows)
    rows = [row + [""] * (width - len(row)) for row in rows]
    lines = ["| " + " | ".join(rows[0]) + " |", "|" + " --- |" * width]
    lines += ["| " + " | ".join(row) + " |" for row in rows[1:]]
    return "\n".join(lines)
