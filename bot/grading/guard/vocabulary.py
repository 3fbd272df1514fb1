"""Regex fragments shared by several detectors: polite fillers, vocatives, the grader's names."""

# Possessive (`*+`): "{POLITE}{VOCATIVE}{POLITE}" would otherwise try every split of a run of
# fillers ("and and and …") between its two halves, at every clause start: cubic time.
POLITE = (
    r"(?:(?:please|kindly|just|now|simply|then|also|so|only|first|finally|instead|always|and)\s+)*+"
)
VOCATIVE = r"(?:[\w ]{1,25}[,:]\s+)?"
AGENT = r"(?:grader|evaluator|examiner|assessor|marker|reviewer|judge|scorer|rater|corrector)"
AGENTS = "grader|evaluator|examiner|assessor|marker|reviewer|judge|scorer|rater|corrector"
