"""Recognise answers that say nothing: "No response.", "I don't know", "-", an empty form.

Human graders give these 0 whatever the question; an embedding model would still find them
somewhat similar to a reference, so they are recognised by their words instead.
"""

import re

_NON_ANSWERS = re.compile(
    r"""^\W*(?:
        (?:no|empty|blank|missing)\s+(?:response|submission|answer|reply)
      | (?:i\s+)?(?:do\s*n[o']?t|dont)\s+know
      | (?:i\s+)?(?:have\s+)?no\s+idea
      | idk | n/?a | none | nothing | pass | skip(?:ped)? | \?+ | -+
      | keine?\s+(?:antwort|abgabe|einreichung|ahnung) | leere?\s+(?:antwort|abgabe)
      | (?:ich\s+)?wei(?:ß|ss)\s+(?:es\s+)?nicht
      | no\s+s[eé] | je\s+ne\s+sais\s+pas | sin\s+respuesta | pas\s+de\s+r[ée]ponse
    )\W*$""",
    re.IGNORECASE | re.VERBOSE,
)


def is_non_answer(text: str) -> bool:
    """True for an empty answer or one of the usual ways of giving none."""
    stripped = text.strip()
    return not stripped or bool(_NON_ANSWERS.match(stripped))
