from pathlib import Path

import pytest

from bot.bank.loader import dump_bank, load_bank
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
