from pathlib import Path

import pytest

from bot.bank.importer import import_bank, parse_markdown
from tests.conftest import SEED

MESSY = Path(__file__).parent / "fixtures" / "messy-bank.md"


def messy_result():
    return import_bank(MESSY.read_bytes(), source=str(MESSY))


def test_messy_bank_yields_every_number_without_errors():
    result = messy_result()
    assert [q.number for q in result.questions] == list(range(1, 11))
    assert result.errors == []
    assert len({q.id for q in result.questions}) == 10


def test_every_numbering_style_starts_a_question():
    """`### 1)`, `**2).`, `### **5)`, `#### 6)`, `## 9)` and a glued `?****Answer:**`."""
    by_number = {q.number: q for q in messy_result().questions}
    assert by_number[2].question.startswith("Why do retrieval pipelines split documents")
    assert by_number[5].question == (
        "Explain the purpose of a reranker in a two-stage retrieval system."
    )
    assert by_number[8].question == "What do precision and recall measure for a retrieval system?"
    assert by_number[8].reference.startswith("**Precision** is the share")
    for question in by_number.values():
        assert "*" not in question.question and "#" not in question.question, question.number


def test_inline_answers_are_split_from_the_question():
    q3 = messy_result().questions[2]
    assert q3.question == "How does beam search differ from greedy decoding?"
    assert q3.reference.startswith("Greedy decoding keeps only the single most likely token")
    assert "Answer:" not in q3.question + q3.reference


def test_page_break_inside_a_sentence_is_joined():
    by_number = {q.number: q for q in messy_result().questions}
    assert "A low temperature sharpens the distribution towards" in by_number[4].reference


def test_pdf_artefacts_are_cleaned():
    by_number = {q.number: q for q in messy_result().questions}
    for question in by_number.values():
        lines = question.reference.splitlines()
        assert not any(line.strip() in {"-", "---", "*"} for line in lines), question.number
        assert "$$" not in question.reference and "\\text" not in question.reference
    # Doubled LaTeX keeps one readable copy.
    assert by_number[6].reference.count("PPL=exp(H)") == 1
    # The tab-separated table becomes a Markdown table.
    assert "| Relevant | True hit | Miss |" in by_number[8].reference
    # Answer headings become bold labels, not headings; stray nested bullets become a flat list.
    assert "**Mitigations:**" in by_number[7].reference
    assert "**Effects:**" in by_number[9].reference
    assert "\n- Lets the first stage stay cheap" in by_number[5].reference


def test_every_messy_question_has_derived_key_points():
    for question in messy_result().questions:
        assert question.key_points, question.number
        assert all(not point.endswith(":") for point in question.key_points)


def test_preamble_is_reported_not_silently_dropped():
    warnings = [
        issue for issue in messy_result().issues if "before the first question" in issue.message
    ]
    assert warnings and warnings[0].line == 3 and "lines 3-6" in warnings[0].message


@pytest.mark.skipif(
    not SEED.is_file(), reason=f"the source seed is not beside the checkout ({SEED})"
)
def test_real_seed_yields_all_fifty_numbers_without_errors():
    result = import_bank(SEED.read_bytes(), source=str(SEED))
    assert [q.number for q in result.questions] == list(range(1, 51))
    assert result.errors == []
    assert all(question.key_points for question in result.questions)


def test_question_without_answer_is_an_error_with_its_line():
    text = (
        "### 1) What is BoW?\n\n**Answer:** Counts words in a vector.\n\n### 2) What is TF-IDF?\n"
    )
    result = parse_markdown(text)
    assert [q.number for q in result.questions] == [1]
    assert [(e.line, "no answer" in e.message) for e in result.errors] == [(5, True)]


def test_numbering_gap_and_duplicate_numbers_are_reported():
    text = (
        "**1) First question?**\n\n**Answer:** An answer with enough words here.\n\n"
        "**3) Third question?**\n\n**Answer:** Another answer with enough words.\n\n"
        "**3) Third again?**\n\n**Answer:** Yet another answer with words.\n"
    )
    result = parse_markdown(text)
    assert [q.number for q in result.questions] == [1, 3, 3]
    messages = {(issue.line, issue.message.split(":")[0]) for issue in result.issues}
    assert (5, "numbering jumps from 1 to 3") in messages
    assert any(issue.line == 9 and "appears again" in issue.message for issue in result.issues)


def test_numbered_steps_inside_an_answer_are_not_questions():
    text = (
        "### 45) How does Viterbi work?\n\n**Answer:**\n\nSteps:\n\n"
        "1. Initialise the first column of the trellis.\n2. Recurse with max and backpointers.\n"
    )
    result = parse_markdown(text)
    assert [q.number for q in result.questions] == [45]
    assert "1. Initialise the first column" in result.questions[0].reference


def test_unreadable_inputs_give_clear_errors():
    assert "no numbered questions" in parse_markdown("just some notes\n").errors[0].message
    assert "not UTF-8" in import_bank(b"\xff\xfe\x00bad", source="bank.md").errors[0].message
    broken = import_bank(b"id: [unclosed\n", source="bank.yaml")
    assert broken.errors and "malformed YAML" in broken.errors[0].message
