"""Slack credentials from Settings, and the web client that speaks for each workspace.

Modes: Socket Mode when `SLACK_APP_TOKEN` is set (no public URL needed), otherwise HTTP mode,
which needs `SLACK_SIGNING_SECRET`. One workspace runs on `SLACK_BOT_TOKEN`; with
`SLACK_CLIENT_ID`/`SLACK_CLIENT_SECRET`, workspaces install the app through OAuth and each one's
token comes from the install store (`slack/oauth.py`).
"""

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.slack.admins import Admins, parse_admins
from bot.adapters.slack.oauth import OAuthStores
from bot.config import Settings
from bot.errors import ConfigError

log = logging.getLogger(__name__)


class _TokenGivenTwice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and, handed a client too, warns at every start that the
    token "will be unused"; the client it is handed carries that very token."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def _bolt_log() -> logging.Logger:
    """The logger Bolt is given: its own messages, less that one."""
    logger = logging.getLogger(f"{__name__}.bolt")
    if not any(isinstance(f, _TokenGivenTwice) for f in logger.filters):
        logger.addFilter(_TokenGivenTwice())
    return logger


DEFAULT_API_URL = "https://slack.com/api/"
RATE_LIMIT_RETRIES = 3


@dataclass(frozen=True)
class SlackCredentials:
    bot_token: str | None
    app_token: str | None
    signing_secret: str | None
    client_id: str | None
    client_secret: str | None
    api_url: str
    admins: Admins

    @classmethod
    def from_settings(cls, settings: Settings) -> "SlackCredentials":
        """The credentials, or a ConfigError naming the setting that is missing."""
        bot_token = _secret(settings.slack_bot_token)
        app_token = _secret(settings.slack_app_token)
        signing_secret = _secret(settings.slack_signing_secret)
        client_secret = _secret(settings.slack_client_secret)
        client_id = settings.slack_client_id
        if not app_token and not signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is needed in HTTP mode (or set SLACK_APP_TOKEN for "
                "Socket Mode)"
            )
        if client_id and not client_secret:
            raise ConfigError("SLACK_CLIENT_SECRET is needed with SLACK_CLIENT_ID (OAuth install)")
        if not client_id and not bot_token:
            raise ConfigError("set SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
        admins = parse_admins(settings.slack_admin_user_ids, multi_workspace=bool(client_id))
        return cls(
            bot_token=bot_token,
            app_token=app_token,
            signing_secret=signing_secret,
            client_id=client_id,
            client_secret=client_secret,
            api_url=settings.slack_api_url or DEFAULT_API_URL,
            admins=admins,
        )

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)


class Workspaces:
    """The Bolt app and a web client for each workspace (the one bot token, or the token its
    OAuth install stored)."""

    def __init__(self, credentials: SlackCredentials, database: AsyncEngine) -> None:
        self._api_url = credentials.api_url
        self.oauth: OAuthStores | None = None
        oauth_settings = None
        if credentials.client_id and credentials.client_secret:
            self.oauth = OAuthStores(credentials.client_id, database)
            oauth_settings = self.oauth.settings(credentials.client_id, credentials.client_secret)
        self.bolt = AsyncApp(
            # Named, or Bolt finds a name by inspecting the call stack: 0.1-0.2 s of start-up.
            name="interview-bot",
            logger=_bolt_log(),
            client=self.web_client(None if self.oauth else credentials.bot_token),
            signing_secret=credentials.signing_secret or "",
            oauth_settings=oauth_settings,
            process_before_response=True,
        )
        if self.oauth is not None:
            self.bolt.enable_token_revocation_listeners()

    def web_client(self, token: str | None) -> AsyncWebClient:
        return AsyncWebClient(
            token=token,
            base_url=self._api_url,
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(),
                AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ],
        )

    async def client_for(self, team: str) -> AsyncWebClient | None:
        """The client that speaks for `team`, or None when it has no installation."""
        if self.oauth is None:
            return self.bolt.client
        bot = await self.oauth.installations.async_find_bot(enterprise_id=None, team_id=team)
        if bot is None or not bot.bot_token:
            log.warning("no Slack installation for team %s", team)
            return None
        return self.web_client(bot.bot_token)


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None
