"""slack stores: the event-claims table and slack_sdk's OAuth tables

The Slack adapter used to create these at start-up (`create_all`), outside this history. Their
shapes are written out here as slack_sdk 3.x defines them (`SQLAlchemyInstallationStore`,
`SQLAlchemyOAuthStateStore`), so a slack_sdk upgrade can't change the schema unnoticed. A database
where an earlier version already created them keeps them, rows and all.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _claims() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("event_id", sa.String(length=100), nullable=False),
        sa.Column("claimed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("event_id"),
    ]


def _bot_columns() -> list[sa.Column]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("client_id", sa.String(length=32), nullable=False),
        sa.Column("app_id", sa.String(length=32), nullable=False),
        sa.Column("enterprise_id", sa.String(length=32)),
        sa.Column("enterprise_name", sa.String(length=200)),
    ]


def _bot_token_columns() -> list[sa.Column]:
    return [
        sa.Column("team_id", sa.String(length=32)),
        sa.Column("team_name", sa.String(length=200)),
        sa.Column("bot_token", sa.String(length=200)),
        sa.Column("bot_id", sa.String(length=32)),
        sa.Column("bot_user_id", sa.String(length=32)),
        sa.Column("bot_scopes", sa.String(length=1000)),
        sa.Column("bot_refresh_token", sa.String(length=200)),
        sa.Column("bot_token_expires_at", sa.DateTime()),
    ]


def _installations() -> list[sa.schema.SchemaItem]:
    return [
        *_bot_columns(),
        sa.Column("enterprise_url", sa.String(length=200)),
        *_bot_token_columns(),
        sa.Column("user_id", sa.String(length=32), nullable=False),
        sa.Column("user_token", sa.String(length=200)),
        sa.Column("user_scopes", sa.String(length=1000)),
        sa.Column("user_refresh_token", sa.String(length=200)),
        sa.Column("user_token_expires_at", sa.DateTime()),
        sa.Column("incoming_webhook_url", sa.String(length=200)),
        sa.Column("incoming_webhook_channel", sa.String(length=200)),
        sa.Column("incoming_webhook_channel_id", sa.String(length=200)),
        sa.Column("incoming_webhook_configuration_url", sa.String(length=200)),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("token_type", sa.String(length=32)),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    ]


def _bots() -> list[sa.schema.SchemaItem]:
    return [
        *_bot_columns(),
        *_bot_token_columns(),
        sa.Column("is_enterprise_install", sa.Boolean(), nullable=False),
        sa.Column("installed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    ]


def _states() -> list[sa.schema.SchemaItem]:
    return [
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("state", sa.String(length=200), nullable=False),
        sa.Column("expire_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    ]


# table -> (its columns and keys, its index as slack_sdk / the adapter named it)
TABLES = {
    "slack_event_claims": (_claims, ("ix_slack_event_claims_claimed_at", ["claimed_at"])),
    "slack_installations": (
        _installations,
        (
            "slack_installations_idx",
            ["client_id", "enterprise_id", "team_id", "user_id", "installed_at"],
        ),
    ),
    "slack_bots": (
        _bots,
        ("slack_bots_idx", ["client_id", "enterprise_id", "team_id", "installed_at"]),
    ),
    "slack_oauth_states": (_states, None),
}


def upgrade() -> None:
    existing = set(sa.inspect(op.get_bind()).get_table_names())
    for name, (columns, index) in TABLES.items():
        if name in existing:  # created at start-up by a version before this revision
            continue
        op.create_table(name, *columns())
        if index is not None:
            op.create_index(index[0], name, index[1])


def downgrade() -> None:
    # The tables stay: the code before this revision creates them only when missing and uses
    # them as they are, and dropping them would uninstall every OAuth workspace.
    pass
