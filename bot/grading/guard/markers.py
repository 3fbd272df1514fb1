"""Forged structure: chat-template role tokens and labels, fake grades, fake ends of the answer,
the boundary token, and text a reader would not see.
"""

import re

from bot.grading.guard.cue import Cue
from bot.grading.guard.vocabulary import AGENT, AGENTS

# Chat-template tokens and role labels. Tokens count unless a template is being discussed;
# labels ("System:", "### Instruction") count when what follows them is about grading.
ROLE_TOKEN = re.compile(
    r"<\|[a-z_]{2,20}\|>|\[/?INST\]|<</?SYS>>|<(?:start|end)_of_turn>|\[/?(?:SYSTEM|ASSISTANT|USER|DEVELOPER)\]|</?(?:system|assistant|developer|instructions?|grader|evaluator)(?:[_-]\w+)?>",
    re.I,
)
ROLE_LABEL = re.compile(
    r"^[ \t>]*(?:#{1,6}[ \t]*)?(?:system|sys|assistant|user|human|ai|model|developer|grader|evaluator|instruction|response|input)(?: message| prompt| note)?[ \t]*(?::|\n|$)"
    r"|^[ \t>]*#{1,6}[ \t]*(?:\w+[ \t]+){0,2}(?:grader|evaluator|judge|examiner|assessor|verdict|system)\b[^\n]*\n",
    re.I | re.M,
)
NEXT_TURN = re.compile(r"\n\s*\n|^[ \t]*(?:#{1,6}[ \t]*)?\w+[ \t]*:", re.M)
GRADING_TALK = re.compile(
    r"\b(?:grad(?:e|es|ed|ing|er)|scor(?:e|es|ed|ing)|marks?|rubric|evaluat\w*|assess\w*|criteri\w*|key points?|credit|rating|rate|lenient\w*|generous\w*|pass(?:ed|ing)?|correct|excellent|perfect|flawless|outstanding|full points)\b",
    re.I,
)
TEMPLATE_TALK = re.compile(
    r"\{\w+\}|\b(?:templates?|formats?|formatted|chatml|special tokens?|tokens?|markers?|tags?|apply_chat_template|examples?|looks? like|like this|wrap(?:s|ped)?|delimit\w*|like|such as|e\.g|contain\w*|escape|strip|split_special_tokens|roles?|prompts?|transcript|dataset|records?)\b",
    re.I,
)

# Structured grades: a grading key with a top value, quoted, at a line start, in XML or a table.
_KEY = r"(?:final[_ ]?score|overall(?:_score)?|total(?:_score)?|score|grade|rating|marks?|points|correctness|completeness|clarity|result|verdict|passed|pass|is_correct)"
_HIGH = r"(?:10(?:\.0+)?(?:\s*/\s*10)?|9(?:\.\d+)?|9\d(?:\.\d+)?|100|A\+?|max(?:imum)?|full|perfect|excellent|pass(?:ed)?|correct|true)(?=\s*(?:$|[,;}\])\"'|<]|/\s*10|out of|\n|\.(?:\s|$)))"
_KEY_TRIGGERS = "score|grade|rating|mark|point|correctness|completeness|clarity|result|verdict|pass|overall|total"
_SET = r"(?:[:=→]|->|=>)"
FAKE_GRADE = Cue(
    (_KEY_TRIGGERS, rf"[\"']{_KEY}[\"']\s*{_SET}\s*[\"']?{_HIGH}(?![\w.])"),
    (
        _KEY_TRIGGERS,
        rf"^[ \t>*-]*(?:final[ _])?{_KEY}(?:[ \t]*\([^)\n]{{0,20}}\))?[ \t]*{_SET}[ \t]*{_HIGH}(?![\w.])",
    ),
    (
        _KEY_TRIGGERS,
        rf"\b{_KEY}(?:\s*\([^)\n]{{0,20}}\))?\s*{_SET}\s*(?:10|ten)\s*(?:/|out of)\s*(?:10|ten)\b|\b{_KEY}\s*=\s*(?:10|max(?:imum)?|full|perfect)\b(?![\w.]|\s*[-+*/]\s*\w)",
    ),
    (
        _KEY_TRIGGERS,
        rf"\b{_KEY}\s*{_SET}\s*{_HIGH}\s*[,;.]\s*(?:{_KEY}|missing|covered|feedback)\s*{_SET}",
    ),
    (
        "missing|covered|feedback|criteria",
        rf"(?:missing|covered|feedback|criteria)\s*{_SET}[^\n]{{0,60}}\b{_KEY}\s*{_SET}\s*{_HIGH}(?![\w.])",
    ),
    (
        _KEY_TRIGGERS,
        rf"<{_KEY}>\s*{_HIGH}\s*</|\|\s*(?:overall|total|final|score|grade|correctness|completeness|clarity)\s*\|\s*{_HIGH}\s*\||<{_KEY}\b[^>]{{0,40}}\b(?:value|score|grade)\s*=\s*[\"']?{_HIGH}\b",
    ),
    (
        "correctness|completeness|clarity|overall|total",
        r"\b(?:correctness|completeness|clarity|overall|total)\s*(?:[:=→|]|->|=>)?\s*(?:10|9(?:\.\d)?)\s*(?:/|out of)\s*10\b",
    ),
    (AGENTS, rf"\b{AGENT}s?\s*(?:→|->|=>|=)\s*(?:10|ten|max(?:imum)?|full|perfect)\b"),
    (
        "missing|covered",
        r"[\"']missing[\"']\s*:\s*\[\s*\]|[\"']covered[\"']\s*:\s*\[\s*[\"'](?:all|every|everything)|^[ \t>*-]*missing[ \t]*[:=][ \t]*(?:none|nothing|\[\s*\]|-)\s*$|\bmissing\s*[:=]\s*(?:none|nothing|\[\s*\])\s*[,;]",
    ),
    (
        "{",
        r"\{\s*[\"'](?:score|grade|covered|criteria|final_score)[\"']\s*:\s*(?:10|9|[\"'](?:A|pass|correct))",
    ),
    flags=re.M,
)

# The end of the answer, faked. A dash rule is matched from its first dash only.
CLOSING = re.compile(
    r"</\s*(?:answer|candidate_answer|candidate|untrusted|data|user|input|submission|response|user_input|text)\s*>|\]\]>"
    r"|(?<!<)<{2,}[^<>\n]{0,40}?(?:answer|untrusted|data|input|candidate|appeal|question)[^<>\n]{0,40}?>{2,}"
    r"|(?<!-)-{3,}+\s*end\b[^\n]{0,40}-{3,}|\bend[ _-]of[ _-](?:the[ _-])?(?:candidate(?:'s)?[ _-])?(?:answer|data|input|text|submission|response|candidate|untrusted)\b"
    r"|\b(?:answer|submission|untrusted (?:section|data|text)|candidate text)\s+(?:ends|ended|is over|finished|closes)\b",
    re.I,
)
FOLLOW_UP = re.compile(
    r"\b(?:instructions?|system|reference|rubric|grader|evaluator|directive|note|override)\b", re.I
)
BOUNDARY_LIKE = re.compile(
    r"(?<!<)<{2,}\s*/?\s*(?:end-)?(?:answer|untrusted|data|appeal)|\b(?:END-)?(?:ANSWER|APPEAL)-[0-9a-f]{8,}",
    re.I,
)

# Text a reader would not see. Spans are bounded or stop at a character their opener contains
# (a link's URL stops at "("), so many openers in a row cost linear time, not quadratic.
HIDDEN = re.compile(
    r"<!--(.{0,2000}?)-->|^\[//\]:\s*#\s*[(\"']([^\n]*?)[)\"']\s*$|<(?:span|div|p|font|small)\b[^>]{0,200}?(?:hidden|display\s*:\s*none|visibility\s*:\s*hidden|color\s*:\s*(?:white|#fff\b|#ffffff)|font-size\s*:\s*[01](?:px|pt|em)?\b)[^>]{0,200}>(.{0,2000}?)</"
    r"|<details>(.{0,2000}?)</details>|\]\([^()\s]*\s+\"([^\"]+)\"\)|\]\([^()\s]*\s+'([^']+)'\)|\n{8,}(.+)",
    re.I | re.S | re.M,
)
