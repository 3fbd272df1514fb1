"""Persistence: SQLAlchemy 2 async models, the repository the engine uses, Alembic migrations."""
