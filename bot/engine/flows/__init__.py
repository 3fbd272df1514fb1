"""Multi-step flows on top of the engine: mock interviews and daily questions."""
