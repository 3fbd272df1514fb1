"""A deterministic check of answers for attempts to steer the grader.

It looks for instructions aimed at the grader (in the bot's languages), role or system markers,
fake scores or grading JSON, encoded payloads (base64, hex, rot13) that decode to such
instructions, and the per-call boundary token. Mentions in quotes ("attacks such as 'ignore
previous instructions'") are discussion, not instructions, unless they also ask for a score.
The spans it finds are returned so the offline evidence can be computed without them.
"""

import base64
import binascii
import codecs
import re
from dataclasses import dataclass, field

_OVERRIDE = [
    r"\b(?:ignore|disregard|forget|override|bypass)\b.{0,40}\b(?:instructions?|prompts?|rules?|rubric|guidelines|above|previous|prior)\b",
    r"\byou are (?:now|no longer)\b",
    r"\bnew (?:instructions?|task|rules)\s*:",
    r"\b(?:new|updated|real|actual|hidden) (?:system|developer) (?:prompt|message|instructions?)\b|\bsystem override\b",
    r"\bignora(?:r)? (?:las|todas las|le|tutte le) (?:instrucciones|istruzioni)",
    r"\bignor(?:e|ez|er) (?:les|toutes les) (?:instructions|consignes)",
    r"\bignoriere? (?:alle |die )?(?:vorherigen |obigen )?(?:anweisungen|instruktionen)",
    r"\bignore as instruções|\besqueça as instruções",
    r"игнорир\w* .{0,30}инструкц|забудь\w* .{0,30}инструкц",
    r"忽略.{0,8}(?:指令|指示|说明|提示)|无视.{0,8}(?:指令|指示)",
    r"指示を無視|命令を無視",
    r"지시(?:를|사항을)? 무시",
    r"निर्देशों? को (?:अनदेखा|नज़रअंदाज़|नजरअंदाज)",
    r"تجاهل .{0,20}(?:التعليمات|الأوامر)",
    r"talimatları (?:yok say|görmezden gel)",
    r"bỏ qua .{0,20}(?:hướng dẫn|chỉ dẫn)",
    r"abaikan .{0,20}(?:instruksi|perintah)",
]
_SCORE_REQUEST = [
    r"\b(?:give|assign|award|grant)\b.{0,40}\b(?:10|ten|full marks?|maximum|max(?:imum)? (?:score|points)|perfect|100\s?%|top (?:score|marks?))\b",
    r"\b(?:rate|score|grade|mark) (?:this|my|the) (?:answer|response|submission)\b.{0,30}\b(?:10|ten|full|maximum|perfect|highly|excellent)\b",
    r"\b(?:10|ten)\s*(?:/|out of)\s*10\b",
    r"\b(?:grader|evaluator|examiner|reviewer|assessor|grading (?:model|system)|ai judge)\b.{0,60}\b(?:must|should|will|has been|is instructed|note|please)\b",
    r"\bnote to the (?:grader|evaluator|examiner|reviewer)\b",
    r"\b(?:this|the) answer (?:has been|was|is) (?:verified|approved|certified|pre-?graded)\b",
    r"\b(?:be|stay) (?:lenient|generous)\b",
    r"(?:da|dale|pon|asigna)(?:le)? .{0,20}(?:10|diez|la máxima|puntuación máxima|nota máxima)",
    r"(?:donne|attribue|mets)(?:z)? .{0,20}(?:10|dix|la note maximale|note maximale)",
    r"(?:gib|vergib|bewerte)\w* .{0,30}(?:10|zehn|volle punktzahl|höchste punktzahl|bestnote)",
    r"(?:dê|atribua) .{0,20}(?:10|dez|nota máxima)",
    r"(?:максимальн\w* (?:балл|оценк)|постав\w* .{0,20}10)",
    r"满分|给.{0,6}10\s*分|打.{0,4}10\s*分|最高分",
    r"満点|10点を",
    r"만점|10점을",
    r"पूरे अंक|10 (?:में से 10|अंक)",
]
_ROLE_MARKERS = [
    r"<\|(?:im_start|im_end|system|assistant|user|endoftext)\|>",
    r"\[/?INST\]|<<SYS>>|<\/?s>",
    r"(?m)^\s*#{2,}\s*(?:instruction|system|response)\b",
    r"(?m)^\s*(?:system|assistant|grader|evaluator)\s*:",
    r"</?(?:system|instructions?|answer|candidate_answer|grading)>",
    r"\bend of (?:the )?(?:candidate(?:'s)? )?answer\b",
]
_FAKE_GRADE = [
    r"[\"']?(?:score|grade|final_score|points|rating|correctness|completeness)[\"']?\s*[:=]\s*\"?(?:10|9|[1-9]\d)(?:\.0+)?\b",
    r"\{\s*\"(?:score|grade|covered|feedback|criteria)\"",
]
_QUOTED = re.compile(
    r"(?<!\w)(?:\"[^\"\n]{3,160}\"|“[^”\n]{3,160}”|'[^'\n]{3,160}'(?!\w)|‘[^’\n]{3,160}’"
    r"|«[^»\n]{3,160}»|「[^」\n]{3,160}」|`[^`\n]{3,160}`)"
)
_MENTION = re.compile(
    r"(?:\blike|such as|e\.g\.,?|for example|for instance|called|e\.g|i\.e\.,?)\s*\(?$", re.I
)
_BASE64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=])")
_HEX = re.compile(r"\b(?:[0-9a-fA-F]{2}[\s:]?){16,}\b")
_BOUNDARY_LIKE = re.compile(r"<{2,}\s*/?\s*(?:answer|untrusted|data)|ANSWER-[0-9a-f]{8,}", re.I)


def _compile(patterns: list[str]) -> list[re.Pattern[str]]:
    return [re.compile(pattern, re.I | re.S) for pattern in patterns]


@dataclass(frozen=True)
class GuardVerdict:
    signals: tuple[str, ...] = ()
    spans: tuple[tuple[int, int], ...] = field(default=(), repr=False)

    @property
    def flagged(self) -> bool:
        return bool(self.signals)

    def without_spans(self, text: str) -> str:
        """The answer with the suspicious spans cut out (for evidence that can't be gamed)."""
        kept, position = [], 0
        for start, end in sorted(self.spans):
            if start >= position:
                kept.append(text[position:start])
                position = end
        kept.append(text[position:])
        return " ".join(part.strip() for part in kept if part.strip())


class InjectionGuard:
    def __init__(self) -> None:
        self._override = _compile(_OVERRIDE)
        self._score = _compile(_SCORE_REQUEST)
        self._roles = _compile(_ROLE_MARKERS)
        self._fake = _compile(_FAKE_GRADE)

    def inspect(self, answer: str, boundary: str | None = None) -> GuardVerdict:
        signals: list[str] = []
        spans: list[tuple[int, int]] = []
        quoted = [match.span() for match in _QUOTED.finditer(answer)]

        def scan(name: str, patterns: list[re.Pattern[str]], *, quotes_excuse: bool) -> None:
            for pattern in patterns:
                for match in pattern.finditer(answer):
                    if quotes_excuse and _is_mention(answer, match.start(), quoted):
                        continue
                    spans.append(_injected_span(answer, match.span()))
                    if name not in signals:
                        signals.append(name)

        scan("instruction_to_grader", self._override, quotes_excuse=True)
        scan("score_request", self._score, quotes_excuse=False)
        scan("role_marker", self._roles, quotes_excuse=True)
        scan("fake_grade", self._fake, quotes_excuse=False)
        if (boundary and boundary.lower() in answer.lower()) or _BOUNDARY_LIKE.search(answer):
            signals.append("boundary_collision")
        for name, decoded, span in self._decoded(answer):
            if self._is_instruction(decoded):
                signals.append(name)
                spans.append(span)
        return GuardVerdict(tuple(dict.fromkeys(signals)), tuple(spans))

    def _decoded(self, answer: str):
        for match in _BASE64.finditer(answer):
            text = _printable(_b64(match.group()))
            if text:
                yield "encoded_base64", text, match.span()
        for match in _HEX.finditer(answer):
            digits = re.sub(r"[\s:]", "", match.group())
            try:
                text = _printable(bytes.fromhex(digits[: len(digits) // 2 * 2]))
            except ValueError:
                text = None
            if text:
                yield "encoded_hex", text, match.span()
        rotated = codecs.decode(answer, "rot13")
        if self._is_instruction(rotated, letters_only=True) and not self._is_instruction(
            answer, letters_only=True
        ):
            yield "encoded_rot13", rotated, (0, 0)

    def _is_instruction(self, text: str, *, letters_only: bool = False) -> bool:
        patterns = [*self._override, *self._score, *self._fake]
        for pattern in patterns:
            for match in pattern.finditer(text):
                # rot13 leaves digits alone: "10/10" in plain text is no rot13 payload.
                if not letters_only or sum(ch.isalpha() for ch in match.group()) >= 6:
                    return True
        return False


def _is_mention(text: str, start: int, quoted: list[tuple[int, int]]) -> bool:
    """Quoted, or introduced as an example ("markers like <<SYS>>"): discussed, not issued."""
    if any(s <= start < e for s, e in quoted):
        return True
    return bool(_MENTION.search(text[max(0, start - 24) : start]))


def _b64(token: str) -> bytes:
    try:
        return base64.b64decode(token + "=" * (-len(token) % 4), validate=False)
    except (binascii.Error, ValueError):
        return b""


def _printable(data: bytes) -> str | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    letters = sum(ch.isalpha() or ch.isspace() for ch in text)
    return text if text and letters / len(text) > 0.8 else None


def _injected_span(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """The sentence around a match, or the whole JSON object when the match opens one."""
    opening = text.rfind("{", 0, span[1])
    if opening != -1 and "}" not in text[opening : span[0]]:
        depth = 0
        for index in range(opening, len(text)):
            depth += {"{": 1, "}": -1}.get(text[index], 0)
            if depth == 0:
                return opening, index + 1
        return opening, len(text)
    return _sentence_span(text, span)


def _sentence_span(text: str, span: tuple[int, int]) -> tuple[int, int]:
    """Widen a match to its sentence, so the whole injected instruction is cut out."""
    start = max(text.rfind(mark, 0, span[0]) for mark in (".", "!", "?", "\n")) + 1
    ends = [i for i in (text.find(mark, span[1]) for mark in (".", "!", "?", "\n")) if i != -1]
    return start, (min(ends) + 1 if ends else len(text))
