"""Time-driven work: daily questions, day-after summaries, spaced-repetition reviews."""
