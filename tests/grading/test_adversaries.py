"""An obeying model cannot inflate a wrong answer: the score is bounded by verified evidence.

The adversaries are scripted OpenAI-compatible models on loopback (`grader_responders`):
`max_everything` puts every number at its maximum, `max_with_quotes` also files every key point
as covered with a real 5-word quote from the answer, injected text included.
"""

from collections import Counter

from bot.grading.offline import OfflineGrader
from bot.grading.verdict import (
    EVIDENCE_BOUNDED,
    EVIDENCE_MARGIN,
    EVIDENCE_REJECTED,
    score_ceiling,
    weighted_score,
)
from tests.fakes import grader_responders
from tests.fakes.openai_server import ScriptedLLM
from tests.grading.adversaries import bench, load_attacks, request_for
from tests.grading.test_llm_grader import GOOD, INJECTION, WRONG, dropout, make_app  # noqa: F401

FRESH_STYLES = {
    "split_instruction",
    "acrostic",
    "role_play",
    "fake_errata",
    "base32",
    "other_language",
}


async def test_injected_wrong_answers_gain_at_most_one_point_over_their_honest_grade(
    tmp_path, model_dir, embedder
):
    attacks = load_attacks(every=20)  # all fresh attacks, a twentieth of the guard's older set
    fresh = Counter(a.kind for a in attacks if a.source == "fresh")
    assert sum(fresh.values()) >= 50 and set(fresh) == FRESH_STYLES

    async with bench(tmp_path, model_dir, embedder) as graders:
        outcomes = [await graders.outcome(attack) for attack in attacks]

    inflated = [(o.gain, o.scores, o.attack.answer[:80]) for o in outcomes if o.gain > 1]
    assert inflated == []


async def test_real_quotes_that_do_not_support_their_key_points_earn_nothing(
    tmp_path,
    model_dir,
    embedder,
    dropout,  # noqa: F811
):
    async with ScriptedLLM(responder=grader_responders.max_with_quotes) as server:
        app = await make_app(tmp_path, model_dir, embedder, server)
        grade = await app.grading.grade(request_for(dropout, WRONG + INJECTION))
        sent = server.requests[-1]
    verdict = grader_responders.max_with_quotes(sent)
    assert all(item["evidence"] in WRONG + INJECTION for item in verdict["covered"])
    assert grade.covered == [] and EVIDENCE_REJECTED in grade.flags
    assert grade.score <= EVIDENCE_MARGIN


async def test_top_correctness_and_clarity_cannot_lift_a_score_past_its_evidence(
    tmp_path,
    model_dir,
    embedder,
    dropout,  # noqa: F811
):
    partial = GOOD.split(". It stops")[0] + "."  # the first two key points only
    async with ScriptedLLM(responder=grader_responders.max_everything) as server:
        app = await make_app(tmp_path, model_dir, embedder, server)
        grade = await app.grading.grade(request_for(dropout, partial))
        offline = await OfflineGrader(embedder).grade(request_for(dropout, partial))
    assert grade.criteria["correctness"] == 10 and grade.criteria["clarity"] == 10
    assert 1 <= len(grade.covered) <= 2
    ceiling = score_ceiling(len(grade.covered), len(dropout.key_points), offline.score)
    assert grade.score == ceiling < weighted_score(grade.criteria, app.settings.grading_weights)
    assert EVIDENCE_BOUNDED in grade.flags


async def test_an_honest_grade_of_a_good_answer_keeps_its_verified_points(
    tmp_path,
    model_dir,
    embedder,
    dropout,  # noqa: F811
):
    async with ScriptedLLM(responder=grader_responders.honest) as server:
        app = await make_app(tmp_path, model_dir, embedder, server)
        grade = await app.grading.grade(request_for(dropout, GOOD))
        claimed = grader_responders.honest(server.requests[-1])["covered"]
    assert len(grade.covered) == len(claimed) >= 3  # every honest claim was verified
    assert EVIDENCE_BOUNDED not in grade.flags and EVIDENCE_REJECTED not in grade.flags
