import contextlib
import os
import threading
from pathlib import Path

import pytest

from bot.bank.limits import MAX_YAML_ALIASES, read_bounded
from bot.bank.loader import dump_bank, load_bank, parse_yaml_entries
from bot.bank_cli import curation_problems
from bot.config import Settings
from bot.errors import BankError

SHIPPED = Settings(_env_file=None).bank_dir


def test_shipped_bank_has_fifty_curated_questions():
    questions = load_bank(SHIPPED)
    assert sorted(q.number for q in questions) == list(range(1, 51))
    assert curation_problems(questions) == []
    for question in questions:
        assert 3 <= len(question.key_points) <= 7
        assert 1 <= len(question.follow_ups) <= 3
        assert "$$" not in question.reference


def test_shipped_bank_records_its_corrections():
    corrected = {q.number for q in load_bank(SHIPPED) if q.notes}
    # The expert review found clear factual errors in these answers of the source.
    assert {2, 3, 4, 5, 13, 17, 23, 42, 49} <= corrected


def entry(**changes) -> str:
    fields = {
        "id": "bow-basics",
        "number": 1,
        "topic": "classical-nlp",
        "difficulty": 1,
        "question": "What is a bag of words?",
        "reference": "A count vector over the vocabulary.",
        "key_points": ["[counts words, ignores order, sparse vectors]"],
    }
    fields.update(changes)
    return "\n".join(f"{key}: {value}" for key, value in fields.items()) + "\n"


def test_malformed_yaml_names_file_and_line(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    path.write_text("id: x\nquestion: [unclosed\nreference: y\n")
    with pytest.raises(BankError) as caught:
        load_bank(path)
    assert str(caught.value).startswith(f"{path}:3: malformed YAML")


def test_duplicate_ids_name_both_places(tmp_path: Path):
    (tmp_path / "a.yaml").write_text(entry())
    (tmp_path / "b.yaml").write_text(entry(number=2))
    with pytest.raises(BankError) as caught:
        load_bank(tmp_path)
    message = str(caught.value)
    assert "b.yaml:1: duplicate id 'bow-basics'" in message and "a.yaml:1" in message


def test_empty_and_missing_fields_point_at_the_field(tmp_path: Path):
    path = tmp_path / "q.yaml"
    path.write_text(entry(reference='""'))
    with pytest.raises(BankError, match=r"q.yaml:6: field 'reference' is empty"):
        load_bank(path)
    path.write_text(entry().replace("topic: classical-nlp\n", ""))
    with pytest.raises(BankError, match="missing field 'topic'"):
        load_bank(path)


def test_dump_and_load_round_trip(tmp_path: Path):
    questions = load_bank(SHIPPED)[:3]
    path = tmp_path / "bank.yaml"
    path.write_text(dump_bank(questions))
    assert load_bank(path) == questions


def laughs(levels: int = 9, width: int = 9) -> bytes:
    """A "billion laughs" bank: a few hundred bytes that expand to 9**8 strings."""
    lines = ["- id: laughs", "  number: 1", "  topic: t", "  difficulty: 1", "  question: q"]
    lines += ['  reference: &a0 "' + "lol" * 20 + '"', "  key_points: [k]", "  notes:"]
    for level in range(1, levels):
        items = ", ".join(f"*a{level - 1}" for _ in range(width))
        lines.append(f"  - &a{level} [{items}]")
    return ("\n".join(lines) + "\n").encode()


def test_an_alias_bomb_is_refused_before_it_is_expanded():
    with pytest.raises(BankError) as refused:
        parse_yaml_entries(laughs(), source="bomb.yaml")
    assert "expands to more than 4,194,304 characters through its aliases" in str(refused.value)


def test_many_aliases_of_a_long_text_are_refused():
    text = "x" * 1000
    tags = ", ".join(["*t"] * (MAX_YAML_ALIASES + 1))
    entry = (
        f"- {{id: a, number: 1, topic: t, difficulty: 1, question: q, reference: &t '{text}', "
        f"key_points: [k], tags: [{tags}]}}\n"
    )
    with pytest.raises(BankError, match=r"bomb\.yaml:1: more than 100 YAML aliases"):
        parse_yaml_entries(entry.encode(), source="bomb.yaml")


def test_a_few_aliases_are_still_fine():
    entry = (
        "- {id: a, number: 1, topic: t, difficulty: 1, question: q, reference: &r 'Some text.',"
        " key_points: [*r], notes: [*r]}\n"
    )
    ((question, _, _),) = parse_yaml_entries(entry.encode(), source="ok.yaml")
    assert question.key_points == ["Some text."] == question.notes


def test_python_tags_are_refused_with_their_line(tmp_path: Path):
    bad = tmp_path / "evil.yaml"
    bad.write_text("- id: a\n  number: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(BankError, match=r"evil\.yaml:2: YAML tag !!python/object/apply:os.system"):
        load_bank(bad)


def test_bank_files_are_read_with_a_limit(tmp_path: Path):
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 2000)
    with pytest.raises(BankError, match=r"big\.yaml: is 2 KB; a bank file may be at most 1 KB"):
        read_bounded(big, limit=1024)
    assert read_bounded(big, limit=4096) == b"#" * 2000


def test_an_endless_stream_is_not_read_whole(tmp_path: Path):
    fifo = tmp_path / "bank.md"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: _write_forever(fifo), daemon=True)
    writer.start()
    with pytest.raises(BankError, match="is larger than 1 KB"):
        read_bounded(fifo, limit=1024)


def _write_forever(path: Path) -> None:
    with contextlib.suppress(BrokenPipeError), path.open("wb") as stream:
        for _ in range(10_000):
            stream.write(b"x" * 4096)
