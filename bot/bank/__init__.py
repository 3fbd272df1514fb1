"""The question bank: schema, loading, Markdown import, and the Chroma-backed store."""
