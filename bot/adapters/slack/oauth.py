"""Multi-workspace install: Bolt's OAuth flow with its stores in the bot's own database.

slack_sdk's SQLAlchemy stores have asyncio variants that take the app's `AsyncEngine`, so
installations (`slack_installations`, `slack_bots`) and OAuth states (`slack_oauth_states`) sit
next to the bot's data, on SQLite or PostgreSQL alike. slack_sdk defines their tables; the bot's
migrations create them (`0007_slack_stores`), like every other table.
"""

from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine

# Keep in step with slack/manifest.yaml.
BOT_SCOPES = (
    "app_mentions:read",
    "channels:history",
    "chat:write",
    "commands",
    "files:read",
    "files:write",
    "groups:history",
    "im:history",
    "im:write",
    "mpim:history",
    "users:read",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
STATE_SECONDS = 600


class OAuthStores:
    def __init__(self, client_id: str, database: AsyncEngine) -> None:
        self.installations = AsyncSQLAlchemyInstallationStore(client_id=client_id, engine=database)
        self.states = AsyncSQLAlchemyOAuthStateStore(
            expiration_seconds=STATE_SECONDS, engine=database
        )

    def settings(self, client_id: str, client_secret: str) -> AsyncOAuthSettings:
        return AsyncOAuthSettings(
            client_id=client_id,
            client_secret=client_secret,
            scopes=list(BOT_SCOPES),
            install_path=INSTALL_PATH,
            redirect_uri_path=REDIRECT_PATH,
            installation_store=self.installations,
            installation_store_bot_only=True,
            state_store=self.states,
        )
