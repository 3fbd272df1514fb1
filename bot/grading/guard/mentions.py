"""Discussion is not an instruction: quoted text and spans introduced as an example."""

import re

from bot.grading.guard.spans import Span

# Does a span read as discussion? Looked for just before it in the same sentence.
_MENTION = re.compile(
    r"(?:\blike\b|\bsuch as\b|\be\.?g\b|\bfor (?:example|instance)\b|\bi\.e\b|\bcalled\b"
    r"|\bknown as\b|\bsay(?:s|ing)?\b|\bsaid\b|\btyp(?:e|es|ed|ing)\b"
    r"|\bwrit(?:e|es|ing|ten)\b|\bwrote\b"
    r"|\btell(?:s|ing)?\b|\bask(?:s|ed|ing)?\b|\binstruct(?:s|ed|ing)\b|\bcontain(?:s|ing)?\b"
    r"|\binclud(?:e|es|ed|ing)\b|\binject\w*|\bjailbreak\w*|\battack\w*|\bpayload\w*|\bphrase\w*"
    r"|\bstrings?\b|\bexamples?\b|\bclassic\b|\bpatterns?\b|\btemplates?\b|\bformats?\b"
    r"|\bmarkers?\b|\btokens?\b|\btags?\b|\bquot\w+|\bliteral\w*|\bhidden text\b|\bwhite text\b"
    r"|\bcomo\b|\bpor ejemplo\b|\bcomme\b|\bpar exemple\b|\bwie\b|\bzum beispiel\b|\bz\. ?b\b"
    r"|\bpor exemplo\b|\bcome\b|\bad esempio\b|\bнапример\b|\bвроде\b|\bтипа\b"
    r"|\bpidiendo\b|\bpide\b|\bpedir\b|\bpedindo\b|\bpede\b|\bdemand\w+|\bchiedendo\b|\bchiede\b"
    r"|\bbittet\b|\bauff?ordert\b|\bпрос\w+|\bпросьб\w+|\bпишет\b"
    r"|例如|比如|类似|要求模型|让模型|告诉模型|写着?|输入|と書|書かれ|書き込|と入力|입력|라고"
    r"|例えば|のように|などの|예를 들어|같은|요청|\bजैसे\b|\bकहता\b|\bمثل\b|\bيطلب\b|\börneğin\b"
    r"|\bgibi\b|\bisteyen\b|\bví dụ\b|\bkiểu\b|\byêu cầu\b|\bmisalnya\b|\bseperti\b|\bmeminta\b)",
    re.I,
)
QUOTED = re.compile(
    r"(?<![\w\"])\"[^\"\n]{3,200}\"|“[^”\n]{3,200}”|„[^“”\n]{3,200}[“”]|(?<!\w)'(?:[^'\n]|'(?=\w)){3,200}'(?!\w)|‘[^’\n]{3,200}’|‚[^‘’\n]{3,200}[‘’]"
    r"|«[^»\n]{3,200}»|「[^」\n]{3,200}」|『[^』\n]{3,200}』|《[^》\n]{3,200}》|(?<!`)`[^`\n]{3,200}`(?!`)|```.*?```|~~~.*?~~~",
    re.S,
)


def is_mention(text: str, start: int, quoted: list[Span]) -> bool:
    """Quoted, in code, or introduced as an example earlier in the sentence: not issued."""
    if any(s <= start < e for s, e in quoted):
        return True
    line = text.rfind("\n", 0, start) + 1
    lead = text[line:start]
    before = text[max(0, line - 200) : line].rstrip()
    if before.endswith(":"):  # an example introduced on the line before ("… looked like this:")
        lead = before.rsplit("\n", 1)[-1] + " " + lead
    lead = re.split(r"(?<![.])(?<!e\.g)(?<!i\.e)[.!?。！？](?![.])(?:\s|$)", lead[-160:])[-1]
    return bool(_MENTION.search(lead))
