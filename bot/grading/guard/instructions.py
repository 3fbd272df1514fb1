"""Instructions to the grader: overrides of the rubric or of instructions, new tasks and personas,
secrecy, claims of authority or of a changed policy, in many languages.
"""

from bot.grading.guard.cue import Cue
from bot.grading.guard.vocabulary import POLITE, VOCATIVE

# Override verbs, and what they are aimed at: the grading material, or instructions in general.
_OVERRIDE_VERB = r"(?:ignore|disregard|forget|override|bypass|discard|set aside|put aside|abandon|dismiss|scrap|throw out|neglect|overlook|look past|pay no attention to|never mind|(?:do not|don't|dont|no need to|stop|don't bother|do not bother)\s+(?:use|follow|apply|consider|look at|check|compar\w*|grad\w*|scor\w*|obey|following|using|applying|checking))"
_OVERRIDE_TRIGGERS = "bother|ignor|disregard|forget|overrid|bypass|discard|drop|skip|aside|abandon|dismiss|scrap|throw out|neglect|overlook|look past|attention|never mind|not|don't|dont|no need|stop"
_GRADING_OBJECT = r"(?:rubric|(?:grading|scoring|marking|evaluation|assessment)\s+(?:rubric|rules|criteria|guidelines?|scheme|instructions|polic(?:y|ies)|standards?|grid|guide|key)|marking scheme|key ?points?(?: list)?|reference (?:answer|solution)|the reference(?=\s*(?:[.,;:!?)\n]|$|and\b|or\b|entirely\b|completely\b|when\b))|model answer|answer key|expected (?:answer|solution)|(?:the|your|these|those) criteria|the comparison(?: step| with the \w+)?|(?:reference|key[- ]points?) check)"
_GENERIC_OBJECT = r"(?:(?:(?:all|any|every|the|your|previous|prior|earlier|above|preceding|former|original|existing|initial|system|old|other|those|these|current|given)\s+(?:\w+\s+){0,2}?)?(?:instructions?|guidance|directions?|directives?|rules|prompts?|orders|commands|guidelines|constraints|polic(?:y|ies)|programming)(?!\s+(?:tokens?|templates?|formats?|length|lengths|engineering|cach\w+|injections?|libraries|library|embeddings?|pieces?|parts?|sections?|text|data|examples?|logs?|ids?|masks?|files?|fields?|budget|size)\b)|everything (?:above|before|else|so far|you(?:'ve| have| were)? (?:been )?(?:told|given|read))|what you were told|all of the above|the above)"

# Instructions to the grader that count wherever they are (unless quoted or discussed).
INSTRUCTION = Cue(
    (_OVERRIDE_TRIGGERS, rf"\b{_OVERRIDE_VERB}\b[^.!?\n]{{0,40}}?\b{_GRADING_OBJECT}"),
    (
        "mention|reveal|disclose|repeat|acknowledge|quote|report|flag",
        r"\b(?:do not|don't|dont|never)\s+(?:mention|reveal|disclose|repeat|acknowledge|quote|report|flag)\s+(?:this|these|that|the (?:above|following|hidden))\s+(?:note|instruction|message|text|code|request|line|comment|part|section|sentence)s?\b",
    ),
    (
        "penali|deduct|dock|subtract|take off|mark down|lower the score",
        r"\b(?:do not|don't|dont|never)\s+(?:penali[sz]e|deduct|dock|subtract|take off|mark down|lower the score)\b",
    ),
    (
        "i am",
        r"\bI am (?:the|your) (?:system )?(?:administrator|admin|developer|operator|owner|creator|interviewer|examiner|grader)\b",
    ),
    (
        "override|mode|access|code",
        r"\b(?:admin(?:istrator)?|developer|root|sudo|maintenance|god)\s+(?:override|mode|access|code)\b|\bsystem override\b",
    ),
    (
        "system|developer",
        r"\b(?:new|updated|real|actual|hidden|revised|true) (?:system|developer) (?:prompt|message|instructions?)\b",
    ),
    (
        "instruction|task|rule|objective|goal|polic|orders",
        r"\b(?:new|updated|real|actual|revised|changed|different)\s+(?:instructions?|task|rules?|objective|goal|polic(?:y|ies)|orders)\s*:",
    ),
    (
        "your",
        r"\byour (?:only|new|real|actual|sole|true|primary|one) (?:task|job|objective|goal|role|purpose|instructions?|mission)\b",
    ),
    (
        "grad|scor|evaluator|judge|examiner|assessor|marker",
        r"(?:\byou are(?: now)?|\bpretend (?:to be|you are|you're)|\bact as|\bplay the role of|\brole-?play as)\s+(?:an?\s+|the\s+)?(?:\w+\s+){0,3}?(?:\w*(?:grader|gradebot|scorer|scorebot)\w*|evaluator|judge|examiner|assessor|marker)\b",
    ),
    (
        "follow|obey|execute|do what|act on|carry out|comply|apply",
        r"\b(?:decode|translate|reverse|unscramble|decipher|decrypt|convert|read|complete|finish)\b[^\n]{0,120}?\b(?:then|and|step \d:?)\s+(?:\w+\s+){0,2}?(?:follow|obey|execute|do what|act on|carry out|comply|apply)\b",
    ),
    ("new", r"\bas (?:your|the) new (?:instructions?|task|objective|prompt|rules)\b"),
    (
        "rubric|grading|scoring|evaluation|marking|criteria|reference|key points",
        rf"\b{_GRADING_OBJECT}[^.!?\n]{{0,30}}?\b(?:no longer appl(?:y|ies)|(?:is|are|was|were|has been|have been) (?:now )?(?:void|suspended|withdrawn|waived|lifted|disabled|obsolete|outdated|cancel+ed|replaced|overridden)|(?:does|do) not apply)\b",
    ),
    (
        "grading|scoring|evaluation|marking",
        r"\b(?:grading|scoring|evaluation|marking)\s+(?:policy|policies|rules|guidelines|criteria|mode|instructions|rubric|guide|scheme)\b[^.!?\n]{0,40}\b(?:updated|changed|modified|revised|suspended|overridden|replaced|disabled|lifted|waived|no longer apply)\b|\b(?:updated|new|revised|changed)\s+(?:grading|scoring|evaluation|marking)\s+(?:policy|rules|guidelines|criteria|instructions|mode)\b",
    ),
    # the rubric or the reference answer overridden, in other languages
    (
        "olvida|ignora|omite|descarta|no compares|no tengas|no uses",
        r"(?:olvida|ignora|omite|descarta|no (?:compares|tengas en cuenta|uses))\b[^.!?\n]{0,30}(?:reglas de (?:evaluación|calificación)|criterios de (?:evaluación|calificación)|rúbrica|respuesta de referencia)",
    ),
    (
        "oublie|ignore|tiens pas|tenez pas|compare pas",
        r"(?:oublie|oubliez|ignore|ignorez|ne (?:tiens|tenez) pas compte|ne compare pas)\b[^.!?\n]{0,30}(?:grille|barème|critères d'évaluation|réponse de référence|consignes de (?:notation|correction))",
    ),
    (
        "vergiss|vergessen|ignorier|missachte|nicht",
        r"(?:vergiss|vergessen sie|ignoriere|ignorieren sie|missachte|nicht (?:vergleichen|berücksichtigen))\b[^.!?\n]{0,30}(?:bewertungsschema|bewertungskriterien|bewertungsregeln|musterlösung|referenzantwort)",
    ),
    (
        "desconsidere|ignore|esqueça|não compare",
        r"(?:desconsidere|ignore|esqueça|não compare)\b[^.!?\n]{0,30}(?:critérios de (?:avaliação|correção)|resposta de referência|gabarito)",
    ),
    (
        "ignora|dimentica|non confrontare",
        r"(?:ignora|dimentica|non confrontare)\b[^.!?\n]{0,30}(?:regole di valutazione|criteri di valutazione|risposta di riferimento)",
    ),
    (
        "negeer|vergeet|zignoruj|zapomnij",
        r"(?:negeer|vergeet)\b[^.!?\n]{0,30}(?:beoordelingsregels|beoordelingscriteria)|(?:zignoruj|zapomnij)\b[^.!?\n]{0,30}(?:kryteria oceny|zasady oceniania)",
    ),
    (
        "забуд|игнорир|не сравнивай",
        r"(?:забудь|забудьте|игнорируй|игнорируйте|не сравнивай)\w*[^.!?\n]{0,30}(?:критери\w* оцен|эталон)",
    ),
    (
        "忽略|无视|不要理会|别管|忘记|忘掉",
        r"(?:忽略|无视|不要理会|别管|忘记|忘掉)[^。！？\n]{0,12}(?:评分标准|评分规则|参考答案)",
    ),
    (
        "無視|忘れ|比較せず|무시|잊어",
        r"(?:採点基準|参考解答|模範解答)[^。！？\n]{0,12}(?:無視|忘れ)|(?:参考解答|模範解答)とは比較せず|(?:채점 기준|참고 답안)[^.!?\n]{0,12}(?:무시|잊어)",
    ),
    ("भूल|अनदेखा|नज़रअंदाज़|नजरअंदाज", r"मानदंड[^।.!?\n]{0,20}(?:भूल जाओ|अनदेखा|नज़रअंदाज़|नजरअंदाज)"),
    ("تجاهل|انس", r"(?:تجاهل|انس)\s[^.!?\n]{0,20}(?:معايير|الإجابة المرجعية)"),
    (
        "unut|yok say|görmezden",
        r"(?:değerlendirme|puanlama) (?:kuralları|kriterleri)\w*[^.!?\n]{0,20}(?:unut|yok say|görmezden gel)",
    ),
    # verb-final languages: the override closes the clause, so it counts wherever it is
    (
        "無視|忘れ|무시|잊어|अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल|yok say|görmezden|unut",
        r"(?:指示|命令|ルール|基準)[^。！？\n]{0,8}(?:無視|忘れ)|(?:지시|규칙|기준)[^.!?\n]{0,8}(?:무시|잊어)|(?:निर्देश|नियम)\S* को (?:अनदेखा|नज़रअंदाज़|नजरअंदाज|भूल)|(?:talimat|kural|kriter)\w* (?:yok say|görmezden gel|unut)",
    ),
    (
        "bỏ qua|quên|abaikan|lupakan",
        r"(?:bỏ qua|quên)[^.!?\n]{0,20}(?:tiêu chí chấm|đáp án)|(?:abaikan|lupakan)\b[^.!?\n]{0,20}(?:kriteria penilaian|jawaban referensi)",
    ),
)

# Instructions that count when issued: at the start of a clause (and not discussed).
ISSUED = Cue(
    ("", rf"{POLITE}{VOCATIVE}{POLITE}{_OVERRIDE_VERB}\b[^.!?\n]{{0,25}}?\b{_GENERIC_OBJECT}"),
    (
        "void|null|cancel|invalid|obsolete|outdated|irrelevant|superseded|optional|revoked",
        rf"{POLITE}(?:treat|consider|regard)\s+(?:all\s+|the\s+|any\s+)?(?:\w+\s+)?(?:instructions?|directions?|rules|guidance|prompts?|criteria|rubric)\s+as\s+(?:void|null|cancel+ed|invalid|obsolete|outdated|irrelevant|superseded|optional|revoked)\b",
    ),
    ("stop", rf"{POLITE}stop (?:evaluating|grading|scoring|checking|assessing|marking)\b"),
    (
        "you are|from now on",
        r"(?:you are (?:now|no longer) (?:an?\s|the\s|in\s|my\s|free\b|unrestricted\b|(?-i:[A-Z]{2,})\b)|from now on,? you)",
    ),
    (
        "from now on|from this point on|from here on",
        r"from (?:now|this point|here) on\b[^.!?\n]{0,60}\b(?:grad\w*|scor\w*|evaluat\w*|marks?|rat(?:e|ing)\w*|correct|positive|pass\w*)\b",
    ),
    (
        "pretend|assume|imagine|suppose|as if",
        rf"{POLITE}(?:pretend|assume|imagine|suppose|act as if)\b[^.!?\n]{{0,30}}\b(?:reference|model answer|answer key|rubric|key points)\b[^.!?\n]{{0,40}}\b(?:my|mine|I wrote|I said|this answer|what I|the same|matches|identical|agrees)\b",
    ),
    (
        "follow|obey|execute|carry out|act on|do what|comply",
        rf"{POLITE}(?:follow|obey|execute|carry out|act on|do what|comply with)\s+(?:it|them|that|this|what it says|the (?:decoded|translated|resulting|hidden|above|following|result)\b)",
    ),
    (
        "ignora|olvida|omite|descarta|ignor|oubli|vergiss|missachte|esqueça|desconsidere|игнорир|забуд|忽略|无视|忘记|不要理会|تجاهل|bỏ qua|abaikan|lupakan",
        r"(?:ignora|olvida|omite|descarta)(?:r)? (?:las|todas las|le|tutte le|tus|sus)? ?(?:\w+ )?(?:instrucciones|istruzioni|reglas|regole|criterios|criteri)|(?:ignor|oubli)(?:e|ez|er) (?:les|toutes les|tes|vos) (?:\w+ )?(?:instructions|consignes|règles|critères)"
        r"|(?:ignoriere|vergiss|missachte)n? (?:alle |die |deine )?(?:\w+ )?(?:anweisungen|instruktionen|regeln|kriterien)|(?:ignore|esqueça|desconsidere) (?:as|todas as|suas)? ?(?:\w+ )?(?:instruções|regras|critérios)"
        r"|(?:игнорир|забуд)\w* .{0,30}(?:инструкц|правил|критери)|(?:请)?(?:忽略|无视|忘记|不要理会).{0,8}(?:指令|指示|说明|提示|规则|标准|要求)"
        r"|تجاهل .{0,20}(?:التعليمات|الأوامر|القواعد|معايير)|bỏ qua .{0,20}(?:hướng dẫn|chỉ dẫn|quy tắc|tiêu chí)|(?:abaikan|lupakan) .{0,20}(?:instruksi|perintah|aturan|kriteria)",
    ),
)
