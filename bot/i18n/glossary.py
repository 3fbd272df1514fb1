"""English technical terms to ignore when guessing the language of a message.

People answering ML questions in Spanish or Hindi keep the English terms ("el fine-tuning con LoRA
reduce los weights entrenables"); langdetect counts those terms as English evidence. The glossary
lists them so the detector can remove them first. It is built from a bank's entries, which the
caller loads (tags and the technical words that recur across entries), plus a curated list, and it
only ever removes text: general English words are kept, so plain English is still recognised as
English.
"""

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

# Terms an ML interview answer uses whatever its language. Hyphens and spaces are interchangeable
# when matching ("fine-tuning", "fine tuning"), a joined form is added ("finetuning"), and a plural
# "s"/"es" is accepted.
CURATED_TERMS: tuple[str, ...] = tuple(
    term.strip()
    for term in """
transformer, encoder, decoder, encoder-decoder, decoder-only, attention, self-attention,
cross-attention, multi-head attention, multi-head, head, feed-forward, feed-forward network,
layer, hidden layer, hidden state, residual, residual connection, skip connection, layer norm,
layernorm, batch norm, normalization, activation, activation function, softmax, logit, neural
network, deep learning, machine learning, language model, large language model, foundation
model, model, checkpoint, backbone, mixture of experts, expert, router, gating, embedding,
embeddings, embedding model, word embedding, positional encoding, position embedding, rotary,
context window, context length, long context, kv cache, key-value cache, query, key, value,
weights, weight, bias, parameter, hyperparameter, latent, vector, tensor, matrix, dimension,
rnn, lstm, gru, cnn, mlp, vae, gan, diffusion, autoencoder, autoregressive, seq2seq, bert, gpt,
llama, mistral, mixtral, claude, gemini, chatgpt, openai, hugging face, huggingface, pytorch,
tensorflow, jax, numpy, langchain, llamaindex, vllm, onnx, cuda, triton, deepspeed, megatron,
training, pretraining, pre-training, pretrained, pre-trained, fine-tuning, fine-tune,
fine-tuned, finetune, instruction tuning, instruction-tuned, lora, qlora, peft, adapter, prefix
tuning, prompt tuning, low-rank, rank, alpha, full fine-tuning, frozen, freeze, dataset, data
set, training set, test set, validation set, train, batch, batch size, mini-batch, epoch, step,
learning rate, warmup, scheduler, optimizer, adam, adamw, sgd, momentum, gradient, gradient
descent, backpropagation, backprop, vanishing gradient, exploding gradient, gradient clipping,
loss, loss function, cross-entropy, overfitting, underfitting, overfit, regularization, dropout,
weight decay, early stopping, data augmentation, label, labels, labeling, ground truth,
supervised, unsupervised, self-supervised, contrastive, contrastive learning, rlhf, dpo, ppo,
reward model, reward, policy, alignment, distillation, knowledge distillation, teacher, student,
quantization, pruning, mixed precision, fp16, bf16, int8, int4, curriculum, sampling, negative
sampling, scaling law, scaling laws, compute, flops, throughput, latency,
inference, serving, deployment, deploy, endpoint, api, gpu, cpu, tpu, memory, vram, cache,
caching, semantic cache, batching, continuous batching, speculative decoding, decoding, greedy
decoding, beam search, top-k, top-p, temperature, streaming, sharding, tensor parallelism,
pipeline parallelism, data parallelism, load balancing, rate limit, rate limiting, pipeline,
workflow, rag, retrieval, retrieval-augmented generation, retriever, reranker, re-ranking,
reranking, chunk, chunking, chunk size, overlap, vector store, vector database, vector db,
vector search, index, indexing, hnsw, faiss, chroma, pinecone, bm25, tf-idf, hybrid search,
semantic search, cosine similarity, cosine, dot product, similarity, nearest neighbor, nearest
neighbour, top-k retrieval, knowledge base, grounding, hallucination, prompt, prompt
engineering, system prompt, prompt injection, jailbreak, guardrails, guardrail, few-shot,
zero-shot, one-shot, chain-of-thought, in-context learning, agent, agents, tool calling,
function calling, chatbot, llm, llms, nlp, token, tokens, tokenizer, tokenization, subword, bpe,
wordpiece, sentencepiece, vocabulary, vocab, perplexity, benchmark, baseline, metric, metrics,
accuracy, precision, recall, f1, f1-score, score, auc, roc, bleu, rouge, eval, evaluation, a/b
test, a/b testing, ablation, trade-off, tradeoff, feature, features, classifier, classification,
regression, clustering, logistic regression, naive bayes, precision-recall, confusion matrix,
false positive, false negative, true positive, true negative, feedback, human feedback,
fine-grained, end-to-end, open source, open-source, framework, library, notebook, repo, github,
docker, kubernetes, mlops, monitoring, logging, debugging, debug, bug, prod, production,
staging, cloud, server, backend, frontend, dashboard, use case, use-case, input, output,
encoder-only,
""".split(",")
    if term.strip()
)

# Words from tags and technical names that are everyday words in English or in a supported
# language ("text" is German, "zero" (ZeRO) Italian); a tag such as "long-tail" is still matched
# as a whole.
GENERAL_WORDS: frozenset[str] = frozenset(
    """
    based cost cross design distance domain dynamic edit feed fine forward head human information
    language linear load long mask mixed multi negative position product range rate search self
    sequence skip static system systems tail text universal word words zero
    """.split()
)

# Technical shapes in prose: acronyms and inner capitals (RAG, LoRA, GPUs), letters with digits
# (word2vec, int8), hyphenated compounds (fine-tuning, top-k).
_TECHNICAL_SHAPE = re.compile(
    r"(?<![\w-])(?:[A-Za-z]*[A-Z][A-Za-z]*[A-Z][A-Za-z0-9]*|[A-Za-z]+\d[A-Za-z0-9]*"
    r"|[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+)(?![\w])"
)
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_SEPARATOR = re.compile(r"[\s\-/]*")


def _parts(term: str) -> tuple[str, ...]:
    return tuple(word.lower() for word in _WORD.findall(term))


@dataclass(frozen=True)
class Glossary:
    """A set of terms (each a tuple of lowercase words) that `remove` blanks out of a text."""

    terms: frozenset[tuple[str, ...]] = field(default_factory=frozenset)

    @classmethod
    def of(cls, terms: Iterable[str]) -> "Glossary":
        """Terms as typed: "fine-tuning" also matches "fine tuning" and "finetuning"."""
        parts: set[tuple[str, ...]] = set()
        for term in terms:
            words = _parts(term)
            if not words:
                continue
            parts.add(words)
            if len(words) > 1:
                parts.add(("".join(words),))
        return cls(frozenset(parts))

    def __len__(self) -> int:
        return len(self.terms)

    def __contains__(self, term: object) -> bool:
        return isinstance(term, str) and _parts(term) in self.terms

    def union(self, other: "Glossary") -> "Glossary":
        return Glossary(self.terms | other.terms)

    @cached_property
    def _longest(self) -> int:
        return max((len(term) for term in self.terms), default=0)

    def remove(self, text: str) -> str:
        """`text` with every glossary term (longest match first) replaced by a space."""
        if not self.terms:
            return text
        longest = self._longest
        words = list(_WORD.finditer(text))
        spans: list[tuple[int, int]] = []
        i = 0
        while i < len(words):
            size = self._match(text, words, i, longest)
            if size:
                spans.append((words[i].start(), words[i + size - 1].end()))
                i += size
            else:
                i += 1
        return _blank(text, spans)

    def _match(self, text: str, words: list[re.Match[str]], start: int, longest: int) -> int:
        """How many words from `start` form a term (0 for none); words must be adjacent."""
        end = start + 1
        while end < len(words) and end - start < longest:
            gap = text[words[end - 1].end() : words[end].start()]
            if not _SEPARATOR.fullmatch(gap) or "\n" in gap:
                break
            end += 1
        for size in range(end - start, 0, -1):
            candidate = [word.group().lower() for word in words[start : start + size]]
            for form in _plural_forms(candidate):
                if form in self.terms:
                    return size
        return 0


def _plural_forms(words: list[str]) -> Iterator[tuple[str, ...]]:
    yield tuple(words)
    last = words[-1]
    if len(last) > 3 and last.endswith("es"):
        yield (*words[:-1], last[:-2])
    if len(last) > 2 and last.endswith("s"):
        yield (*words[:-1], last[:-1])


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        return text
    pieces: list[str] = []
    position = 0
    for start, end in spans:
        pieces.append(text[position:start])
        pieces.append(" ")
        position = end
    pieces.append(text[position:])
    return "".join(pieces)


class BankEntry(Protocol):
    """What the glossary reads of a bank entry (`bot.bank.models.Question`)."""

    @property
    def topic(self) -> str: ...
    @property
    def tags(self) -> list[str]: ...
    @property
    def question(self) -> str: ...
    @property
    def reference(self) -> str: ...
    @property
    def key_points(self) -> list[str]: ...


def bank_terms(entries: Iterable[BankEntry], *, min_entries: int = 2) -> set[str]:
    """Technical terms drawn from a bank's entries: every tag and topic (and their words,
    unless everyday words), plus technically shaped tokens that recur in `min_entries` entries."""
    terms: set[str] = set()
    recurring: Counter[str] = Counter()
    for question in entries:
        for tag in [*question.tags, question.topic]:
            if tag.lower() not in GENERAL_WORDS:  # the tag "zero" (ZeRO) would blank "zero"
                terms.add(tag)
            terms.update(
                word for word in _parts(tag) if len(word) >= 4 and word not in GENERAL_WORDS
            )
        prose = " ".join([question.question, question.reference, *question.key_points])
        recurring.update({token.lower() for token in _TECHNICAL_SHAPE.findall(prose)})
    # Two-letter acronyms ("EM", "ST") would also blank everyday words ("em" is Portuguese).
    terms.update(
        token
        for token, entries in recurring.items()
        if entries >= min_entries and len(token) > 2 and token not in GENERAL_WORDS
    )
    return terms


def build_glossary(entries: Iterable[BankEntry] | None = None) -> Glossary:
    """The curated terms, plus the bank's own when its entries are given."""
    curated = Glossary.of(CURATED_TERMS)
    if entries is None:
        return curated
    return curated.union(Glossary.of(bank_terms(entries)))
