"""Property-based: any bank file gives questions and issues, never an exception, in bounded time.

Files are drawn from the pieces PDF-extracted Markdown banks are made of (headings, numbered
questions, answer markers, bullets, labels, tables, LaTeX) and from YAML pieces (anchors,
aliases, tags, flow and block collections), plus arbitrary text. Each example has a deadline;
a run of one piece repeated must cost linear time.
"""

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.bank.importer import ImportResult, import_bank
from bot.bank.models import Question
from tests.linear import assert_linear

MARKDOWN = [
    "### ", "## Topic", "1) ", "12. ", "**3). ", "Q4: ", "**Answer:**", "Answer:", "- ", "  * ",
    "• ", "---", "\t", "$$x^2$$", "$a$", "\\frac{a}{b}", "**Why:**", "word", "sentence.", " ",
    "\n", "\n\n", "é", "注意", "**", "#", "(", ")", ":", "1", "a" * 50,
]  # fmt: skip
YAML = [
    "- ", "id: ", "number: ", "1", "topic: t", "question: ", "reference: ", "key_points: ",
    "[", "]", "{", "}", ", ", ": ", "&a ", "*a", "&b ", "*b", "<<: *a", "!!python/object:os.system",
    "!!str ", "!x ", "'", '"', "|", ">", "#", "\n", "  ", "---", "...", "? ", "é", "lol",
]  # fmt: skip

markdown = st.lists(st.sampled_from(MARKDOWN), max_size=200).map("".join)
yaml_text = st.lists(st.sampled_from(YAML), max_size=200).map("".join)
json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=30,
)


def well_formed(result: ImportResult) -> bool:
    return all(isinstance(q, Question) for q in result.questions) and all(
        issue.line >= 1 and issue.message for issue in result.issues
    )


@settings(max_examples=150, deadline=1000)
@given(text=st.one_of(markdown, st.text(max_size=2000)))
def test_any_markdown_bank_gives_questions_and_issues(text: str):
    assert well_formed(import_bank(text.encode("utf-8", "surrogatepass"), source="bank.md"))


@settings(max_examples=150, deadline=1000)
@given(text=st.one_of(yaml_text, st.text(max_size=500)))
def test_any_yaml_bank_gives_questions_or_one_clear_issue(text: str):
    result = import_bank(text.encode("utf-8", "surrogatepass"), source="bank.yaml")
    assert well_formed(result)
    assert result.questions or result.issues


@settings(max_examples=100, deadline=1000)
@given(value=json_like)
def test_any_yaml_document_gives_questions_or_one_clear_issue(value: object):
    data = yaml.safe_dump(value, allow_unicode=True).encode()
    assert well_formed(import_bank(data, source="bank.yaml"))


@settings(max_examples=10, deadline=None)
@given(piece=st.sampled_from(MARKDOWN), tail=st.sampled_from(["", "x **Note:**", "\n"]))
def test_a_repeated_piece_costs_linear_time(piece: str, tail: str):
    def run(n: int) -> None:
        import_bank(("### 1) Q?\n**Answer:** " + piece * n + tail).encode(), source="bank.md")

    assert_linear(run, 2000 // len(piece) + 1, factor=10)
