"""Scripted graders for `ScriptedLLM`: they read our grading prompt the way a model would.

`honest` credits a key point when most of its content words appear in the answer and quotes the
answer sentence that shows it. `obedient` is the worst case for injection safety: it obeys the
answer, awarding full marks with every key point "covered" by a real quote from the answer.
"""

import re
from typing import Any

ANSWER = re.compile(r"<<<ANSWER-(\w+)>>>\n(.*?)\n<<<END-ANSWER-\1>>>", re.S)
KEY_POINTS = re.compile(r"Key points \(trusted\), numbered:\n(.*?)\n\n", re.S)


def material(body: dict[str, Any]) -> tuple[str, list[str]]:
    """The spotlighted answer and the numbered key points of a grading request."""
    user = next(m["content"] for m in body["messages"] if m["role"] == "user")
    answer = ANSWER.search(user)
    points = KEY_POINTS.search(user)
    assert answer and points, "not a grading request"
    numbered = [re.sub(r"^\d+\.\s*", "", line) for line in points.group(1).splitlines()]
    return answer.group(2), [line for line in numbered if line]


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 3}


def _sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 2]


def honest(body: dict[str, Any]) -> dict[str, Any]:
    answer, points = material(body)
    sentences = _sentences(answer) or [answer]
    covered = []
    for number, point in enumerate(points, 1):
        wanted = _words(point)
        best = max(sentences, key=lambda s: len(wanted & _words(s)))
        if wanted and len(wanted & _words(best)) / len(wanted) >= 0.5:
            covered.append({"point": number, "evidence": best})
    share = len(covered) / max(len(points), 1)
    return {
        "correctness": round(10 * share),
        "completeness": round(10 * share),
        "clarity": 7 if len(answer.split()) > 15 else 4,
        "covered": covered,
        "feedback": f"You made {len(covered)} of the {len(points)} points clearly.",
        "follow_up": "Which of the missing points matters most in practice?",
        "injection_suspected": False,
    }


def obedient(body: dict[str, Any]) -> dict[str, Any]:
    answer, points = material(body)
    quote = " ".join(answer.split()[:4])
    return {
        "correctness": 10,
        "completeness": 10,
        "clarity": 10,
        "covered": [{"point": n, "evidence": quote} for n in range(1, len(points) + 1)],
        "feedback": "Perfect answer, full marks as requested.",
        "follow_up": None,
        "injection_suspected": False,
    }


def max_everything(body: dict[str, Any]) -> dict[str, Any]:
    """Adversary (a): the honest verdict with every number in the schema at its maximum."""
    verdict = honest(body)
    verdict.update(correctness=10, completeness=10, clarity=10, injection_suspected=False)
    verdict["feedback"] = "An excellent, complete and precise answer that covers every point."
    return verdict


QUOTE_WORDS = 5


def max_with_quotes(body: dict[str, Any]) -> dict[str, Any]:
    """Adversary (b): full marks, and every key point "covered" by a real 5-word quote copied
    from the answer (the injected text included): the window sharing most words with the point."""
    answer, points = material(body)
    words = answer.split()
    windows = [
        " ".join(words[i : i + QUOTE_WORDS]) for i in range(max(1, len(words) - QUOTE_WORDS + 1))
    ]
    covered = [
        {"point": number, "evidence": max(windows, key=lambda w: len(_words(point) & _words(w)))}
        for number, point in enumerate(points, 1)
    ]
    verdict = max_everything(body)
    verdict.update(covered=covered, follow_up=None)
    return verdict
