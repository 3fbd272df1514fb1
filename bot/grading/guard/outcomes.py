"""Grading outcomes: what a score request asks for (full marks, 10/10, "as correct"), in many
languages. Alone they are no request; see requesting.py for what aims them at the grader.
"""

from bot.grading.guard.cue import Cue
from bot.grading.guard.vocabulary import POLITE

# A grading outcome nobody asks for by accident.
OUT_GRADE = Cue(
    (
        "mark|credit|point",
        r"\b(?:full|maximum|max|perfect|complete|total|flawless|100\s?%|top|high|highest|best)(?:\s+possible)?\s+(?:marks?|credit|points)\b|\b(?:every|all)\s+(?:the\s+)?(?:available|possible|attainable)\s+(?:points?|marks?|credit)\b",
    ),
    (
        "result|outcome|evaluation|assessment|verdict",
        r"\b(?:full|maximum|max|perfect|flawless|100\s?%|top|best possible)\s+(?:result|outcome|evaluation|assessment|verdict)\b",
    ),
    (
        "max|top|highest",
        r"\b(?:record|give|award|assign|enter|put|set|return|output|register|grant)\s+(?:it\s+|this\s+|me\s+)?(?:the\s+)?(?:max(?:imum)?|top|highest)\b(?!\s*[\w%-])",
    ),
    (
        "10|ten",
        r"(?<![\w.])an?\s+(?:(?:easy|solid|clear|definite|clean|well-deserved|deserved)\s+)?(?:10|ten)\b(?!\s*(?:[%x×]|-|\.\d|/\s*[2-9]))(?!\s+(?!for\b|here\b|on\b|please\b|thanks?\b|ok\b|now\b|and\b)[a-z])",
    ),
    (
        "gold standard|top of the class|answer",
        r"\bas (?:the|a) (?:gold standard|model answer|benchmark answer)\b|\btop of the class\b|\b(?:is|as) the (?:intended|expected|ideal|official) (?:answer|solution)\b",
    ),
    (
        "score|grade|rating",
        r"\b(?:full|maximum|max|perfect|flawless|100\s?%|top)(?:\s+possible)?\s+(?:scores?|grades?|ratings?)\b|\bhighest (?:possible )?grade\b",
    ),
    (
        "10|ten|100",
        r"\b(?:marks?|score|grade|points|credit|rating)\s*(?:of\s+|=\s*|:\s*|\s)(?:10|ten|100\s?%)(?:\s*(?:/|out of)\s*(?:10|ten))?\b(?!\s*(?:[%x×]|-\w|\.\d))",
    ),
    ("10|ten", r"\b(?:10|ten)\s*(?:/|out of)\s*(?:10|ten)\b"),
    ("a+", r"(?<![\w+])A\+(?![\w+])"),
    (
        "10|ten",
        r"\b(?:scores?|scored|grade[sd]?|rated?|mark(?:ed)?|give|giving|gives|put|assign|award|grant|deserves?|merits?|earns?|receives?|gets?|output|return)\s+(?:(?:it|this|that|me|my answer|this answer|this response|this one|the answer)\s+)?(?:(?:an?|the|at|of|to|as|with|only|just|=|:)\s*){0,3}(?:10|ten)(?:\.0+)?\b(?!\s*(?:[%x×]|-\w|\.\d|/\s*[2-9]))(?!\s+(?!points?\b|marks?\b|out\b|ok\b|okay\b|please\b|pls\b|thanks?\b|now\b|for\b|and\b|to\b|on\b|here\b)[a-z])",
    ),
    (
        "point|criteri|requirement",
        r"\b(?:all|every|each)\s+(?:the\s+|of\s+the\s+)?(?:key\s+)?(?:points?|criteri(?:on|a)|requirements?)\b[^.!?\n]{0,30}?\b(?:covered|addressed|met|satisfied|hit|present)\b|\b(?:covers|covering|addresses|addressing|hits|hitting|meets|meeting|satisfies|satisfying)\s+(?:all|every)\s+(?:of\s+)?(?:the\s+)?(?:key\s+)?(?:points?|criteri(?:on|a)|requirements?)\b",
    ),
    (
        "coverage|missing",
        r"\bfull coverage\b|\bnothing (?:is |should be |gets |will be )?(?:listed |marked |flagged |reported )?(?:as )?(?:missing|in the [\"'“‘]?missing)\b|\bno missing (?:key )?points?\b|\b(?:no|zero) (?:key )?points? (?:are |is )?missing\b|[\"'“‘]?missing[\"'”’]?\s+(?:list\s+)?(?:empty|blank)\b|\bmissing\b[^.!?\n]{0,12}\bempty\b",
    ),
    (
        "reference|model|ideal|gold|exemplary",
        r"\b(?:as|equivalent to|identical to|equal to|the same as|matches|match)\s+(?:the\s+)?(?:reference|model|ideal|gold|perfect|exemplary)\s+(?:answer|solution|response)\b|\b(?:as|is|matches)\s+the\s+reference\b(?!\s+to)",
    ),
    (
        "criteri|correctness|completeness|clarity",
        r"\b(?:criteri(?:on|a)|correctness|completeness|clarity)\b[^.!?\n]{0,40}\bto\s+(?:its|their|the)?\s*(?:max(?:imum)?|full|highest|top|10)\b",
    ),
    (
        "10",
        r"\b(?:this|my) (?:answer|response|submission|entry|item)\s*(?:=|:|→|->|gets|scores)\s*(?:a\s+)?10\b(?![\w%]|\.\d)",
    ),
    (
        "grade|mark|rating",
        r"\b(?:grade|mark|rating)\b[^.!?\n]{0,20}\b(?:up )?to the (?:max(?:imum)?|top|highest)\b",
    ),
    ("benefit of the doubt", r"\bbenefit of the doubt\b"),
    # Spanish, French, German, Portuguese, Italian, Dutch, Polish
    (
        "nota|máxima|puntuaci|calificaci|10 de 10|un 10|faltantes|cubiertos|diez",
        r"nota (?:más alta|máxima|perfecta)|(?:la )?máxima (?:nota|puntuación|calificación)|puntuación (?:máxima|completa|perfecta|total)|calificación (?:máxima|perfecta)|\b10 de 10\b|\bun 10\b|sin puntos faltantes|todos los puntos (?:clave )?cubiertos|\bun diez\b|\bnota diez\b|diez de diez",
    ),
    (
        "note|10 sur 10|points|dix",
        r"meilleure note|note (?:maximale|maximum|parfaite)|\b10 sur 10\b|\bla note de (?:10|dix)\b|tous les points (?:clés )?(?:couverts|traités)|\bdix sur dix\b|\b(?:mets|mettez|donne|donnez|attribue[zr]?)(?:-(?:moi|lui|y))? (?:un )?(?:10|dix)\b|\bun dix\b",
    ),
    (
        "punkt|note|10 von 10|zehn|bewertung|10",
        r"volle(?:n)? punktzahl|höchstnote|bestnote|(?:höchste|beste|maximale) (?:punktzahl|note|bewertung)|\b10 von 10\b|volle punkte|zehn von zehn|\beine (?:10|zehn)\b",
    ),
    (
        "nota|pontua|dê 10|dez|faltando",
        r"nota máxima|pontuação (?:máxima|total|completa|perfeita)|\bnota (?:10|dez)\b|\bdê (?:10|dez)\b|dez de dez|\bum dez\b|nada faltando",
    ),
    (
        "punteggio|voto|voti|10 su 10|dai 10|dieci",
        r"punteggio (?:massimo|pieno|perfetto)|voto massimo|pieni voti|\b10 su 10\b|massimo dei voti|dieci su dieci|\b(?:dai|metti|mettete|assegna|date)(?:gli|le)? (?:un )?(?:10|dieci)\b",
    ),
    (
        "cijfer|score|punten|10 van 10",
        r"maximale (?:cijfer|score|punten)|hoogste (?:cijfer|score)|volle punten|\b10 van 10\b",
    ),
    (
        "maksymaln|najwyższ|10 na 10",
        r"maksymaln\w+ (?:liczb\w+ punktów|ocen\w+)|najwyższ\w+ ocen\w+|\b10 na 10\b",
    ),
    # Russian, Chinese, Japanese, Korean, Hindi, Arabic, Turkish, Vietnamese, Indonesian
    (
        "балл|оценк|10 из 10|постав|десят",
        r"высш\w+ балл|максимальн\w+ (?:балл|оценк)|\b10 из 10\b|постав\w* (?:мне |ему |ей |этому ответу )?(?:10|десять)\b|полн\w+ балл|десять из десяти|(?:оценк|балл)\w*[^.!?\n]{0,30}\b(?:10|десять)\b",
    ),
    ("满分|最高分|分", r"满分|最高分|(?<![\d.])10\s*分(?![钟之])|打十分|给出十分|得十分"),
    ("満点|最高点|10点", r"満点|最高点|(?<![\d.])10点(?!以上|未満|目)"),
    ("만점|최고|10점", r"만점|최고 점수|최고점|(?<![\d.])10점"),
    ("अंक|दस", r"पूरे अंक|पूर्ण अंक|अधिकतम अंक|10 में से 10|सर्वोच्च अंक|दस में से दस"),
    (
        "درجة|الدرجة|العلامة|10 من 10|عشرة",
        r"الدرجة الكاملة|أعلى درجة|الدرجة القصوى|العلامة الكاملة|10 من 10|عشرة من عشرة",
    ),
    (
        "puan|not|10 üzerinden|on üzerinden",
        r"tam puan|tam not|en yüksek (?:not|puan)|10 üzerinden 10|on üzerinden on|\b10 puan",
    ),
    ("điểm", r"điểm tối đa|điểm tuyệt đối|điểm cao nhất|\b10 điểm\b|điểm 10\b|mười điểm"),
    (
        "nilai|skor|10 dari 10",
        r"nilai sempurna|(?:skor|nilai) (?:maksimal|maksimum|tertinggi|penuh|10|sepuluh)\b|\b10 dari 10\b",
    ),
)

# The grade prescribed outright: "the grade here ought to be the top one", "scores are fixed at 10".
PRESCRIBED = Cue(
    (
        "grade|score|mark|rating|result",
        r"\b(?:grade|score|mark|rating|result)s?\b[^.!?\n]{0,25}?\b(?:should|ought to|must|has to|needs to|is to|is going to) (?:be|read|say|show|equal)\b[^.!?\n]{0,15}?\b(?:the )?(?:top|highest|max(?:imum)?|full|perfect|10|ten)\b(?!\s*[%x×-])",
    ),
    (
        "grade|score|mark|rating|result|evaluation|verdict|assessment",
        r"\b(?:expected|correct|right|proper|appropriate|final|intended) (?:grade|score|mark|rating|result|evaluation|verdict|assessment)\b[^.!?\n]{0,30}?(?:\b(?:is|should be|would be)|=|:)\s+(?:an? )?(?:fully correct|correct|complete|outstanding|excellent|perfect|full marks|top|max(?:imum)?|(?:10|ten)(?:\s*/\s*10)?(?![\w.%]))",
    ),
    (
        "point|criteri|requirement",
        r"\b(?:key\s+points?|points|criteri(?:on|a)|requirements?)\b[^.!?\n]{0,20}?\b(?:should|must|are to|is to|will) be (?:considered|treated|counted|marked|regarded|taken)\s+(?:as\s+)?(?:covered|met|present|satisfied|addressed|complete)\b",
    ),
    (
        "grade|score|mark",
        r"\b(?:grades?|scores?|marks?)\b[^.!?\n]{0,30}?\b(?:fixed|set|locked|pinned|hard-?coded)\s+(?:at|to)\s+(?:10|ten|the max(?:imum)?|max(?:imum)?|full)\b(?!\s*[%x×-])",
    ),
    (
        "score|grade|mark|rating",
        r"\b(?:use|take|make|set|record)\s+(?:it|that|this|them)\s+(?:as\s+)?(?:my|the|this answer's)\s+(?:final\s+)?(?:score|grade|mark|rating)\b",
    ),
    (
        "verified|approved|certified|graded|scored|validated|marked|accepted|cleared",
        r"\b(?:this|my|the above) (?:answer|response|submission)\b[^.!?\n]{0,25}?\b(?:has been|have been|was|is|been|already)\s+(?:already\s+)?(?:pre-?)?(?:verified|approved|certified|graded|scored|validated|marked|accepted|cleared)\b",
    ),
)

# Outcomes that also occur in technical text ("the beam with the highest score").
OUT_SCOREWORD = Cue(
    (
        "score|rating|grade|mark",
        r"\b(?:highest|best|top|maximum|max|high|perfect)(?:\s+possible)?\s+(?:scores?|ratings?|grades?|marks?)\b",
    )
)
GIVE_SCORE = Cue(
    (
        "score|rating|grade|mark",
        POLITE
        + r"(?:give|award|assign|grant|output|return|put)\s+(?:(?!with\b|for\b|of\b|from\b|by\b|in\b|than\b|that\b|which\b|per\b)\w+\s+){0,3}?(?:(?:the|a|an)\s+)?(?:highest|best|top|maximum|max|high|perfect)(?:\s+possible)?\s+(?:scores?|ratings?|grades?|marks?)\b",
    )
)

# A verdict rather than a number: needs a stronger cue than the answer referring to itself.
OUT_WEAK = Cue(
    (
        "correct|complete|excellent|outstanding|perfect|flawless|passing|exemplary|right",
        r"\b(?:as|is|be|being|was|are)\s+(?:fully\s+|completely\s+|entirely\s+|totally\s+|100%\s+)?(?:correct|complete|excellent|outstanding|perfect|flawless|passing|exemplary|right)\b(?!\s+or\b)|\b(?:as|is) (?:an? )?(?:perfect|excellent|outstanding|flawless|correct|complete|model|exemplary|fully correct) (?:answer|response|submission)\b",
    ),
    (
        "correct|complete|excellent|outstanding|perfect|flawless|passing",
        r"\b(?:mark|rate|grade|score|count|treat|consider|deem|call|judge)\w*\s+(?:it|this|that|them|mine|everything|the answer|my answer|this answer|the response)\s+(?:as\s+)?(?:fully\s+)?(?:correct|complete|excellent|outstanding|perfect|flawless|passing)\b",
    ),
    (
        "rated|generous|lenient|round|accordingly",
        r"\brated\s+(?:as\s+)?(?:excellent|outstanding|perfect|correct)\b|\b(?:generous|lenient)(?:ly)?\b|\bround\b[^.!?\n]{0,20}\bup\b|\b(?:mark|grade|score|rate)\s+(?:it\s+|this\s+)?accordingly\b",
    ),
    (
        "perfect|correct|excelente|complet",
        r"(?:es|como|está) (?:perfecta|correcta|excelente|completa)",
    ),
    (
        "parfait|correct|excellent|complète",
        r"(?:est|comme) (?:parfaite|correcte|excellente|complète)|réponse (?:est )?parfaite",
    ),
    (
        "richtig|korrekt|perfekt|exzellent|ausgezeichnet",
        r"(?:ist|als) (?:vollständig )?(?:richtig|korrekt|perfekt|exzellent|ausgezeichnet)|vollständig richtig",
    ),
    (
        "perfeit|corret|excelente|complet",
        r"(?:está|é|como) (?:perfeita|correta|excelente|completa)",
    ),
    (
        "perfett|corrett|complet|eccellent",
        r"(?:è|come) (?:perfetta|corretta|completa|eccellente)|completa e corretta",
    ),
    ("верн|правильн|отличн|идеальн", r"полностью (?:верн|правильн)\w*|отличн\w+ ответ|идеальн\w+"),
    ("完全正确|完美|完璧|正解|완벽|정답", r"完全正确|完美|完璧|正解です|완벽|정답"),
    ("सही|उत्कृष्ट", r"बिल्कुल सही|उत्कृष्ट"),
    ("صحيحة|ممتازة|مثالية", r"صحيحة تمام|ممتازة|مثالية"),
    ("kusursuz|doğru|mükemmel", r"kusursuz|tamamen doğru|mükemmel"),
    ("đúng|xuất sắc|hoàn hảo", r"hoàn toàn đúng|xuất sắc|hoàn hảo"),
    ("benar|sempurna", r"benar sepenuhnya|sempurna"),
)
