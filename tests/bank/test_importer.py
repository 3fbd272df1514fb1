import pytest

from bot.bank.importer import import_bank, parse_markdown
from bot.bank.limits import MAX_BANK_BYTES
from tests.conftest import SEED
from tests.linear import assert_linear


def seed_result():
    return import_bank(SEED.read_bytes(), source=str(SEED))


def test_seed_yields_all_fifty_numbers_without_errors():
    result = seed_result()
    assert [q.number for q in result.questions] == list(range(1, 51))
    assert result.errors == []
    assert len({q.id for q in result.questions}) == 50


def test_inline_answers_are_split_from_the_question():
    q11 = seed_result().questions[10]
    assert q11.question.endswith("without losing much performance?")
    assert q11.reference.startswith("Knowledge distillation involves training a smaller model")
    assert "Answer:" not in q11.question + q11.reference


def test_page_break_inside_a_sentence_is_joined():
    by_number = {q.number: q for q in seed_result().questions}
    assert "TF-IDF (Term Frequency-Inverse Document Frequency) weighs" in by_number[22].reference
    assert "polysemy (same word, different meanings) is not captured." in by_number[25].reference
    assert "may not capture complex dependencies." in by_number[33].reference


def test_pdf_artefacts_are_cleaned():
    by_number = {q.number: q for q in seed_result().questions}
    for question in by_number.values():
        lines = question.reference.splitlines()
        assert not any(line.strip() in {"-", "---", "*"} for line in lines), question.number
        assert "$$" not in question.reference and "\\frac" not in question.reference
    # Doubled LaTeX keeps one readable copy.
    assert by_number[44].reference.count("PMI(x,y)=") == 1
    # The tab-separated table becomes a Markdown table.
    assert (
        "| Actual Positive | True Positive (TP) | False Negative (FN) |" in by_number[48].reference
    )
    # Bold answer headings become bold labels, not headings.
    assert "**Methods:**" in by_number[40].reference


def test_every_seed_question_has_derived_key_points():
    for question in seed_result().questions:
        assert question.key_points, question.number
        assert all(not point.endswith(":") for point in question.key_points)


def test_preamble_is_reported_not_silently_dropped():
    warnings = [
        issue for issue in seed_result().issues if "before the first question" in issue.message
    ]
    assert warnings and warnings[0].line == 3


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


# A 100 KB bank on one line took two minutes: the trailing-label pattern was quadratic.
@pytest.mark.parametrize("unit", ["a ", "a", " ", "# ", "**a ", "Answer ", "\t"])
def test_a_one_line_bank_imports_in_linear_time(unit: str):
    def run(n: int) -> None:
        parse_markdown("### 1) What?\n**Answer:** " + unit * (n // len(unit)) + "x **Note:**")

    assert_linear(run, 5000, factor=10)


def test_a_trailing_label_is_still_split_off():
    (question,) = parse_markdown(
        "### 1) What is RAG?\n**Answer:** Retrieval then generation.   **Why it matters:**\n"
        "It grounds answers in documents.\n"
    ).questions
    assert question.reference.splitlines()[:3] == [
        "Retrieval then generation.",
        "",
        "**Why it matters:**",
    ]


def test_a_bank_over_the_size_limit_is_refused_unparsed():
    data = b"### 1) What?\n**Answer:** x\n" + b"y" * MAX_BANK_BYTES
    result = import_bank(data, source="huge.md")
    assert result.questions == []
    (issue,) = result.errors
    assert "huge.md is 4.0 MB; a bank file may be at most 4.0 MB" in issue.message


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "- id: a\n  number: !!python/object/apply:os.system ['echo hi']\n",
            "line 2: error: YAML tag !!python/object/apply:os.system: Python object tags "
            "are not allowed in a bank file",
        ),
        ("- " + "[" * 40 + "]" * 40 + "\n", "line 1: error: nested deeper than 16 levels"),
        (  # found by the fuzz suite: a ReaderError escaped as a traceback
            "id: a\n\x1f",
            "line 2: error: malformed YAML: character #x001f is not allowed in YAML",
        ),
    ],
)
def test_unsafe_yaml_is_one_clear_issue(content: str, expected: str):
    result = import_bank(content.encode(), source="bank.yaml")
    assert result.questions == [] and [str(issue) for issue in result.issues] == [expected]
