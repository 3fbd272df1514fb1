"""Grading free-text answers: LLM grader, offline grader, injection guard, cache and fallback."""
