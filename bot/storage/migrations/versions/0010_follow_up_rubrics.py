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
    # Not a batch copy: on SQLite that drops and rebuilds served_questions, which the attempts'
    # foreign keys refuse once there are answers. SQLite 3.35+ drops a column in place.
    op.execute("ALTER TABLE served_questions DROP COLUMN follow_up_rubric")
