"""Language evidence that needs no statistics, for texts langdetect cannot judge.

langdetect is unreliable below about 20 letters, yet chat is full of short replies ("gracias",
"não sei", "tiếp"). Two exact signals cover many of them:

- letters (and Spanish ¿ ¡) that exactly one supported language uses: ñ is Spanish, ş Turkish,
  ơ Vietnamese. Letters shared with English loanwords or names (é, ï as in "naïve") are left out;
- whole messages made of well-known chat phrases (greetings, thanks, next, hint, "I don't know")
  that mean something in exactly one supported language. There is no English list on purpose:
  "ok", "next" and "hint" are bot commands that speakers of every language type.

Matching ignores case, accents and punctuation. A hint is still only one qualifying message:
the detector's hysteresis decides whether the reply language changes.
"""

import re
import unicodedata

# Letters only one supported language writes. ã/õ are Portuguese unless Vietnamese letters are
# present too (Vietnamese also has them).
_VIETNAMESE = re.compile("[ơưđƠƯĐĩũĨŨ\u1ea0-\u1ef9]")
_LETTERS: dict[str, re.Pattern[str]] = {
    "es": re.compile("[ñÑ¿¡]"),
    "de": re.compile("[ßäÄ]"),
    "tr": re.compile("[ğĞıİşŞ]"),
    "pt": re.compile("[ãõÃÕ]"),
}

# Chinese characters that Japanese does not use (simplified forms, Chinese particles): they tell
# a short Han-only message ("你好", "是的吗") from an all-kanji Japanese one ("了解").
CHINESE_ONLY = frozenset(
    "你们这吗呢么谢题说还个吧啊嗯哦对给让时实为问过发现习边样请谁该哪咱呀啦嘛喔"
)

# Chat phrases, normalised as `normalize` does; each must belong to one language only.
SHORT_PHRASES: dict[str, frozenset[str]] = {
    language: frozenset(phrase.strip() for phrase in phrases.split(",") if phrase.strip())
    for language, phrases in {
        "es": """hola, buenas, buenos dias, buenas tardes, buenas noches, gracias, muchas gracias,
            siguiente, la siguiente, siguiente pregunta, otra, otra pregunta, otra vez, pista,
            una pista, dame una pista, no se, ni idea, no lo se, vale, de acuerdo, entendido,
            entiendo, no entiendo, listo, perfecto, jaja, jajaja, jeje, dale, adios,
            hasta luego, por favor, saltar, vamos alla""",
        "pt": """oi, ola, bom dia, boa tarde, boa noite, obrigado, obrigada, muito obrigado, valeu,
            proxima, a proxima, proxima pergunta, outra, outra pergunta, dica, uma dica,
            me da uma dica, nao sei, sei la, sim, beleza, blz, kkk, kkkk, kkkkk, rsrs, tudo bem,
            pode ser, nao entendi, pular, entao""",
        "fr": """salut, bonjour, bonsoir, coucou, merci, merci beaucoup, suivant, suivante,
            la suivante, question suivante, indice, un indice, je sais pas, je ne sais pas,
            chais pas, jsp, oui, ouais, d accord, dac, compris, mdr, ptdr, une autre, encore une,
            voila, c est bon, pas compris, je comprends pas, bien sur, parfait""",
        "de": """hallo, moin, servus, guten morgen, guten tag, guten abend, danke, danke schon,
            vielen dank, weiter, nachste, nachste frage, noch eine, noch einmal, tipp, hinweis,
            keine ahnung, weiss nicht, weiss ich nicht, ja, jo, jep, passt, verstanden,
            alles klar, genau, klar, stimmt, nein, bitte, ich verstehe nicht""",
        "it": """ciao, buongiorno, buonasera, salve, grazie, grazie mille, prossima, la prossima,
            prossima domanda, avanti, suggerimento, un suggerimento, aiuto, non lo so, non so,
            boh, va bene, capito, ho capito, non ho capito, ahah, ahahah, dai, un altra,
            un altra domanda, esatto, perfetto""",
        "tr": """selam, merhaba, gunaydin, iyi aksamlar, tesekkurler, tesekkur ederim, sagol,
            sagolun, sonraki, siradaki, sonraki soru, devam, ipucu, bilmiyorum, bilmem, tamam,
            tamamdir, evet, hayir, olur, anladim, anlamadim, baska, baska soru, peki, aynen,
            tabi, tabii""",
        "vi": """chao, xin chao, chao ban, cam on, cam on ban, tiep, tiep theo, cau tiep, goi y,
            khong biet, minh khong biet, hieu roi, duoc, vang, cau khac, ok roi, dung roi,
            khong hieu""",
        "id": """halo, pagi, selamat pagi, selamat siang, selamat malam, makasih, terima kasih,
            trims, lanjut, lanjutkan, berikutnya, selanjutnya, petunjuk, gak tahu, gak tau,
            nggak tahu, ga tau, tidak tahu, tidak tau, oke, iya, siap, paham, sudah paham, wkwk,
            wkwkwk, sip, mantap, lagi, satu lagi, gimana, bingung""",
    }.items()
}
# Words that say nothing about the language and may surround a phrase ("ok gracias").
_NEUTRAL = frozenset({"ok", "okay", "okk", "haha", "hahaha", "hehe", "xd", "lol"})
_LONGEST_PHRASE = 4  # words


def normalize(text: str) -> str:
    """Lower case, no accents, words separated by single spaces (ı and đ folded too)."""
    folded = text.lower().replace("ı", "i").replace("đ", "d")
    decomposed = unicodedata.normalize("NFD", folded)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.findall(r"[^\W\d_]+", plain))


def letter_hint(text: str) -> str | None:
    """The one language whose own letters appear in `text`, if exactly one does."""
    if _VIETNAMESE.search(text):
        found = {"vi"} | {lang for lang, p in _LETTERS.items() if lang != "pt" and p.search(text)}
    else:
        found = {lang for lang, pattern in _LETTERS.items() if pattern.search(text)}
    return found.pop() if len(found) == 1 else None


def phrase_hint(text: str) -> str | None:
    """The language of a message made only of known chat phrases of one language."""
    words = [word for word in normalize(text).split() if word not in _NEUTRAL]
    if not words:
        return None
    matches = [lang for lang, phrases in SHORT_PHRASES.items() if _covers(words, phrases)]
    return matches[0] if len(matches) == 1 else None


def _covers(words: list[str], phrases: frozenset[str]) -> bool:
    """Whether `words` split into phrases of the set (longest first at each position)."""
    i = 0
    while i < len(words):
        for size in range(min(_LONGEST_PHRASE, len(words) - i), 0, -1):
            if " ".join(words[i : i + size]) in phrases:
                i += size
                break
        else:
            return False
    return True


def has_chinese_only(text: str) -> bool:
    return any(char in CHINESE_ONLY for char in text)


# Function words that tell apart languages langdetect confuses (Spanish, Portuguese, Italian,
# French, German, Indonesian, Turkish, Vietnamese in Latin script): frequent, short, and not words
# of the others. Used only to break a near tie between langdetect's two best guesses.
FUNCTION_WORDS: dict[str, frozenset[str]] = {
    "es": frozenset(
        "el los las del por favor pero muy tengo quiero necesito está estoy es y una hay "
        "sobre esta este también cómo qué porque".split()
    ),
    "pt": frozenset(
        "o os as do da dos das não você uma um muito mas tenho quero preciso está sobre "
        "essa esse dessa desse isso também como porque qual é".split()
    ),
    "it": frozenset(
        "il lo gli le della dello degli non una un molto ma ho voglio sono è per che "
        "questa questo anche come perché sui sul mi fai".split()
    ),
    "fr": frozenset(
        "le la les des du une un très mais je veux suis est pour que cette ce aussi "
        "comment pourquoi avec dans sur".split()
    ),
    "de": frozenset(
        "der die das und ist nicht ein eine ich bin sehr aber mit für auf auch wie warum".split()
    ),
    "id": frozenset(
        "yang dan ini itu tidak saya untuk dengan dari ada juga bisa apa bagaimana".split()
    ),
}
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)


def function_word_vote(text: str, candidates: tuple[str, ...]) -> str | None:
    """The candidate whose function words the text uses clearly more than the others', or None."""
    words = [word.lower() for word in _WORDS.findall(text)]
    scores = {
        code: sum(word in FUNCTION_WORDS[code] for word in words)
        for code in candidates
        if code in FUNCTION_WORDS
    }
    if len(scores) < 2:
        return None
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    return best if top >= 2 and top >= 2 * second else None
