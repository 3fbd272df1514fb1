"""A deterministic check of answers for attempts to steer the grader.

What it looks for, by class rather than by exact phrase:

- score requests: a grading outcome (full marks, 10/10, "all key points covered", "as correct")
  with something that aims it at the grader: an imperative ("give this answer…", "please score…"),
  the grader addressed ("Grader,", "whoever is scoring this", "the AI checking this"), the answer
  itself ("this answer deserves…"), "you will/must…", or the grade simply prescribed ("the grade
  here should be the top one", "scores are fixed at 10"). In the bot's languages and a few more.
- instructions to the grader: override verbs aimed at the rubric, the reference or the key points
  (anywhere), or at instructions in general (when issued: at the start of a clause), a new task,
  rule or persona, "do what it says" after a decode or translate step, requests to keep the note
  secret, claims that the grading policy changed, claims of authority ("I am the administrator").
- role markers (chat-template tokens outside a discussion of templates, "System:"-style labels
  and headings followed by grading talk), fake grades (grading keys with top values in JSON,
  key-value lines, XML, tables), closing tags or end markers that pretend the answer is over, the
  boundary token, and grading text hidden in comments, invisible markup or link titles.
- all of it after undoing obfuscation: invisible characters, Unicode tag characters, homoglyphs,
  full-width, styled or enclosed letters, spaced-out letters and leetspeak; and payloads in
  base64, hex, URL encoding, rot13, a Caesar shift (when the text talks of shifting) or reversed.

Discussion is not an instruction. Overrides, role tokens and boundary markers that are quoted, in
code, or introduced as an example ("attacks such as ignore previous instructions", "a user
typing …", "markers such as <<<ANSWER-…>>>") are mentions; so is a score request quoted as an
example ("a student could write 'give this answer full marks'"). A rubric ("give full marks only
when the answer cites a source"), a metric ("a score of 10/10 on BLEU"), a judge's schema in a
code block and doubt about one's own grade ("not sure I'll get full marks") are not requests.
The spans found are returned (mapped back to the original text) so the offline evidence can be
computed without them.

Speed: patterns are gated by cheap substring checks on the lower-cased text, "issued" patterns are
only tried at clause starts, and nothing backtracks quadratically on long runs.
"""

from bot.grading.guard.inspector import GuardVerdict, InjectionGuard
from bot.grading.guard.spans import Span

__all__ = ["GuardVerdict", "InjectionGuard", "Span"]
