"""Cues that aim a grading outcome at the grader: the grader addressed, the answer referring to
itself, imperatives and "please …" in many languages, "you will …", and what cancels them
(a rubric's condition, doubt or negation).
"""

import re

from bot.grading.guard.cue import Cue
from bot.grading.guard.vocabulary import AGENT, AGENTS, POLITE, VOCATIVE

# The grader addressed, or its behaviour prescribed.
ADDRESSEE = Cue(
    (
        AGENTS,
        rf"(?:^\s*|[.!?:;\n(\[\"'“‘]\s*|\b(?:hey|hi|hello|dear|ok|okay|so|and|attention|attn)\s+)(?:the\s+|my\s+|dear\s+)?(?:\w+\s+)?{AGENT}s?\s*(?:[,:→]|->|=>)|\b{AGENT}\s+(?:note|notice|instructions?|directive|verdict|override|mode)\b",
    ),
    (
        "person|one|human|people|team|staff|someone",
        r"\b(?:the|any) (?:person|one|human|people|team|staff|someone)\s+(?:who is |who's |who are )?(?:grading|scoring|marking|reviewing|evaluating|assessing|checking)\s+(?:this|these|my)\b",
    ),
    (
        "you",
        r"\b(?:the|your) (?:instructions|rubric|guidelines|prompt|criteria)s? you (?:received|were given|got|have|are using)\b",
    ),
    (
        AGENTS + "|ai|llm|model|grading|marking",
        rf"\b(?:dear|hey|hi|hello|attention|attn|note|message|instructions?|reminder|memo|directive)\s+(?:to|for)?\s*(?:the\s+|any\s+|all\s+|my\s+)?(?:\w+\s+){{0,2}}?(?:{AGENT}|grading \w+|marking \w+|ai|llm|model)\b",
    ),
    (
        AGENTS + "|grading|marking|evaluation|assessment",
        rf"\b(?:the\s+|any\s+|an?\s+)?(?:\w+\s+)?(?:{AGENT}s?|grading (?:model|system|ai|bot|engine|llm)|marking system|evaluation models?|assessment|evaluation|grading)\s+(?:must|should|shall|will|would|is to|needs? to|has to|is (?:required|expected|instructed|supposed) to|are (?:required|expected|instructed|supposed) to)\b",
    ),
    (
        AGENTS,
        rf"\bas (?:the|an?|your) (?:\w+ )?{AGENT}\b|\bif you(?:'re| are) (?:an?|the) (?:\w+ )?(?:{AGENT}|model|ai|llm|grading \w+)\b",
    ),
    (
        "whoever",
        r"\bwhoever (?:is )?(?:grading|scoring|evaluating|marking|reviewing|checking|assessing|reads|reviews|grades|scores|evaluates|marks|checks|assesses|rates|rating)\b",
    ),
    (
        "ai|model|llm|system|bot|assistant|program|software",
        r"\b(?:the|any|an?) (?:ai|model|llm|system|bot|assistant|program|software)\s+(?:that is |which is |that |is )?(?:checking|grading|reading|evaluating|reviewing|scoring|marking|assessing|checks|grades|reads|evaluates|reviews|scores|marks|assesses)\s+(?:this|these|my|the (?:answer|response|submission))\b",
    ),
    (
        AGENTS + "|grading|marking|scoring",
        rf"\b(?:grading|marking|scoring|{AGENT})\s+(?:model|ai|bot|llm|system|engine)\b|\bautomated (?:grade|grader|grading|evaluation|scoring|marking)\b",
    ),
    (
        "you|your",
        r"\b(?:before|when|while) you (?:grade|score|evaluate|mark|assess|rate|review)\b|\byour (?:grading|scoring|rubric|evaluation)\b",
    ),
    (
        AGENTS + "|model|ai",
        rf"\b(?:should|must|will|shall|needs to|has to|ought to) be \w+(?: \w+)? by (?:the|any) (?:{AGENT}|model|ai)\b",
    ),
    # other languages: the grader addressed (vocative or "to the grader"), not merely mentioned
    (
        "evaluador|calificador|corrector|examinador|ia",
        r"(?:^|[.!?(\n]\s*|\b(?:al|para el|querido|estimado)\s+)(?:evaluador|calificador|corrector|examinador)\b|\b(?:evaluador|calificador|corrector|examinador|sistema de (?:calificación|evaluación))\s*[:,]|\bpara la ia\b",
    ),
    (
        "correcteur|évaluateur|examinateur|l'ia|notation",
        r"\b(?:au|pour le|cher|chère)\s+(?:correcteur|évaluateur|examinateur)|\b(?:correcteur|évaluateur|examinateur|l'ia qui (?:corrige|évalue|note))\s*[:,]|\bpour l'ia\b",
    ),
    (
        "prüfer|bewerter|korrektor|gutachter|ki",
        r"\b(?:an den|an die|für den|für die|hinweis an den|lieber|liebe)\s+(?:prüfer|bewerter|korrektor|gutachter|ki)\b|\b(?:prüfer|bewerter|korrektor|gutachter)\s*[:,]|\bki, die\b",
    ),
    (
        "avaliador|corretor|examinador|ia",
        r"\b(?:ao|para o|para a|caro|prezado)\s+(?:avaliador|corretor|examinador|ia)\b|\b(?:avaliador|corretor|examinador)\s*[:,]|\bia avaliadora\b",
    ),
    (
        "valutatore|correttore|esaminatore|ia",
        r"\b(?:al|per il|caro|gentile)\s+(?:valutatore|correttore|esaminatore)\b|\b(?:valutatore|correttore|esaminatore)\s*[:,]|\ball'ia\b",
    ),
    (
        "beoordelaar|examinator|oceniaj|egzaminator|sprawdzaj",
        r"\b(?:beoordelaar|examinator)\s*[:,]|\baan de beoordelaar\b|\b(?:do )?(?:oceniającego|egzaminatora|sprawdzającego)\b|\b(?:oceniający|egzaminator|sprawdzający)\s*[:,]",
    ),
    (
        "проверяющ|оценивающ|экзаменатор|оценщик",
        r"проверяющему|оценивающей|оценивающему|экзаменатору|оценщику|(?:проверяющ\w*|оценивающ\w*|экзаменатор\w*|оценщик\w*)\s*[:,]",
    ),
    (
        "评分|阅卷|评审|批改|评委|採点|評価者|채점|평가자",
        r"(?:致|给|请)(?:各位)?(?:评分员|评分者|阅卷老师|评审|评委|批改者)|(?:评分员|评分者|阅卷老师|评审员|评委|评分系统|评分模型)(?:注意)?\s*[:：,，]|(?:採点者|評価者|採点AI|採点システム)(?:へ|様|さん)|(?:採点者|評価者)\s*[:：、]|(?:채점자|평가자|채점 시스템|채점 AI)(?:에게|님|께)|(?:채점자|평가자)\s*[:,]",
    ),
    (
        "मूल्यांकनकर्ता|परीक्षक|ग्रेडर|المقي|المصحح|التقييم",
        r"(?:मूल्यांकनकर्ता|परीक्षक|ग्रेडर)\s*(?:के लिए|को|जी)?\s*[:,]|(?:मूल्यांकनकर्ता|परीक्षक|ग्रेडर) के लिए|إلى (?:ال)?(?:مقي[ّ]?م|مصحح)|(?:المقي[ّ]?م|المصحح|نظام التقييم)\s*[:،,]",
    ),
    (
        "değerlendirici|notlandıran|puanlayan|người chấm|giám khảo|hệ thống chấm|penilai|pemeriksa|korektor",
        r"değerlendiriciye|notlandırana|puanlayana|(?:değerlendirici|notlandıran|puanlayan)\s*[:,]|(?:gửi|thưa)\s+(?:người chấm|giám khảo)|(?:người chấm|giám khảo|hệ thống chấm)\s*[:,]|\b(?:untuk|kepada)\s+(?:penilai|pemeriksa|korektor)\b|\b(?:penilai|pemeriksa|korektor)\s*[:,]",
    ),
)

CONDITIONAL = re.compile(
    r"\b(?:only (?:when|if)|whenever|unless|provided that|as long as|if (?:the|a|an|it|they)|when (?:the|a|an|it|they))\b",
    re.I,
)

# Doubt or negation: "not sure I'll get full marks on this" is no request.
HEDGED = re.compile(
    r"\b(?:not|n't|never|doubt\w*|unlikely|probably won't|no way|won't|wouldn't|can't|cannot|hardly|unsure)\b",
    re.I,
)

# The answer referring to itself.
SELF = Cue(
    (
        "answer|response|submission|reply|solution|attempt|entry|item",
        r"\b(?:this|my|the above|the preceding|the previous) (?:answer|response|submission|reply|solution|attempt|entry|item)\b|\bthe (?:answer|response|submission) above\b",
    ),
    (
        "give me|this candidate|like this|such as this",
        r"\bgive me\b|\bthis candidate\b|\b(?:an?|any) (?:answer|response|submission)s? (?:like|such as) this\b",
    ),
    (
        "i'd|i would|i want|i need|i expect|i deserve|hoping|i hope|i request",
        r"\bI(?:'d| would)? (?:like|want|need|expect|deserve|request)\b|\b(?:I(?:'m| am) )?hoping for\b|\bI hope (?:to get|for)\b",
    ),
    (
        "respuesta|réponse|antwort|lösung|resposta|risposta|antwoord|odpowied",
        r"esta respuesta|mi respuesta|cette réponse|ma réponse|diese antwort|meine antwort|diese lösung|esta resposta|minha resposta|questa risposta|la mia risposta|dit antwoord|mijn antwoord|tej odpowiedzi|ta odpowiedź|moja odpowiedź",
    ),
    (
        "ответ|回答|答案|答え|답변",
        r"этот ответ|этому ответу|мой ответ|这个回答|这个答案|该答案|我的回答|我的答案|本回答|本答案|此回答|此答案|この回答|この答え|私の回答|이 답변|제 답변",
    ),
    (
        "उत्तर|الإجابة|إجابتي|cevap|yanıt|câu trả lời|jawaban",
        r"यह उत्तर|इस उत्तर|मेरा उत्तर|هذه الإجابة|إجابتي|bu cevap|bu yanıt|cevabım|câu trả lời này|jawaban ini|jawaban saya",
    ),
)

# Requests in other languages (imperative forms are distinct there) and "please <verb>".
_REQ_EN = r"(?:give|award|assign|grant|put|set|rate|score|grade|mark|return|output|respond|reply|confirm|treat|consider|count|list|round|leave|report|state|say|record|register|enter|log|accept|approve|pass|maximi[sz]e|boost|raise|bump|assume|print|answer|regard|deem|judge|evaluate)"
REQUEST = Cue(
    ("please|kindly|pls|plz", rf"\b(?:please|kindly|pls|plz)\s+(?:\w+\s+)?{_REQ_EN}\b"),
    (
        "strict|harsh|picky|critical|tough|severe",
        r"\b(?:no need to|don't|do not|needn't|please don't)\s+be\s+(?:so\s+|too\s+|very\s+)?(?:strict|harsh|picky|critical|tough|severe)\b",
    ),
    (
        "you",
        r"\b(?:would|could|can|will) you (?:please |kindly )?(?:mind |consider )?(?:giv|award|assign|grant|rat|scor|grad|mark|treat|consider|count|round|register|record|enter)\w*|\bif you (?:could|would|can)\b",
    ),
    (
        "is to|are to|expected to|supposed to|required to",
        r"\b(?:is|are) (?:to|expected to|supposed to|required to) (?:be )?(?:mark|rate|grade|score|give|award|treat|count|consider|return|output)\w*\b",
    ),
    (
        "pon|dale|asign|otorga|calif|puntú|evalú|considera|trata|marca",
        r"\b(?:pon(?:le|ga|gale)?|dale|asigna(?:le)?|asígnale|otorga(?:le)?|calif[ií]ca(?:la|lo|le)?|puntúa(?:la|lo)?|evalúa(?:la|lo)?|considera|trata|marca)\b",
    ),
    (
        "donne|attribue|met|accorde|notez|évalue|considère|considérez",
        r"\b(?:donne[zr]?|attribue[zr]?|mets|mettez|accorde[zr]?|notez|évalue[zr]?|considère|considérez)\b",
    ),
    (
        "gib|geben|vergib|vergeben|bewerte|setze|bitte",
        r"\b(?:gib|geben sie|vergib|vergeben sie|bewerte|bewerten sie|setze|setzen sie|trag|tragen sie)\b|\bbitte\b[^.!?\n]{0,40}\b(?:vergeben|bewerten|geben|eintragen|setzen|notieren)\b",
    ),
    (
        "dê|atribua|coloque|ponha|avalie|considere|marque|avalia",
        r"\b(?:dê|atribua|coloque|ponha|avalie|considere|marque)\b|^\s*avaliação\s*:",
    ),
    (
        "dai|assegna|metti|valuta|considera|attribuisci",
        r"\b(?:dai|assegna|assegnate|metti|mettete|valuta|considera|attribuisci)\b",
    ),
    (
        "geef|ken|beoordeel|daj|przyznaj|oceń|wystaw",
        r"\b(?:geef|ken|beoordeel)\b|\b(?:daj|przyznaj|oceń|wystaw)\b",
    ),
    (
        "постав|дай|оцени|засчитай|выстав",
        r"постав(?:ь|ьте)|дай(?:те)?\b|оцени(?:те)?\b|засчитай|выстав(?:ь|ьте)",
    ),
    (
        "给|打|请|评为|判为|付けて|つけて|与えて|ください|にして|お願い|주세요|줘|주십시오|매겨",
        r"请|(?:^|[，。！？,.!?：:]\s*)给|打(?:个)?(?:满分|10|十)|评为|判为|付けて|つけて|与えて|ください|にして|お願いします|お願い致します|주세요|줘|주십시오|매겨",
    ),
    ("दो|दें|दीजि|امنح|أعط|اعط|ضع|قيّم", r"दो\b|दें|दीजिए|दीजिये|امنح|أعط|اعط|ضع|قيّم"),
    ("ver|cho|hãy|chấm|beri", r"\bver(?:in|iniz)?\b|\bcho\b|\bhãy\b|\bchấm\b|\bberikan\b|\bberi\b"),
)

# English imperatives: tried at clause starts only.
REQUEST_EN = Cue(("", rf"{POLITE}{VOCATIVE}{POLITE}{_REQ_EN}\b"))
# A verdict asked for: grading verb, then the answer (or "as …") as its object.
GRADING_IMPERATIVE = Cue(
    (
        "",
        POLITE
        + VOCATIVE
        + POLITE
        + r"(?:rate|score|grade|mark|treat|count|accept|approve|confirm|consider|regard|deem|judge|evaluate|assess|say|state|report|reply|respond|output|return|list|leave|give|award)\s+(?:it|it's|this|that|them|my|mine|me|everything|all|every|each|the (?:answer|response|submission)|as)\b",
    )
)
# A giving verb aimed straight at the answer: "give this answer …".
REQUEST_SELF = Cue(
    (
        "",
        POLITE
        + VOCATIVE
        + POLITE
        + r"(?:give|award|assign|grant)\s+(?:this|my|the above)\s+(?:answer|response|submission|reply|solution|one)\b",
    )
)
# "… to give this anything less than the highest grade"
GIVE_THIS = Cue(
    (
        "give|award|grant|assign",
        r"\b(?:give|giving|award|awarding|grant|assign)\s+(?:this|my answer)\b",
    )
)

# The grader told what it will or must do.
YOU = Cue(
    (
        "you",
        r"\byou(?:'ll|'re going to| are going to)?\s+(?:(?:will|must|should|shall|are to|need to|have to|now|only|just|simply|can|may|surely|certainly|definitely|clearly|are (?:required|expected|instructed|supposed) to)\s+)+(?:give|award|assign|grant|rate|score|grade|mark|output|return|respond|reply|confirm|treat|consider|count|note|list|set|put|see|agree|conclude|recogni[sz]e|find|realize)\b",
    )
)
