"""The workspace's register: systems, their description versions, reviews, sign-offs, waivers,
users and an append-only audit log, in SQLite or PostgreSQL (SQLAlchemy 2 + Alembic)."""
