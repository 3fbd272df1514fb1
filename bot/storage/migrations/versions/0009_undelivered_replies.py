"""undelivered replies: what the platform refused after retries, kept until the user gets it

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "undelivered_replies",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("tenant_id", sa.String(length=100), sa.ForeignKey("tenants.id"), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id"), nullable=False),
        sa.Column("channel", sa.String(length=100), nullable=False),
        sa.Column("thread", sa.String(length=100), nullable=True),
        sa.Column("reply", sa.JSON(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("delivered_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_undelivered_replies_user_id", "undelivered_replies", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_undelivered_replies_user_id", table_name="undelivered_replies")
    op.drop_table("undelivered_replies")
