"""Talking to an OpenAI-compatible model: prompt files, retries, circuit breaker."""
