"""discord DMs: one tenant per user instead of one shared `discord:dm`

Every user's direct-message data moves from the shared tenant `discord:dm` to their own
`discord:dm:<user id>`, so a DM leaderboard (or anything tenant-wide) never shows strangers.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

SHARED = "discord:dm"
PREFIX = "discord:dm:"
OWNED = ("interviews", "served_questions", "attempts", "review_cards")  # rows with a user_id


def upgrade() -> None:
    bind = op.get_bind()
    params = {"shared": SHARED, "prefix": PREFIX}
    bind.execute(
        sa.text(
            "INSERT INTO tenants (id, created_at) "
            "SELECT CAST(:prefix AS VARCHAR(100)) || external_id, MIN(created_at) FROM users "
            "WHERE tenant_id = :shared GROUP BY external_id"
        ),
        params,
    )
    bind.execute(
        sa.text(
            "UPDATE users SET tenant_id = CAST(:prefix AS VARCHAR(100)) || external_id "
            "WHERE tenant_id = :shared"
        ),
        params,
    )
    for table in OWNED:
        bind.execute(
            sa.text(
                f"UPDATE {table} SET tenant_id = "
                f"(SELECT users.tenant_id FROM users WHERE users.id = {table}.user_id) "
                "WHERE tenant_id = :shared"
            ),
            params,
        )


def downgrade() -> None:
    bind = op.get_bind()
    params = {"shared": SHARED, "pattern": PREFIX + "%"}
    bind.execute(
        sa.text(
            "INSERT INTO tenants (id, created_at) SELECT CAST(:shared AS VARCHAR(100)), "
            "CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM tenants WHERE id = :shared)"
        ),
        params,
    )
    for table in (*OWNED, "users"):
        bind.execute(
            sa.text(f"UPDATE {table} SET tenant_id = :shared WHERE tenant_id LIKE :pattern"),
            params,
        )
    bind.execute(sa.text("DELETE FROM tenants WHERE id LIKE :pattern"), params)
