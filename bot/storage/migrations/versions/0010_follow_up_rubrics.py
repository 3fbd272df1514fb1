"""follow-up rubrics: a follow-up keeps the key points it is graded against

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("served_questions") as batch:
        batch.add_column(sa.Column("follow_up_rubric", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("served_questions") as batch:
        batch.drop_column("follow_up_rubric")
