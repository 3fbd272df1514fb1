"""Key-point coverage decided per answer sentence, and scores that keep a good answer high."""

import pytest

from bot.bank.embeddings import OnnxEmbedder
from bot.bank.keypoints import derive_key_points
from bot.bank.loader import load_bank
from bot.config import Settings
from bot.grading.grader import GradingService
from bot.grading.guard import InjectionGuard
from bot.grading.models import GradeRequest
from bot.grading.offline import COVERED_AT, OfflineGrader
from bot.grading.units import answer_units


@pytest.fixture(scope="module")
def grader(embedder: OnnxEmbedder) -> OfflineGrader:
    return OfflineGrader(embedder)


@pytest.fixture(scope="module")
def bank():
    return {q.id: q for q in load_bank(Settings(_env_file=None).bank_dir)}


def ask(question, answer: str) -> GradeRequest:
    return GradeRequest(
        question=question.question,
        reference=question.reference,
        key_points=tuple(question.key_points),
        answer=answer,
        question_id=question.id,
    )


def point(question, start: str) -> str:
    return next(p for p in question.key_points if p.startswith(start))


LOG_SPACE = "It works in log space to avoid underflow."
VITERBI = (
    "Viterbi is a dynamic programming algorithm that finds the most likely sequence of hidden "
    "states. At each step it keeps, for every state, the best score of any path ending there, "
    "taking the max over previous states of the score times the transition and emission "
    "probabilities, and it stores a backpointer. At the end you follow the backpointers back "
    f"to recover the path. {LOG_SPACE} The cost is O(T N^2) instead of trying every sequence."
)
UNRELATED = (
    "My favourite football team lost again on Sunday. "
    "Bread rises because yeast produces carbon dioxide."
)


def test_a_sentence_gets_the_same_verdict_whatever_surrounds_it(grader, bank):
    """The issue's case: covered alone, missed inside a long correct answer. Now the same."""
    viterbi = bank["viterbi-algorithm"]
    log_point = point(viterbi, "Computed in log space")
    contexts = [
        LOG_SPACE,
        VITERBI,
        f"{UNRELATED} {LOG_SPACE} {UNRELATED}",
        f"Dropout regularizes networks. {LOG_SPACE}",
    ]
    verdicts = [log_point in grader.grade_sync(ask(viterbi, text)).covered for text in contexts]
    assert verdicts == [True] * len(contexts)
    index = viterbi.key_points.index(log_point)
    supports = {
        round(grader.evidence(ask(viterbi, text)).key_point_recall[index], 4) for text in contexts
    }
    assert len(supports) == 1


def test_unrelated_sentences_cover_nothing(grader, bank):
    viterbi = bank["viterbi-algorithm"]
    assert grader.grade_sync(ask(viterbi, UNRELATED)).covered == []


def test_sentence_support_is_the_measure_coverage_uses(grader, bank):
    viterbi = bank["viterbi-algorithm"]
    request = ask(viterbi, VITERBI)
    covered = grader.grade_sync(request).covered
    best = [
        max(values)
        for values in zip(
            *(grader.sentence_support(request, unit) for unit in answer_units(VITERBI)),
            strict=True,
        )
    ]
    assert [
        p for p, value in zip(viterbi.key_points, best, strict=True) if value >= COVERED_AT
    ] == (covered)
    assert max(grader.sentence_support(request, UNRELATED)) < COVERED_AT


ATTENTION_DROPOUT = (
    "Attention dropout randomly zeroes some attention weights after the softmax during "
    "training, which regularizes the model so it does not rely on a few tokens; at inference "
    "it is turned off."
)


def test_the_issue_attention_dropout_answer_scores_well(grader, bank):
    dropout = bank["attention-dropout"]
    grade = grader.grade_sync(ask(dropout, ATTENTION_DROPOUT))
    assert grade.score >= 7
    assert point(dropout, "Attention dropout zeroes") in grade.covered
    assert point(dropout, "Surviving weights") in grade.covered


@pytest.mark.parametrize(
    ("question_id", "answer", "key_point"),
    [
        (
            "moe-benefits-challenges",
            "MoE replaces the feed-forward block with many experts, and a router picks the top-k "
            "experts per token, so compute per token stays low while parameters grow. The "
            "downside is that all experts must be kept in memory. Training can be unstable, and "
            "it needs load-balancing losses so the router does not overload a few experts.",
            "Load imbalance",
        ),
        (
            "confusion-matrix",
            "A confusion matrix counts true positives, false positives, false negatives and true "
            "negatives for each class. From it you compute precision, recall and F1. With several "
            "classes you combine the per-class scores with macro or micro averaging.",
            "Multi-class results",
        ),
        (
            "edit-distance-metrics",
            "Edit distance is the minimum number of insertions, deletions and substitutions that "
            "turn one string into another. It is computed with dynamic programming in O(m·n) "
            "time. It is used for spelling correction.",
            "Computed by Wagner-Fischer",
        ),
    ],
)
def test_points_the_issue_found_missed_are_covered(grader, bank, question_id, answer, key_point):
    question = bank[question_id]
    assert point(question, key_point) in grader.grade_sync(ask(question, answer)).covered


FEED_FORWARD_ALL = (
    "The feed-forward network is a two-layer MLP applied to every token on its own, with the "
    "same weights at every position. Attention moves information between tokens, while the FFN "
    "transforms each token's features non-linearly. Its hidden layer is usually about four "
    "times d_model wide before it projects back down. The FFNs hold roughly two thirds of the "
    "parameters of each layer. Research shows they act like key-value memories that store a lot "
    "of factual knowledge. Modern LLMs use gated versions such as SwiGLU, and mixture-of-experts "
    "models replace the FFN with routed experts."
)


def test_covering_every_key_point_scores_high(grader, bank):
    question = bank["transformer-feed-forward-layer"]
    grade = grader.grade_sync(ask(question, FEED_FORWARD_ALL))
    assert len(grade.covered) >= len(question.key_points) - 1
    assert grade.score >= 8.5


OFF_TOPIC = (
    "Batch normalization normalizes activations across the batch dimension using running means "
    "and variances, which lets convolutional networks train with higher learning rates."
)


def test_padding_an_answer_with_off_topic_text_does_not_raise_its_score(grader, bank):
    dropout = bank["attention-dropout"]
    plain = grader.grade_sync(ask(dropout, ATTENTION_DROPOUT))
    padded = grader.grade_sync(ask(dropout, " ".join([ATTENTION_DROPOUT, *[OFF_TOPIC] * 6])))
    assert padded.score <= plain.score
    assert padded.covered == plain.covered


def test_a_long_off_topic_answer_scores_below_a_partial_one(grader, bank):
    dropout = bank["attention-dropout"]
    off_topic = grader.grade_sync(ask(dropout, " ".join([OFF_TOPIC] * 6)))
    partial = grader.grade_sync(ask(dropout, "It is dropout on the attention weights."))
    assert off_topic.covered == [] and off_topic.score <= 1.5
    assert off_topic.score <= partial.score


def test_repeating_a_partial_answer_does_not_make_it_complete(grader, bank):
    dropout = bank["attention-dropout"]
    partial = "It is dropout on the attention weights, to reduce overfitting."
    once = grader.grade_sync(ask(dropout, partial))
    repeated = grader.grade_sync(ask(dropout, " ".join([partial] * 8)))
    assert repeated.covered == once.covered
    assert repeated.score <= once.score + 1


@pytest.mark.parametrize("answer", ["No response.", "Empty submission.", "I don't know", "-"])
def test_non_answers_score_zero(grader, bank, answer):
    assert grader.grade_sync(ask(bank["attention-dropout"], answer)).score == 0


def test_a_weak_on_topic_answer_is_not_flattened_to_zero(grader, bank):
    """Neither is flattened to 0; a vague answer that makes no point clearly is held near 0 by
    the coverage ceiling, like an off-topic one, but never below it."""
    dropout = bank["attention-dropout"]
    vague = grader.grade_sync(ask(dropout, "It drops some attention so the model overfits less."))
    off_topic = grader.grade_sync(ask(dropout, OFF_TOPIC))
    assert vague.score >= off_topic.score > 0


REFERENCE = (
    "Attention dropout zeroes random attention weights after the softmax during training, "
    "and it is switched off at inference."
)


def test_a_one_sentence_reference_becomes_atomic_points(grader):
    points = derive_key_points(REFERENCE)
    assert len(points) == 2 and all(p in REFERENCE for p in points)
    request = GradeRequest(
        question="What is attention dropout?",
        reference=REFERENCE,
        key_points=tuple(points),
        answer="During training it randomly sets some attention probabilities to zero.",
    )
    grade = grader.grade_sync(request)
    assert grade.covered == [points[0]] and grade.missing == [points[1]]
    assert REFERENCE.rstrip(".") not in grade.feedback


async def test_a_correct_one_line_answer_to_an_ad_hoc_question_scores_well(embedder):
    grading = GradingService(OfflineGrader(embedder), InjectionGuard())
    request = GradeRequest(
        question="What is attention dropout?",
        reference=REFERENCE,
        key_points=tuple(derive_key_points(REFERENCE)),
        answer="It randomly zeroes attention probabilities while training; it is off at inference.",
    )
    grade = await grading.grade(request)
    assert grade.score >= 7 and grade.missing == []


WRONG_DROPOUT = (
    "Attention dropout switches off whole attention heads at random during inference, so the "
    "model gives varied answers; it has nothing to do with training or overfitting."
)


def test_a_confident_wrong_answer_scores_low_however_on_topic(grader, bank):
    """It shares the topic's words with the reference but makes none of its points: before the
    coverage ceiling, answers like this scored about 8.5/10."""
    dropout = bank["attention-dropout"]
    wrong = grader.grade_sync(ask(dropout, WRONG_DROPOUT))
    right = grader.grade_sync(ask(dropout, ATTENTION_DROPOUT))
    assert wrong.score <= 3 < right.score - 3


def test_the_score_follows_the_covered_share(grader, bank):
    """More key points made, a higher ceiling: one point, then three, of the same question."""
    dropout = bank["attention-dropout"]
    one = grader.grade_sync(ask(dropout, "It zeroes random attention weights after the softmax."))
    full = grader.grade_sync(ask(dropout, ATTENTION_DROPOUT))
    assert len(one.covered) < len(full.covered)
    assert one.score < full.score
