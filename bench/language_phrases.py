"""Phrase banks for `make_language_eval.py`: what users of an ML interview bot write, per language.

Each language has openers (greetings and requests), short chat replies, answer sentences that keep
the English ML terms people really use, meta messages (about grades, hints, topics) and the words
that introduce a code snippet. Hindi is written in Devanagari (Hindi in Latin letters is out of
scope); Chinese has a few Traditional-script lines for zh-TW users.
"""

from typing import TypedDict


class Phrases(TypedDict):
    openers: list[str]
    short: list[str]
    answers: list[str]
    meta: list[str]
    code_intros: list[str]


PHRASES: dict[str, Phrases] = {
    "en": {
        "openers": [
            "hi! can we practice some LLM interview questions?",
            "hey, give me a question about transformers please",
            "hello, I have an interview next week for an ML engineer role",
            "start a mock interview on RAG systems",
            "good morning, let's do the daily question",
            "hi there",
        ],
        "short": [
            "ok",
            "next",
            "hint",
            "skip",
            "thanks!",
            "idk",
            "yes",
            "no",
            "lol",
            "got it",
            "again",
            "👍",
        ],
        "answers": [
            "Attention dropout randomly zeroes some attention weights after the softmax, so the "
            "model can't rely on a single token and generalizes better.",
            "LoRA freezes the base weights and learns two low-rank matrices per layer, so you only "
            "train a tiny fraction of the parameters.",
            "With RAG you retrieve relevant chunks from a vector store and put them in the prompt, "
            "which reduces hallucinations when the documents are good.",
            "The KV cache stores the keys and values of previous tokens so each decoding step only "
            "computes attention for the new token.",
            "Quantization to int8 or 4-bit cuts memory and speeds up inference, but you usually "
            "lose a little accuracy.",
            "In RLHF you first train a reward model on human preferences and then optimize the "
            "policy with PPO against it, with a KL penalty.",
            "Subword tokenization like BPE splits rare words into smaller pieces, so there are "
            "almost no out-of-vocabulary tokens.",
            "Mixture of experts routes each token to a few experts, so the model has many "
            "parameters but each token only uses a small part of them.",
            "To defend against prompt injection I would separate the instructions from the user "
            "data and never let retrieved text change the task.",
            "Perplexity is the exponential of the average negative log-likelihood per token; lower "
            "means the model is less surprised.",
            "Positional encodings tell the model the order of the tokens, because self-attention "
            "by itself does not know positions.",
            "I'm not totally sure, but I think cosine similarity ignores the vector length while "
            "the dot product does not.",
        ],
        "meta": [
            "can you explain that in a different way?",
            "why did I only get a 5? I mentioned the KV cache",
            "what's the difference between LoRA and prefix tuning again?",
            "can I get an easier question please",
            "I don't understand the follow-up question",
            "what was the reference answer for that one?",
            "let's switch to questions about evaluation metrics",
            "how many questions did I answer this week?",
        ],
        "code_intros": ["here is how I would do it:", "my implementation:", "something like this?"],
    },
    "es": {
        "openers": [
            "hola! quiero practicar preguntas de entrevista sobre LLMs",
            "buenas, me puedes hacer una pregunta sobre transformers?",
            "Hola, tengo una entrevista de machine learning la semana que viene y necesito "
            "practicar",
            "empecemos una entrevista simulada sobre sistemas RAG por favor",
            "buenos días, quiero la pregunta del día",
            "hola",
        ],
        "short": [
            "ok",
            "siguiente",
            "pista",
            "no sé",
            "gracias!",
            "vale",
            "sí",
            "otra",
            "jaja",
            "dale",
            "entendido",
            "👍",
        ],
        "answers": [
            "El attention dropout pone a cero algunos pesos de atención después del softmax, así "
            "el modelo no depende de un solo token y generaliza mejor.",
            "Con LoRA congelas los weights del modelo base y entrenas dos matrices low-rank por "
            "cada capa, entonces el número de parámetros entrenables es muy pequeño.",
            "En un pipeline de RAG recuperas los chunks más relevantes del vector store y los "
            "metes en el prompt, y eso reduce las alucinaciones si los documentos son buenos.",
            "El KV cache guarda las keys y values de los tokens anteriores para que en cada paso "
            "de decoding solo calcules la atención del token nuevo.",
            "La quantization a int8 o a 4 bits reduce la memoria y acelera la inferencia, aunque "
            "normalmente pierdes un poco de accuracy.",
            "En RLHF primero entrenas un reward model con preferencias humanas y luego optimizas "
            "la policy con PPO, con una penalización KL para no alejarte demasiado.",
            "La tokenización por subwords como BPE parte las palabras raras en trozos más "
            "pequeños, por eso casi no hay tokens fuera del vocabulario.",
            "Un mixture of experts manda cada token a unos pocos expertos, así que el modelo tiene "
            "muchos parámetros pero cada token usa solo una parte.",
            "Para defenderme del prompt injection separaría las instrucciones de los datos del "
            "usuario y no dejaría que el texto recuperado cambie la tarea.",
            "La perplexity es la exponencial del promedio de la log-likelihood negativa por token; "
            "cuanto más baja, menos sorprendido está el modelo.",
            "Los positional encodings le dicen al modelo el orden de los tokens, porque el "
            "self-attention por sí solo no sabe las posiciones.",
            "No estoy del todo seguro, pero creo que la cosine similarity ignora la longitud del "
            "vector y el dot product no.",
        ],
        "meta": [
            "¿me lo puedes explicar de otra manera?",
            "¿por qué me pusiste un 5? mencioné el KV cache",
            "¿cuál era la diferencia entre LoRA y prefix tuning?",
            "¿me das una pregunta más fácil por favor?",
            "no entiendo la pregunta de seguimiento",
            "¿cuál era la respuesta de referencia de esa?",
            "cambiemos a preguntas sobre métricas de evaluación",
            "¿cuántas preguntas respondí esta semana?",
        ],
        "code_intros": ["yo lo haría así:", "mi implementación:", "¿algo así?"],
    },
    "pt": {
        "openers": [
            "oi! quero praticar perguntas de entrevista sobre LLMs",
            "e aí, pode me fazer uma pergunta sobre transformers?",
            "Olá, tenho uma entrevista de machine learning semana que vem e preciso treinar",
            "vamos começar uma entrevista simulada sobre sistemas RAG, por favor",
            "bom dia, quero a pergunta do dia",
            "oi",
        ],
        "short": [
            "ok",
            "próxima",
            "dica",
            "não sei",
            "valeu!",
            "beleza",
            "sim",
            "outra",
            "kkkk",
            "entendi",
            "blz",
            "👍",
        ],
        "answers": [
            "O attention dropout zera alguns pesos de atenção depois do softmax, então o modelo "
            "não depende de um único token e generaliza melhor.",
            "Com LoRA você congela os weights do modelo base e treina duas matrizes low-rank em "
            "cada camada, então o número de parâmetros treináveis fica bem pequeno.",
            "Num pipeline de RAG você busca os chunks mais relevantes no vector store e coloca no "
            "prompt, e isso diminui as alucinações quando os documentos são bons.",
            "O KV cache guarda as keys e values dos tokens anteriores, assim em cada passo de "
            "decoding você só calcula a atenção do token novo.",
            "A quantization para int8 ou 4 bits reduz a memória e acelera a inferência, mas "
            "normalmente você perde um pouco de accuracy.",
            "No RLHF primeiro você treina um reward model com preferências humanas e depois "
            "otimiza a policy com PPO, com uma penalidade KL pra não se afastar demais.",
            "A tokenização por subwords tipo BPE quebra as palavras raras em pedaços menores, por "
            "isso quase não existem tokens fora do vocabulário.",
            "Um mixture of experts manda cada token para poucos especialistas, então o modelo tem "
            "muitos parâmetros mas cada token usa só uma parte deles.",
            "Pra me defender de prompt injection eu separaria as instruções dos dados do usuário e "
            "não deixaria o texto recuperado mudar a tarefa.",
            "A perplexity é a exponencial da média da log-likelihood negativa por token; quanto "
            "menor, menos surpreso o modelo fica.",
            "Os positional encodings dizem ao modelo a ordem dos tokens, porque o self-attention "
            "sozinho não sabe as posições.",
            "Não tenho certeza, mas acho que a cosine similarity ignora o tamanho do vetor e o dot "
            "product não.",
        ],
        "meta": [
            "pode me explicar de outro jeito?",
            "por que eu tirei só 5? eu falei do KV cache",
            "qual era a diferença entre LoRA e prefix tuning mesmo?",
            "me dá uma pergunta mais fácil, por favor",
            "não entendi a pergunta de acompanhamento",
            "qual era a resposta de referência dessa?",
            "vamos mudar para perguntas sobre métricas de avaliação",
            "quantas perguntas eu respondi essa semana?",
        ],
        "code_intros": ["eu faria assim:", "minha implementação:", "algo assim?"],
    },
    "fr": {
        "openers": [
            "salut ! je voudrais m'entraîner sur des questions d'entretien sur les LLM",
            "bonjour, tu peux me poser une question sur les transformers ?",
            "Bonjour, j'ai un entretien de machine learning la semaine prochaine et je dois "
            "réviser",
            "on commence un entretien blanc sur les systèmes RAG s'il te plaît",
            "bonjour, je veux la question du jour",
            "salut",
        ],
        "short": [
            "ok",
            "suivant",
            "indice",
            "je sais pas",
            "merci !",
            "d'accord",
            "oui",
            "une autre",
            "mdr",
            "compris",
            "ouais",
            "👍",
        ],
        "answers": [
            "L'attention dropout met à zéro certains poids d'attention après le softmax, donc le "
            "modèle ne dépend pas d'un seul token et généralise mieux.",
            "Avec LoRA on gèle les weights du modèle de base et on entraîne deux matrices low-rank "
            "par couche, donc très peu de paramètres sont entraînés.",
            "Dans un pipeline RAG on récupère les chunks les plus pertinents dans le vector store "
            "et on les met dans le prompt, ce qui réduit les hallucinations si les documents sont "
            "bons.",
            "Le KV cache garde les keys et les values des tokens précédents pour qu'à chaque étape "
            "de decoding on ne calcule l'attention que pour le nouveau token.",
            "La quantization en int8 ou en 4 bits réduit la mémoire et accélère l'inférence, mais "
            "en général on perd un peu d'accuracy.",
            "En RLHF on entraîne d'abord un reward model sur des préférences humaines, puis on "
            "optimise la policy avec PPO, avec une pénalité KL pour ne pas trop s'éloigner.",
            "La tokenisation en subwords comme BPE découpe les mots rares en morceaux plus petits, "
            "donc il n'y a presque pas de tokens hors vocabulaire.",
            "Un mixture of experts envoie chaque token vers quelques experts, donc le modèle a "
            "beaucoup de paramètres mais chaque token n'en utilise qu'une partie.",
            "Pour me protéger du prompt injection je séparerais les instructions des données de "
            "l'utilisateur et je ne laisserais jamais le texte récupéré changer la tâche.",
            "La perplexity est l'exponentielle de la moyenne de la log-likelihood négative par "
            "token ; plus elle est basse, moins le modèle est surpris.",
            "Les positional encodings donnent au modèle l'ordre des tokens, parce que le "
            "self-attention tout seul ne connaît pas les positions.",
            "Je ne suis pas sûr, mais je crois que la cosine similarity ignore la longueur du "
            "vecteur alors que le dot product non.",
        ],
        "meta": [
            "tu peux me l'expliquer autrement ?",
            "pourquoi j'ai eu seulement 5 ? j'ai parlé du KV cache",
            "c'est quoi déjà la différence entre LoRA et prefix tuning ?",
            "tu peux me donner une question plus facile s'il te plaît",
            "je ne comprends pas la question de suivi",
            "c'était quoi la réponse de référence pour celle-là ?",
            "on passe aux questions sur les métriques d'évaluation",
            "combien de questions j'ai répondu cette semaine ?",
        ],
        "code_intros": ["moi je ferais comme ça :", "mon implémentation :", "un truc comme ça ?"],
    },
    "de": {
        "openers": [
            "hi! ich möchte Interviewfragen zu LLMs üben",
            "Hallo, kannst du mir eine Frage zu Transformern stellen?",
            "Hallo, ich habe nächste Woche ein Vorstellungsgespräch als ML Engineer und muss üben",
            "lass uns ein Probeinterview zu RAG-Systemen starten bitte",
            "guten Morgen, ich will die Frage des Tages",
            "hallo",
        ],
        "short": [
            "ok",
            "weiter",
            "Tipp",
            "keine Ahnung",
            "danke!",
            "passt",
            "ja",
            "noch eine",
            "haha",
            "verstanden",
            "jo",
            "👍",
        ],
        "answers": [
            "Attention Dropout setzt nach dem Softmax zufällig einige Attention-Gewichte auf null, "
            "dadurch verlässt sich das Modell nicht auf ein einzelnes Token und generalisiert "
            "besser.",
            "Bei LoRA friert man die Weights des Basismodells ein und trainiert pro Layer zwei "
            "low-rank Matrizen, deshalb ist die Zahl der trainierbaren Parameter sehr klein.",
            "In einer RAG-Pipeline holt man die relevantesten Chunks aus dem Vector Store und "
            "packt sie in den Prompt, das reduziert Halluzinationen, wenn die Dokumente gut sind.",
            "Der KV Cache speichert die Keys und Values der vorherigen Tokens, sodass man bei "
            "jedem Decoding-Schritt nur die Attention für das neue Token berechnen muss.",
            "Quantization auf int8 oder 4 Bit spart Speicher und beschleunigt die Inferenz, aber "
            "man verliert meistens ein bisschen Accuracy.",
            "Bei RLHF trainiert man zuerst ein Reward Model auf menschlichen Präferenzen und "
            "optimiert dann die Policy mit PPO, mit einer KL-Strafe, damit sie sich nicht zu weit "
            "entfernt.",
            "Subword-Tokenisierung wie BPE zerlegt seltene Wörter in kleinere Stücke, deshalb gibt "
            "es fast keine Tokens außerhalb des Vokabulars.",
            "Ein Mixture of Experts schickt jedes Token nur an wenige Experten, das Modell hat "
            "also viele Parameter, aber jedes Token nutzt nur einen kleinen Teil davon.",
            "Gegen Prompt Injection würde ich die Anweisungen strikt von den Nutzerdaten trennen "
            "und nie zulassen, dass abgerufener Text die Aufgabe ändert.",
            "Perplexity ist die Exponentialfunktion der durchschnittlichen negativen "
            "Log-Likelihood pro Token; je niedriger, desto weniger überrascht ist das Modell.",
            "Positional Encodings sagen dem Modell die Reihenfolge der Tokens, weil Self-Attention "
            "allein die Positionen nicht kennt.",
            "Ich bin mir nicht ganz sicher, aber ich glaube, die Cosine Similarity ignoriert die "
            "Länge des Vektors und das Dot Product nicht.",
        ],
        "meta": [
            "kannst du das anders erklären?",
            "warum habe ich nur eine 5 bekommen? ich habe den KV Cache erwähnt",
            "was war nochmal der Unterschied zwischen LoRA und Prefix Tuning?",
            "gib mir bitte eine leichtere Frage",
            "ich verstehe die Folgefrage nicht",
            "was war die Referenzantwort für die Frage?",
            "lass uns zu Fragen über Evaluationsmetriken wechseln",
            "wie viele Fragen habe ich diese Woche beantwortet?",
        ],
        "code_intros": ["ich würde es so machen:", "meine Implementierung:", "so ungefähr?"],
    },
    "it": {
        "openers": [
            "ciao! vorrei esercitarmi con domande da colloquio sugli LLM",
            "ciao, mi fai una domanda sui transformer?",
            "Buongiorno, ho un colloquio di machine learning la settimana prossima e devo "
            "prepararmi",
            "iniziamo un colloquio simulato sui sistemi RAG per favore",
            "buongiorno, voglio la domanda del giorno",
            "ciao",
        ],
        "short": [
            "ok",
            "prossima",
            "suggerimento",
            "non lo so",
            "grazie!",
            "va bene",
            "sì",
            "un'altra",
            "ahah",
            "capito",
            "dai",
            "👍",
        ],
        "answers": [
            "L'attention dropout azzera alcuni pesi di attenzione dopo il softmax, così il modello "
            "non dipende da un solo token e generalizza meglio.",
            "Con LoRA congeli i weights del modello base e alleni due matrici low-rank per ogni "
            "layer, quindi i parametri da addestrare sono pochissimi.",
            "In una pipeline RAG recuperi i chunk più rilevanti dal vector store e li metti nel "
            "prompt, e questo riduce le allucinazioni se i documenti sono buoni.",
            "Il KV cache salva le keys e i values dei token precedenti, così a ogni passo di "
            "decoding calcoli l'attenzione solo per il token nuovo.",
            "La quantization a int8 o a 4 bit riduce la memoria e velocizza l'inferenza, però di "
            "solito perdi un po' di accuracy.",
            "Nell'RLHF prima alleni un reward model sulle preferenze umane e poi ottimizzi la "
            "policy con PPO, con una penalità KL per non allontanarti troppo.",
            "La tokenizzazione a subword come BPE spezza le parole rare in pezzi più piccoli, per "
            "questo non ci sono quasi token fuori dal vocabolario.",
            "Un mixture of experts manda ogni token solo a pochi esperti, quindi il modello ha "
            "tanti parametri ma ogni token ne usa solo una parte.",
            "Per difendermi dal prompt injection separerei le istruzioni dai dati dell'utente e "
            "non lascerei mai che il testo recuperato cambi il compito.",
            "La perplexity è l'esponenziale della media della log-likelihood negativa per token; "
            "più è bassa, meno il modello è sorpreso.",
            "I positional encoding dicono al modello l'ordine dei token, perché la self-attention "
            "da sola non conosce le posizioni.",
            "Non sono sicurissimo, ma credo che la cosine similarity ignori la lunghezza del "
            "vettore mentre il dot product no.",
        ],
        "meta": [
            "me lo puoi spiegare in un altro modo?",
            "perché ho preso solo 5? ho parlato del KV cache",
            "qual era la differenza tra LoRA e prefix tuning?",
            "mi dai una domanda più facile per favore?",
            "non capisco la domanda di approfondimento",
            "qual era la risposta di riferimento per quella?",
            "passiamo a domande sulle metriche di valutazione",
            "quante domande ho risposto questa settimana?",
        ],
        "code_intros": ["io lo farei così:", "la mia implementazione:", "una cosa del genere?"],
    },
    "tr": {
        "openers": [
            "selam! LLM mülakat soruları üzerine pratik yapmak istiyorum",
            "merhaba, bana transformer hakkında bir soru sorabilir misin?",
            "Merhaba, gelecek hafta machine learning mülakatım var ve çalışmam lazım",
            "RAG sistemleri üzerine bir deneme mülakatı başlatalım lütfen",
            "günaydın, günün sorusunu istiyorum",
            "selam",
        ],
        "short": [
            "tamam",
            "sonraki",
            "ipucu",
            "bilmiyorum",
            "teşekkürler!",
            "olur",
            "evet",
            "başka",
            "haha",
            "anladım",
            "ok",
            "👍",
        ],
        "answers": [
            "Attention dropout, softmax'tan sonra bazı attention ağırlıklarını sıfırlar, böylece "
            "model tek bir token'a bağımlı kalmaz ve daha iyi genelleşir.",
            "LoRA'da temel modelin weight'lerini donduruyorsun ve her katmanda iki tane low-rank "
            "matris eğitiyorsun, bu yüzden eğitilen parametre sayısı çok az oluyor.",
            "Bir RAG pipeline'ında vector store'dan en alakalı chunk'ları çekip prompt'a "
            "koyuyorsun, dokümanlar iyiyse bu halüsinasyonları azaltıyor.",
            "KV cache önceki token'ların key ve value'larını saklıyor, böylece her decoding "
            "adımında sadece yeni token için attention hesaplıyorsun.",
            "int8 ya da 4 bit quantization belleği azaltır ve çıkarımı hızlandırır, ama genelde "
            "biraz accuracy kaybedersin.",
            "RLHF'te önce insan tercihleriyle bir reward model eğitiyorsun, sonra policy'yi PPO "
            "ile optimize ediyorsun ve çok uzaklaşmasın diye KL cezası ekliyorsun.",
            "BPE gibi subword tokenizasyonu nadir kelimeleri daha küçük parçalara bölüyor, o "
            "yüzden sözlük dışı token neredeyse hiç kalmıyor.",
            "Mixture of experts her token'ı sadece birkaç uzmana gönderiyor, yani modelin çok "
            "parametresi var ama her token bunların küçük bir kısmını kullanıyor.",
            "Prompt injection'a karşı talimatları kullanıcı verisinden ayırırdım ve getirilen "
            "metnin görevi değiştirmesine asla izin vermezdim.",
            "Perplexity, token başına ortalama negatif log-likelihood'un üstelidir; ne kadar "
            "düşükse model o kadar az şaşırıyor demektir.",
            "Positional encoding modele token'ların sırasını söylüyor, çünkü self-attention tek "
            "başına pozisyonları bilmiyor.",
            "Tam emin değilim ama bence cosine similarity vektörün uzunluğunu dikkate almıyor, dot "
            "product ise alıyor.",
        ],
        "meta": [
            "bunu başka bir şekilde açıklayabilir misin?",
            "neden sadece 5 aldım? KV cache'ten bahsetmiştim",
            "LoRA ile prefix tuning arasındaki fark neydi?",
            "daha kolay bir soru verir misin lütfen",
            "takip sorusunu anlamadım",
            "bunun referans cevabı neydi?",
            "değerlendirme metrikleri sorularına geçelim",
            "bu hafta kaç soru cevapladım?",
        ],
        "code_intros": ["ben şöyle yapardım:", "benim implementasyonum:", "böyle bir şey mi?"],
    },
    "vi": {
        "openers": [
            "chào bạn! mình muốn luyện câu hỏi phỏng vấn về LLM",
            "xin chào, bạn hỏi mình một câu về transformer được không?",
            "Chào, tuần sau mình có buổi phỏng vấn machine learning nên cần luyện tập",
            "bắt đầu một buổi phỏng vấn thử về hệ thống RAG nhé",
            "chào buổi sáng, cho mình câu hỏi hôm nay",
            "chào",
        ],
        "short": [
            "ok",
            "tiếp",
            "gợi ý",
            "không biết",
            "cảm ơn!",
            "được",
            "vâng",
            "câu khác",
            "haha",
            "hiểu rồi",
            "ừ",
            "👍",
        ],
        "answers": [
            "Attention dropout đặt ngẫu nhiên một số trọng số attention về không sau softmax, nhờ "
            "vậy mô hình không phụ thuộc vào một token duy nhất và tổng quát hóa tốt hơn.",
            "Với LoRA mình đóng băng weights của mô hình gốc và chỉ huấn luyện hai ma trận "
            "low-rank ở mỗi lớp, nên số tham số cần huấn luyện rất nhỏ.",
            "Trong pipeline RAG mình lấy các chunk liên quan nhất từ vector store rồi đưa vào "
            "prompt, cách này giảm ảo giác nếu tài liệu tốt.",
            "KV cache lưu keys và values của các token trước đó, nên ở mỗi bước decoding chỉ cần "
            "tính attention cho token mới.",
            "Quantization xuống int8 hoặc 4 bit giúp giảm bộ nhớ và tăng tốc suy luận, nhưng "
            "thường sẽ mất một chút accuracy.",
            "Trong RLHF đầu tiên mình huấn luyện reward model từ sở thích của con người, sau đó "
            "tối ưu policy bằng PPO với một hình phạt KL để không đi quá xa.",
            "Tokenization kiểu subword như BPE tách những từ hiếm thành các mảnh nhỏ hơn, vì vậy "
            "gần như không có token nằm ngoài từ vựng.",
            "Mixture of experts gửi mỗi token đến một vài chuyên gia, nên mô hình có rất nhiều "
            "tham số nhưng mỗi token chỉ dùng một phần nhỏ.",
            "Để chống prompt injection mình sẽ tách hướng dẫn khỏi dữ liệu người dùng và không bao "
            "giờ để văn bản truy xuất được thay đổi nhiệm vụ.",
            "Perplexity là hàm mũ của trung bình log-likelihood âm trên mỗi token; càng thấp thì "
            "mô hình càng ít bị bất ngờ.",
            "Positional encoding cho mô hình biết thứ tự của các token, vì bản thân self-attention "
            "không biết vị trí.",
            "Mình không chắc lắm, nhưng mình nghĩ cosine similarity bỏ qua độ dài của vector còn "
            "dot product thì không.",
        ],
        "meta": [
            "bạn giải thích cách khác được không?",
            "sao mình chỉ được 5 điểm? mình có nói về KV cache mà",
            "khác nhau giữa LoRA và prefix tuning là gì nhỉ?",
            "cho mình câu hỏi dễ hơn được không",
            "mình không hiểu câu hỏi tiếp theo",
            "câu trả lời tham khảo của câu đó là gì?",
            "chuyển sang câu hỏi về chỉ số đánh giá đi",
            "tuần này mình đã trả lời bao nhiêu câu?",
        ],
        "code_intros": ["mình sẽ làm như thế này:", "code của mình:", "kiểu như này đúng không?"],
    },
    "id": {
        "openers": [
            "halo! aku mau latihan pertanyaan wawancara tentang LLM",
            "hai, bisa kasih aku pertanyaan tentang transformer?",
            "Halo, minggu depan saya ada wawancara machine learning dan perlu latihan",
            "ayo mulai simulasi wawancara tentang sistem RAG ya",
            "selamat pagi, saya mau pertanyaan hari ini",
            "halo",
        ],
        "short": [
            "ok",
            "lanjut",
            "petunjuk",
            "gak tahu",
            "makasih!",
            "oke",
            "iya",
            "lagi",
            "wkwk",
            "paham",
            "siap",
            "👍",
        ],
        "answers": [
            "Attention dropout membuat beberapa bobot attention menjadi nol secara acak setelah "
            "softmax, jadi model tidak bergantung pada satu token saja dan generalisasinya lebih "
            "baik.",
            "Dengan LoRA kita membekukan weights model dasar dan hanya melatih dua matriks "
            "low-rank di setiap layer, jadi jumlah parameter yang dilatih sangat kecil.",
            "Di pipeline RAG kita mengambil chunk yang paling relevan dari vector store lalu "
            "memasukkannya ke prompt, dan itu mengurangi halusinasi kalau dokumennya bagus.",
            "KV cache menyimpan keys dan values dari token sebelumnya, sehingga di setiap langkah "
            "decoding kita hanya menghitung attention untuk token yang baru.",
            "Quantization ke int8 atau 4 bit mengurangi memori dan mempercepat inferensi, tapi "
            "biasanya kita kehilangan sedikit accuracy.",
            "Di RLHF pertama kita melatih reward model dari preferensi manusia, lalu "
            "mengoptimalkan policy dengan PPO dan penalti KL supaya tidak terlalu jauh.",
            "Tokenisasi subword seperti BPE memecah kata yang jarang menjadi potongan yang lebih "
            "kecil, makanya hampir tidak ada token di luar kosakata.",
            "Mixture of experts mengirim setiap token ke beberapa ahli saja, jadi modelnya punya "
            "banyak parameter tapi setiap token cuma memakai sebagian kecil.",
            "Untuk melawan prompt injection saya akan memisahkan instruksi dari data pengguna dan "
            "tidak pernah membiarkan teks hasil retrieval mengubah tugasnya.",
            "Perplexity adalah eksponensial dari rata-rata log-likelihood negatif per token; "
            "semakin rendah, semakin sedikit model merasa terkejut.",
            "Positional encoding memberi tahu model urutan token, karena self-attention sendiri "
            "tidak tahu posisi.",
            "Saya kurang yakin, tapi menurut saya cosine similarity mengabaikan panjang vektor "
            "sedangkan dot product tidak.",
        ],
        "meta": [
            "bisa jelaskan dengan cara lain?",
            "kenapa saya cuma dapat 5? saya sudah menyebut KV cache",
            "apa bedanya LoRA dan prefix tuning ya?",
            "kasih pertanyaan yang lebih gampang dong",
            "saya tidak mengerti pertanyaan lanjutannya",
            "jawaban referensi untuk yang itu apa?",
            "ganti ke pertanyaan tentang metrik evaluasi yuk",
            "minggu ini saya sudah jawab berapa pertanyaan?",
        ],
        "code_intros": ["kalau saya begini:", "implementasi saya:", "kira-kira begini?"],
    },
    "hi": {
        "openers": [
            "नमस्ते! मैं LLM इंटरव्यू के सवालों की प्रैक्टिस करना चाहता हूँ",
            "हाय, क्या आप मुझसे transformers पर एक सवाल पूछ सकते हैं?",
            "नमस्ते, अगले हफ्ते मेरा machine learning इंटरव्यू है और मुझे तैयारी करनी है",
            "RAG सिस्टम पर एक मॉक इंटरव्यू शुरू करते हैं",
            "सुप्रभात, आज का सवाल दीजिए",
            "नमस्ते",
        ],
        "short": [
            "ठीक है",
            "अगला",
            "संकेत",
            "पता नहीं",
            "धन्यवाद!",
            "हाँ",
            "नहीं",
            "एक और",
            "समझ गया",
            "ok",
            "अच्छा",
            "👍",
        ],
        "answers": [
            "Attention dropout softmax के बाद कुछ attention weights को random तरीके से zero कर "
            "देता है, इसलिए model किसी एक token पर निर्भर नहीं रहता और बेहतर generalize करता है।",
            "LoRA में हम base model के weights को freeze कर देते हैं और हर layer में दो low-rank "
            "matrices train करते हैं, इसलिए trainable parameters बहुत कम होते हैं।",
            "RAG pipeline में हम vector store से सबसे relevant chunks निकालते हैं और उन्हें prompt "
            "में डालते हैं, अगर documents अच्छे हों तो hallucination कम होता है।",
            "KV cache पिछले tokens की keys और values को store करता है, ताकि हर decoding step में "
            "सिर्फ नए token के लिए attention निकालना पड़े।",
            "int8 या 4-bit quantization से memory कम लगती है और inference तेज़ होता है, लेकिन "
            "आमतौर पर थोड़ी accuracy चली जाती है।",
            "RLHF में पहले human preferences से एक reward model train करते हैं, फिर PPO से policy "
            "को optimize करते हैं और KL penalty लगाते हैं ताकि model बहुत दूर न जाए।",
            "BPE जैसा subword tokenization दुर्लभ शब्दों को छोटे टुकड़ों में तोड़ देता है, इसलिए "
            "vocabulary से बाहर वाले tokens लगभग नहीं होते।",
            "Mixture of experts हर token को सिर्फ कुछ experts के पास भेजता है, तो model में "
            "parameters बहुत होते हैं पर हर token उनका छोटा हिस्सा ही use करता है।",
            "Prompt injection से बचने के लिए मैं instructions को user data से अलग रखूँगा और "
            "retrieved text को task बदलने नहीं दूँगा।",
            "Perplexity हर token के average negative log-likelihood का exponential है; जितनी कम "
            "हो, model उतना कम surprised है।",
            "Positional encodings model को tokens का order बताते हैं, क्योंकि self-attention अपने "
            "आप positions नहीं जानता।",
            "मुझे पक्का नहीं पता, लेकिन मुझे लगता है cosine similarity vector की length को ignore "
            "करती है और dot product नहीं करता।",
        ],
        "meta": [
            "क्या आप इसे दूसरे तरीके से समझा सकते हैं?",
            "मुझे सिर्फ 5 क्यों मिला? मैंने KV cache का ज़िक्र किया था",
            "LoRA और prefix tuning में क्या फर्क था?",
            "कृपया कोई आसान सवाल दीजिए",
            "मुझे follow-up सवाल समझ नहीं आया",
            "उस सवाल का reference answer क्या था?",
            "अब evaluation metrics वाले सवाल करते हैं",
            "इस हफ्ते मैंने कितने सवालों के जवाब दिए?",
        ],
        "code_intros": ["मैं ऐसे करूँगा:", "मेरा implementation:", "कुछ ऐसा?"],
    },
    "zh": {
        "openers": [
            "你好！我想练习一些LLM面试题",
            "嗨，可以问我一个关于transformer的问题吗？",
            "你好，我下周有一个机器学习的面试，需要准备一下",
            "开始一场关于RAG系统的模拟面试吧",
            "早上好，我想要今天的每日一题",
            "你好",
        ],
        "short": [
            "好",
            "下一题",
            "提示",
            "不知道",
            "谢谢！",
            "好的",
            "是的",
            "再来一个",
            "哈哈",
            "明白了",
            "ok",
            "👍",
        ],
        "answers": [
            "Attention dropout 在 softmax 之后随机把一部分注意力权重置零，这样模型不会依赖某一个 "
            "token，泛化能力更好。",
            "LoRA 冻结基础模型的 weights，只在每一层训练两个 low-rank 矩阵，"
            "所以需要训练的参数非常少。",
            "在 RAG pipeline 里，我们从 vector store 里检索最相关的 chunks 放进 prompt，"
            "如果文档质量好，就能减少幻觉。",
            "KV cache 保存之前 token 的 keys 和 values，这样每一步 decoding 只需要计算新 token "
            "的注意力。",
            "把模型 quantization 到 int8 或者 4-bit 可以减少显存、加快推理，但是通常会损失一点 "
            "accuracy。",
            "RLHF 先用人类偏好训练一个 reward model，然后用 PPO 优化 policy，并加上 KL "
            "惩罚防止偏离太远。",
            "像 BPE 这样的 subword 分词会把罕见词拆成更小的片段，所以几乎没有词表外的 token。",
            "Mixture of experts 把每个 token 只路由到少数几个专家，所以模型参数很多，"
            "但每个 token 只用到一小部分。",
            "防御 prompt injection 的话，我会把指令和用户数据分开，绝不让检索到的文本改变任务。",
            "Perplexity 是每个 token 平均负对数似然的指数；越低说明模型越不“惊讶”。",
            "Positional encoding 告诉模型 token 的顺序，因为 self-attention 本身不知道位置信息。",
            "我不太确定，不过我觉得 cosine similarity 忽略了向量的长度，而 dot product 不会。",
            "我覺得 RAG 最大的問題是檢索的品質，如果 chunks 不相關，模型還是會產生幻覺。",
            "LoRA 只訓練低秩矩陣，所以顯存用量比全參數微調少很多。",
        ],
        "meta": [
            "能换一种方式解释一下吗？",
            "为什么我只得了5分？我提到了KV cache",
            "LoRA和prefix tuning的区别是什么来着？",
            "请给我一个简单一点的问题",
            "我没看懂这个追问",
            "那道题的参考答案是什么？",
            "我们换成评估指标相关的问题吧",
            "我这周回答了多少道题？",
            "可以再解釋一次 KV cache 嗎？我還是不太懂。",
        ],
        "code_intros": ["我会这样写：", "我的实现：", "是这样吗？"],
    },
    "ja": {
        "openers": [
            "こんにちは！LLMの面接質問を練習したいです",
            "transformerについて質問してもらえますか？",
            "来週機械学習エンジニアの面接があるので練習したいです",
            "RAGシステムの模擬面接を始めてください",
            "おはようございます、今日の問題をお願いします",
            "こんにちは",
        ],
        "short": [
            "はい",
            "次",
            "ヒント",
            "わからない",
            "ありがとう！",
            "了解",
            "うん",
            "もう一問",
            "笑",
            "なるほど",
            "ok",
            "👍",
        ],
        "answers": [
            "Attention dropoutはsoftmaxの後にattentionの重みの一部をランダムにゼロにするので、"
            "モデルが特定のtokenに依存しなくなり汎化性能が上がります。",
            "LoRAではベースモデルのweightsを凍結して、各layerに二つのlow-rank行列だけを学習するので、"
            "学習するパラメータがとても少ないです。",
            "RAGのpipelineではvector storeから関連するchunkを検索してpromptに入れるので、"
            "ドキュメントが良ければハルシネーションが減ります。",
            "KV cacheは前のtokenのkeyとvalueを保存しておくので、decodingの各ステップでは新しい"
            "tokenのattentionだけを計算すればいいです。",
            "int8や4-bitへのquantizationでメモリが減って推論が速くなりますが、普通は少しaccuracyが"
            "落ちます。",
            "RLHFではまず人間の好みからreward modelを学習して、その後PPOでpolicyを最適化し、"
            "離れすぎないようにKLペナルティをかけます。",
            "BPEのようなsubwordトークナイズはまれな単語を小さい部分に分割するので、語彙外のtokenが"
            "ほとんどなくなります。",
            "Mixture of expertsは各tokenを少数のexpertにだけ送るので、パラメータは多いけど各token"
            "が使うのは一部だけです。",
            "prompt injection対策としては、指示とユーザーデータを分けて、検索したテキストがタスクを"
            "変えられないようにします。",
            "Perplexityはtokenごとの平均負の対数尤度の指数で、低いほどモデルが驚いていないという"
            "意味です。",
            "Positional encodingはtokenの順番をモデルに教えます。self-attentionだけでは位置が"
            "わからないからです。",
            "自信はないですが、cosine similarityはベクトルの長さを無視して、dot productは無視しない"
            "と思います。",
        ],
        "meta": [
            "別の言い方で説明してもらえますか？",
            "なんで5点だけなんですか？KV cacheについても書きました",
            "LoRAとprefix tuningの違いは何でしたっけ？",
            "もう少し簡単な問題をお願いします",
            "フォローアップの質問がよくわかりません",
            "その問題の模範解答は何でしたか？",
            "評価指標についての問題に変えましょう",
            "今週は何問答えましたか？",
        ],
        "code_intros": ["こんな感じで実装します：", "自分の実装です：", "こういうことですか？"],
    },
    "ko": {
        "openers": [
            "안녕하세요! LLM 면접 질문 연습하고 싶어요",
            "transformer에 대한 질문 하나 해줄래요?",
            "다음 주에 머신러닝 면접이 있어서 연습이 필요해요",
            "RAG 시스템 모의 면접 시작해 주세요",
            "좋은 아침이에요, 오늘의 질문 주세요",
            "안녕",
        ],
        "short": [
            "네",
            "다음",
            "힌트",
            "모르겠어요",
            "감사합니다!",
            "좋아요",
            "응",
            "하나 더",
            "ㅋㅋㅋ",
            "알겠어요",
            "ok",
            "👍",
        ],
        "answers": [
            "Attention dropout은 softmax 다음에 attention 가중치 일부를 랜덤하게 0으로 만들어서, "
            "모델이 특정 token 하나에 의존하지 않고 일반화가 더 잘 돼요.",
            "LoRA는 base model의 weights를 고정하고 각 layer마다 low-rank 행렬 두 개만 학습해서 "
            "학습할 파라미터가 아주 적어요.",
            "RAG pipeline에서는 vector store에서 가장 관련 있는 chunk를 찾아서 prompt에 넣는데, "
            "문서가 좋으면 환각이 줄어들어요.",
            "KV cache는 이전 token들의 key와 value를 저장해 두기 때문에 decoding 단계마다 새 "
            "token의 attention만 계산하면 돼요.",
            "int8이나 4-bit로 quantization 하면 메모리가 줄고 추론이 빨라지지만 보통 accuracy가 "
            "조금 떨어져요.",
            "RLHF에서는 먼저 사람의 선호 데이터로 reward model을 학습하고, 그 다음 PPO로 policy를 "
            "최적화하면서 KL 페널티를 줘요.",
            "BPE 같은 subword 토큰화는 드문 단어를 더 작은 조각으로 나눠서 어휘 밖 token이 거의 "
            "없어요.",
            "Mixture of experts는 각 token을 몇 개의 expert에게만 보내기 때문에 파라미터는 많아도 "
            "token마다 일부만 써요.",
            "prompt injection을 막으려면 지시문과 사용자 데이터를 분리하고, 검색된 텍스트가 작업을 "
            "바꾸지 못하게 할 거예요.",
            "Perplexity는 token당 평균 음의 로그 우도의 지수값이고, 낮을수록 모델이 덜 놀란다는 "
            "뜻이에요.",
            "Positional encoding은 모델에게 token 순서를 알려줘요. self-attention만으로는 위치를 "
            "모르니까요.",
            "확실하진 않지만 cosine similarity는 벡터 길이를 무시하고 dot product는 그렇지 않은 것 "
            "같아요.",
        ],
        "meta": [
            "다른 방식으로 설명해 줄 수 있어요?",
            "왜 5점밖에 못 받았어요? KV cache도 언급했는데",
            "LoRA랑 prefix tuning 차이가 뭐였죠?",
            "좀 더 쉬운 질문 주세요",
            "후속 질문이 이해가 안 돼요",
            "그 질문의 모범 답안이 뭐였어요?",
            "평가 지표 관련 질문으로 바꿔요",
            "이번 주에 몇 문제 풀었어요?",
        ],
        "code_intros": ["저는 이렇게 할 것 같아요:", "제 구현이에요:", "이런 느낌인가요?"],
    },
    "ru": {
        "openers": [
            "привет! хочу потренироваться на вопросах для собеседования по LLM",
            "здравствуйте, можете задать вопрос про трансформеры?",
            "Привет, у меня на следующей неделе собеседование на ML инженера, нужно подготовиться",
            "давай начнём пробное собеседование по RAG системам",
            "доброе утро, хочу вопрос дня",
            "привет",
        ],
        "short": [
            "ок",
            "дальше",
            "подсказка",
            "не знаю",
            "спасибо!",
            "ага",
            "да",
            "ещё",
            "ахах",
            "понял",
            "ok",
            "👍",
        ],
        "answers": [
            "Attention dropout после softmax случайно обнуляет часть весов внимания, поэтому "
            "модель не опирается на один token и лучше обобщает.",
            "В LoRA мы замораживаем weights базовой модели и обучаем только две low-rank матрицы "
            "в каждом слое, так что обучаемых параметров очень мало.",
            "В RAG pipeline мы достаём самые релевантные chunks из vector store и кладём их в "
            "prompt, и если документы хорошие, галлюцинаций становится меньше.",
            "KV cache хранит keys и values предыдущих токенов, поэтому на каждом шаге decoding "
            "считаем attention только для нового токена.",
            "Quantization в int8 или 4 бита уменьшает память и ускоряет инференс, но обычно "
            "немного теряется accuracy.",
            "В RLHF сначала обучают reward model на предпочтениях людей, а потом оптимизируют "
            "policy через PPO с KL штрафом, чтобы не уйти слишком далеко.",
            "Subword токенизация вроде BPE разбивает редкие слова на куски поменьше, поэтому "
            "токенов вне словаря почти не бывает.",
            "Mixture of experts отправляет каждый token только нескольким экспертам, так что "
            "параметров много, но каждый token использует лишь малую часть.",
            "Против prompt injection я бы отделил инструкции от пользовательских данных и не "
            "позволял найденному тексту менять задачу.",
            "Perplexity это экспонента от средней отрицательной log-likelihood на token; чем "
            "ниже, тем меньше модель удивлена.",
            "Positional encodings сообщают модели порядок токенов, потому что self-attention сам "
            "по себе не знает позиций.",
            "Не уверен, но кажется cosine similarity игнорирует длину вектора, а dot product нет.",
        ],
        "meta": [
            "можешь объяснить по-другому?",
            "почему у меня только 5? я же упомянул KV cache",
            "какая там была разница между LoRA и prefix tuning?",
            "дай вопрос попроще, пожалуйста",
            "не понял уточняющий вопрос",
            "какой был эталонный ответ на этот вопрос?",
            "давай перейдём к вопросам про метрики оценки",
            "сколько вопросов я ответил на этой неделе?",
        ],
        "code_intros": ["я бы сделал так:", "моя реализация:", "что-то вроде этого?"],
    },
    "ar": {
        "openers": [
            "مرحبا! أريد أن أتدرب على أسئلة مقابلات عن نماذج LLM",
            "أهلا، هل يمكنك أن تسألني سؤالا عن transformers؟",
            "مرحبا، عندي مقابلة عمل في machine learning الأسبوع القادم وأحتاج إلى التدريب",
            "لنبدأ مقابلة تجريبية عن أنظمة RAG من فضلك",
            "صباح الخير، أريد سؤال اليوم",
            "مرحبا",
        ],
        "short": [
            "حسنا",
            "التالي",
            "تلميح",
            "لا أعرف",
            "شكرا!",
            "نعم",
            "لا",
            "سؤال آخر",
            "هههه",
            "فهمت",
            "ok",
            "👍",
        ],
        "answers": [
            "الـ attention dropout يجعل بعض أوزان الانتباه صفرا بشكل عشوائي بعد الـ softmax، لذلك "
            "لا يعتمد النموذج على token واحد ويعمم بشكل أفضل.",
            "في LoRA نجمد weights النموذج الأساسي وندرب مصفوفتين low-rank فقط في كل طبقة، لذلك "
            "عدد المعاملات التي ندربها صغير جدا.",
            "في RAG pipeline نسترجع أكثر الـ chunks صلة من الـ vector store ونضعها في الـ prompt، "
            "وهذا يقلل الهلوسة إذا كانت المستندات جيدة.",
            "الـ KV cache يحفظ الـ keys والـ values للتوكنات السابقة، فنحسب الانتباه في كل خطوة "
            "decoding للتوكن الجديد فقط.",
            "الـ quantization إلى int8 أو 4 bit يقلل الذاكرة ويسرع الاستدلال، لكن عادة نخسر قليلا "
            "من الـ accuracy.",
            "في RLHF ندرب أولا reward model على تفضيلات البشر، ثم نحسن الـ policy باستخدام PPO مع "
            "عقوبة KL حتى لا يبتعد كثيرا.",
            "التقطيع إلى subwords مثل BPE يقسم الكلمات النادرة إلى أجزاء أصغر، لذلك لا توجد "
            "تقريبا tokens خارج المفردات.",
            "الـ mixture of experts يرسل كل token إلى عدد قليل من الخبراء، فالنموذج فيه معاملات "
            "كثيرة لكن كل token يستخدم جزءا صغيرا منها.",
            "للدفاع ضد prompt injection سأفصل التعليمات عن بيانات المستخدم ولن أسمح للنص المسترجع "
            "بتغيير المهمة.",
            "الـ perplexity هي الأس لمتوسط الـ log-likelihood السالب لكل token، وكلما كانت أقل "
            "كان النموذج أقل تفاجؤا.",
            "الـ positional encodings تخبر النموذج بترتيب التوكنات، لأن الـ self-attention وحده لا "
            "يعرف المواقع.",
            "لست متأكدا، لكن أظن أن الـ cosine similarity تتجاهل طول المتجه بينما الـ dot product "
            "لا يتجاهله.",
        ],
        "meta": [
            "هل يمكنك أن تشرح ذلك بطريقة أخرى؟",
            "لماذا حصلت على 5 فقط؟ لقد ذكرت الـ KV cache",
            "ما الفرق بين LoRA و prefix tuning؟",
            "أعطني سؤالا أسهل من فضلك",
            "لم أفهم سؤال المتابعة",
            "ما هي الإجابة المرجعية لذلك السؤال؟",
            "لننتقل إلى أسئلة عن مقاييس التقييم",
            "كم سؤالا أجبت هذا الأسبوع؟",
        ],
        "code_intros": ["سأفعلها هكذا:", "هذا تنفيذي:", "شيء مثل هذا؟"],
    },
}

CODE_SNIPPETS: list[str] = [
    "```python\nscores = q @ k.transpose(-2, -1) / math.sqrt(d_k)\n"
    "weights = torch.softmax(scores, dim=-1)\n"
    "weights = F.dropout(weights, p=0.1, training=self.training)\n```",
    '```python\nconfig = LoraConfig(r=8, lora_alpha=16, target_modules=["q_proj", "v_proj"])\n'
    "model = get_peft_model(model, config)\nmodel.print_trainable_parameters()\n```",
    "```python\ndocs = retriever.invoke(question)\n"
    'context = "\\n".join(d.page_content for d in docs[:4])\n'
    "answer = llm.invoke(prompt.format(context=context, question=question))\n```",
    "```\nmodel = AutoModelForCausalLM.from_pretrained(name, load_in_4bit=True)\n```",
    "`past_key_values = out.past_key_values`",
    "```python\ndef perplexity(log_probs):\n"
    "    return math.exp(-sum(log_probs) / len(log_probs))\n```",
]

# English a non-English speaker pastes into the chat: an error, the question, a quote. The bot
# should keep answering in the user's language.
ENGLISH_PASTES: list[str] = [
    "RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB (GPU 0; 15.78 GiB total "
    "capacity)",
    '"What is attention dropout in Transformer models? Why is it important during training?"',
    "the paper says: we apply dropout to the output of each sub-layer, before it is added to the "
    "sub-layer input",
    "https://arxiv.org/abs/2106.09685",
    "ValueError: Target modules ['query_key_value'] not found in the base model",
]
