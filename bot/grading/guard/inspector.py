"""The public guard: InjectionGuard.inspect() and the GuardVerdict it returns."""

from dataclasses import dataclass, field

from bot.grading.guard.decoders import decoded_payloads
from bot.grading.guard.normalise import normalise
from bot.grading.guard.scan import scan
from bot.grading.guard.spans import Span, injected_span, original_span


@dataclass(frozen=True)
class GuardVerdict:
    signals: tuple[str, ...] = ()
    spans: tuple[Span, ...] = field(default=(), repr=False)

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
            elif end > position:
                position = end
        kept.append(text[position:])
        return " ".join(part.strip() for part in kept if part.strip())


class InjectionGuard:
    def inspect(self, answer: str, boundary: str | None = None) -> GuardVerdict:
        text, index, obf = normalise(answer)
        found = scan(text)
        signals = [name for name, _ in found]
        spans = [
            injected_span(answer, original_span(index, span, len(answer))) for _, span in found
        ]
        if any(any(obf[s:e]) for _, (s, e) in found):
            signals.append("obfuscated_text")
        if boundary and boundary.lower() in answer.lower():
            signals.append("boundary_collision")
        if not found:
            for name, span in decoded_payloads(answer, text):
                signals.append(name)
                if span != (0, 0):
                    spans.append(span)
        return GuardVerdict(tuple(dict.fromkeys(signals)), tuple(spans))
