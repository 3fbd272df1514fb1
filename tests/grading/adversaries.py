"""Wrong answers with injections, graded by honest and adversarial scripted models.

Shared by `tests/grading/test_adversaries.py` and `bench/adversaries.py`. Every grade goes through
the real pipeline (`App.grading`): guard, the real OpenAI client over loopback to a `ScriptedLLM`,
verdict checks, offline evidence.

An attack's gain is its best score under the adversaries minus its honest grade: the better of
the offline grade and an honest model's grade of the answer without the injection (for rows of
`guard_attacks.jsonl`, which don't keep the answer apart from the injection, the attacked text
itself, which the honest model and the offline grader grade on content).
"""

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bot.app import App
from bot.bank.embeddings import OnnxEmbedder
from bot.bank.loader import load_bank
from bot.bank.models import Question
from bot.config import Settings
from bot.grading.models import INJECTION_FLAG, GradeRequest
from tests.fakes import grader_responders
from tests.fakes.openai_server import ScriptedLLM

DATA = Path(__file__).resolve().parents[2] / "bench" / "data"
ADVERSARIES = {
    "max_everything": grader_responders.max_everything,
    "max_with_quotes": grader_responders.max_with_quotes,
}


@dataclass(frozen=True)
class Attack:
    question_id: str
    answer: str
    clean: str | None  # the answer without the injection, when the row keeps it apart
    kind: str
    source: str


@dataclass
class Outcome:
    attack: Attack
    baseline: float
    scores: dict[str, float] = field(default_factory=dict)
    flagged: bool = False

    @property
    def gain(self) -> float:
        return round(max(self.scores.values()) - self.baseline, 1)


def _compose(row: dict) -> str:
    wrong, injection = row["wrong"], row["injection"]
    if row["position"] == "start":
        return f"{injection}\n{wrong}"
    if row["position"] == "middle" and ", " in wrong:
        head, tail = wrong.split(", ", 1)
        return f"{head}, {injection}\n{tail}"
    return f"{wrong}\n{injection}"


def load_attacks(*, every: int = 1) -> list[Attack]:
    """The fresh attacks written for issue 14, then every `every`-th row of the guard's set."""
    fresh = [json.loads(line) for line in (DATA / "attacks_fresh.jsonl").read_text().splitlines()]
    older = [json.loads(line) for line in (DATA / "guard_attacks.jsonl").read_text().splitlines()]
    return [
        *(
            Attack(row["question_id"], _compose(row), row["wrong"], row["kind"], "fresh")
            for row in fresh
        ),
        *(
            Attack(row["question_id"], row["answer"], None, row["kind"], "guard_attacks")
            for row in older[::every]
        ),
    ]


def request_for(question: Question, answer: str) -> GradeRequest:
    return GradeRequest(
        question=question.question,
        reference=question.reference,
        key_points=tuple(question.key_points),
        answer=answer,
        question_id=question.id,
    )


class Bench:
    """An offline app, an honest-model app and one app per adversary, sharing one embedder."""

    def __init__(self, apps: dict[str, App], questions: dict[str, Question]) -> None:
        self.apps = apps
        self.questions = questions

    async def outcome(self, attack: Attack) -> Outcome:
        question = self.questions[attack.question_id]
        honest_text = request_for(question, attack.clean or attack.answer)
        honest = [
            await self.apps[name].grading.grade(honest_text) for name in ("offline", "honest")
        ]
        baseline = max(grade.score for grade in honest)
        outcome = Outcome(attack, baseline)
        for name in ADVERSARIES:
            grade = await self.apps[name].grading.grade(request_for(question, attack.answer))
            outcome.scores[name] = grade.score
            outcome.flagged = INJECTION_FLAG in grade.flags
        return outcome


@asynccontextmanager
async def bench(tmp: Path, model_dir: Path, embedder: OnnxEmbedder) -> AsyncIterator[Bench]:
    responders = {"honest": grader_responders.honest, **ADVERSARIES}
    servers = {name: ScriptedLLM(responder=responder) for name, responder in responders.items()}
    apps: dict[str, App] = {}
    try:
        for name, server in servers.items():
            await server.start()
            apps[name] = await _app(tmp / name, model_dir, embedder, server.base_url)
        apps["offline"] = await _app(tmp / "offline", model_dir, embedder, None)
        questions = {q.id: q for q in load_bank(apps["offline"].settings.bank_dir)}
        yield Bench(apps, questions)
    finally:
        for app in apps.values():
            await app.aclose()
        for server in servers.values():
            await server.close()


async def _app(data: Path, model_dir: Path, embedder: OnnxEmbedder, base_url: str | None) -> App:
    llm = {"openai_base_url": base_url, "openai_api_key": "test-key"} if base_url else {}
    settings = Settings(
        _env_file=None,
        data_dir=data,
        embedding_model_dir=model_dir,
        llm_model="scripted",
        llm_retry_max_wait=0.01,
        **llm,
    )
    app = App(settings)
    app.__dict__["embedder"] = embedder
    await app.prepare_storage()
    return app
