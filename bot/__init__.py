"""interview-bot: practise Generative-AI interview questions on Discord, Slack or in a terminal."""

__version__ = "0.1.0"
