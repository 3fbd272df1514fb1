"""The parts of the Slack adapter that are not Bolt wiring: rendering, escaping, de-dup, caches."""
