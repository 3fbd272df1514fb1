"""The Slack adapter: slack-bolt events in, the engine's `Incoming`/`Reply` through, Block Kit out.

Every listener acknowledges Slack first and then starts the work in a tracked background task, so
Slack gets its answer within its 3 seconds however long grading takes, and shutdown waits for
work in flight. Bolt runs with `process_before_response=True`: a listener's return (ack, spawn)
is what answers the HTTP request, so no untracked task of Bolt's own outlives it.

Modes: Socket Mode when `SLACK_APP_TOKEN` is set (no public URL needed), otherwise HTTP mode with
`POST /slack/events` on the bot's shared server. There a request's signature
(`SLACK_SIGNING_SECRET`) is checked on its raw bytes before anything parses it, its shape before
Bolt routes it, and a byte-for-byte replay is dropped (`slack/http.py`, `slack/payloads.py`,
`slack/dedup.py`).
With `SLACK_CLIENT_ID`/`SLACK_CLIENT_SECRET`, workspaces install the app through OAuth
(`/slack/install`) and each workspace's token comes from the install store.

Tenants are `slack:<team id>`. The adapter decides nothing about behaviour: which command is
admin-only, what an answer is, what a reply says are the engine's; the adapter only says who the
user is (locale, display name, admin flag from `users.info`) and where they wrote.
"""

import logging
import re
from functools import cached_property
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import payloads, views
from bot.adapters.slack.admins import parse_admins
from bot.adapters.slack.blocks import quoting
from bot.adapters.slack.dedup import DatabaseClaims, EventClaims, RedisClaims
from bot.adapters.slack.delivery import Outbox, Place, dm_channel
from bot.adapters.slack.escape import inert, unescape
from bot.adapters.slack.files import TIMEOUT, FileHosts, TooLarge, download
from bot.adapters.slack.http import Signatures, oauth_routes, replay_key, respond, signed_request
from bot.adapters.slack.oauth import OAuthStores
from bot.adapters.slack.profiles import Profile, ProfileCache
from bot.adapters.slack.tasks import BackgroundTasks
from bot.app import App
from bot.engine.engine import ConversationEngine, Delivery
from bot.engine.events import Attachment, Incoming, Reply
from bot.engine.validation import MAX_ANSWER_CHARS, problem
from bot.errors import ConfigError
from bot.i18n.catalog import Translator
from bot.i18n.locale import primary_language

log = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
EVENTS_PATH = "/slack/events"
COMMAND = "/interview"
TENANT_PREFIX = "slack:"
MESSAGE_SUBTYPES = frozenset({None, "file_share", "thread_broadcast"})
MAX_FILES = 5
MAX_FILE_BYTES = 2 * 1024 * 1024  # chat uploads; the command line takes banks up to MAX_BANK_BYTES
CLOSE_GRACE = 6.0  # seconds shutdown waits for answers being graded (runtime allows 8)
RATE_LIMIT_RETRIES = 3


def tenant_of(team: str) -> str:
    return TENANT_PREFIX + team


class SlackAdapter:
    name = "slack"

    def __init__(self, app: App) -> None:
        settings = app.settings
        self._app = app
        bot_token = _secret(settings.slack_bot_token)
        self._app_token = _secret(settings.slack_app_token)
        signing_secret = _secret(settings.slack_signing_secret)
        client_secret = _secret(settings.slack_client_secret)
        if not self._app_token and not signing_secret:
            raise ConfigError(
                "SLACK_SIGNING_SECRET is needed in HTTP mode (or set SLACK_APP_TOKEN for "
                "Socket Mode)"
            )
        if settings.slack_client_id and not client_secret:
            raise ConfigError("SLACK_CLIENT_SECRET is needed with SLACK_CLIENT_ID (OAuth install)")
        if not settings.slack_client_id and not bot_token:
            raise ConfigError("set SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET")
        self._api_url = settings.slack_api_url or DEFAULT_API_URL
        self._file_hosts = FileHosts.for_api(self._api_url)
        self._admins = parse_admins(
            settings.slack_admin_user_ids, multi_workspace=bool(settings.slack_client_id)
        )
        self._signatures = Signatures(signing_secret) if signing_secret else None
        self._oauth: OAuthStores | None = None
        oauth_settings = None
        if settings.slack_client_id and client_secret:
            self._oauth = OAuthStores(settings.slack_client_id, app.database)
            oauth_settings = self._oauth.settings(settings.slack_client_id, client_secret)
        self._bolt = AsyncApp(
            client=self.web_client(None if self._oauth else bot_token),
            signing_secret=signing_secret or "",
            oauth_settings=oauth_settings,
            process_before_response=True,
        )
        if self._oauth is not None:
            self._bolt.enable_token_revocation_listeners()
        self._claims: EventClaims = (
            RedisClaims(settings.redis_url) if settings.redis_url else DatabaseClaims(app.database)
        )
        self._profiles = ProfileCache()
        self._tasks = BackgroundTasks()
        self._socket: AsyncSocketModeHandler | None = None
        self._started = False
        self._register()

    # ---- lifecycle (bot.runtime.Adapter)

    @property
    def bolt(self) -> AsyncApp:
        return self._bolt

    @property
    def socket_mode(self) -> bool:
        return bool(self._app_token)

    @property
    def ready(self) -> bool:
        """Able to receive Slack's requests (for `/readyz`): started, and connected in Socket
        Mode."""
        if not self._started:
            return False
        if not self.socket_mode:
            return True
        session = self._socket.client.current_session if self._socket is not None else None
        return session is not None and not session.closed

    def add_routes(self, web_app: web.Application) -> None:
        if not self.socket_mode:
            web_app.router.add_post(EVENTS_PATH, self._events)
        if self._bolt.oauth_flow is not None:
            web_app.add_routes(oauth_routes(self._bolt.oauth_flow))

    async def start(self) -> None:
        self._engine.add_notifier(self._push)
        if self._oauth is not None:
            await self._oauth.create_tables()
        if isinstance(self._claims, DatabaseClaims):
            await self._claims.create_table()
        if self._app_token:
            self._socket = AsyncSocketModeHandler(
                self._bolt, app_token=self._app_token, web_client=self._bolt.client
            )
            await self._socket.connect_async()
        self._started = True

    async def close(self) -> None:
        self._started = False
        if self._socket is not None:
            socket, self._socket = self._socket, None
            await socket.close_async()
        await self._tasks.close(CLOSE_GRACE)
        await self._claims.close()

    async def wait_idle(self) -> None:
        """Until every acknowledged event has been handled (for tests and shutdown)."""
        await self._tasks.wait_idle()

    # ---- outside the request cycle: re-grades, scheduled posts

    async def post_daily(
        self, tenant: str, channel: str, thread: str | None, replies: list[Reply]
    ) -> tuple[str, str | None]:
        """The daily scheduler's poster: post `replies` in a channel (or a thread of it);
        returns the first message's ts and the thread answers go to."""
        if not tenant.startswith(TENANT_PREFIX):
            raise ValueError(f"{tenant} is not a Slack tenant")
        client = await self._client_for(tenant)
        if client is None:
            raise RuntimeError(f"no Slack installation for {tenant}")
        place = Place(channel=channel, user="", thread=thread, is_dm=channel.startswith("D"))
        posted = await self._outbox.send(client, place, replies)
        if not posted:
            raise RuntimeError(f"nothing was posted in {channel}")
        return posted[0], thread or posted[0]

    async def _push(self, delivery: Delivery, replies: list[Reply]) -> None:
        if not delivery.tenant.startswith(TENANT_PREFIX):
            return  # another platform's user
        client = await self._client_for(delivery.tenant)
        if client is None:
            return
        place = Place(
            channel=delivery.channel,
            user=delivery.user,
            thread=delivery.thread,
            is_dm=delivery.channel.startswith("D"),
        )
        await self._outbox.send(client, place, replies, tenant=delivery.tenant)

    async def _client_for(self, tenant: str) -> AsyncWebClient | None:
        if self._oauth is None:
            return self._bolt.client
        team = tenant.removeprefix(TENANT_PREFIX)
        bot = await self._oauth.installations.async_find_bot(enterprise_id=None, team_id=team)
        if bot is None or not bot.bot_token:
            log.warning("no Slack installation for team %s", team)
            return None
        return self.web_client(bot.bot_token)

    def web_client(self, token: str | None) -> AsyncWebClient:
        return AsyncWebClient(
            token=token,
            base_url=self._api_url,
            retry_handlers=[
                AsyncConnectionErrorRetryHandler(),
                AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ],
        )

    # ---- Bolt wiring: ack, then spawn

    def _register(self) -> None:
        bolt = self._bolt
        bolt.command(COMMAND)(self._on_command)
        bolt.event("message")(self._on_message)
        bolt.event("app_mention")(self._on_mention)
        bolt.event("app_home_opened")(self._on_home_opened)
        bolt.action(re.compile(r".+"))(self._on_action)
        bolt.view(views.ANSWER_CALLBACK)(self._on_answer_submitted)
        bolt.view(views.DAILY_CALLBACK)(self._on_daily_submitted)

    async def _events(self, request: web.Request) -> web.Response:
        assert self._signatures is not None  # HTTP mode has a signing secret
        signed = await signed_request(request, self._signatures)
        if not await self._claims.claim(replay_key(request)):
            log.info("dropped a replayed Slack request")
            return web.Response(status=200)
        return await respond(await self._bolt.async_dispatch(signed))

    async def _on_command(
        self, ack: Any, command: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        if not payloads.command_ok(command):
            log.info("ignored a malformed slash command")
            return
        self._tasks.spawn(self._command(context.client, _team(context), command), "command")

    async def _on_message(
        self, event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if not payloads.message_ok(event):
            return  # edits, deletions and other messages without an author to answer
        if (
            event.get("subtype") in MESSAGE_SUBTYPES
            and event.get("user")
            and not event.get("bot_id")
        ):
            work = self._message(
                context.client, _team(context), body.get("event_id"), event, context.bot_user_id
            )
            self._tasks.spawn(work, "message")

    async def _on_mention(
        self, event: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if not payloads.message_ok(event):
            log.info("ignored a malformed app_mention event")
            return
        if not event.get("bot_id"):
            work = self._mention(
                context.client, _team(context), body.get("event_id"), event, context.bot_user_id
            )
            self._tasks.spawn(work, "mention")

    async def _on_home_opened(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        if payloads.home_opened_ok(event) and event.get("tab") == "home":
            self._tasks.spawn(self._publish_home(context.client, _team(context), event), "home")

    async def _on_action(
        self, ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        if not payloads.action_ok(body, action):
            log.info("ignored a malformed button click")
            return
        self._tasks.spawn(self._action(context.client, _team(context), body, action), "action")

    async def _on_answer_submitted(
        self, ack: Any, view: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if not payloads.submission_ok(body, view):
            await ack()
            log.info("ignored a malformed form submission")
            return
        place = views.AnswerPlace.load(view.get("private_metadata") or "")
        text = views.answer_text(view)  # view state is raw text, unlike message text
        issue = problem(text)
        if place is not None and issue is not None:
            tr = self._engine.translator(self._app.settings.default_language)
            message = tr(issue, length=len(text), limit=f"{MAX_ANSWER_CHARS:,}")
            await ack(response_action="errors", errors={views.ANSWER_BLOCK: message})
            return
        await ack()
        if place is not None:
            work = self._modal_answer(
                context.client, _team(context), body["user"]["id"], place, text
            )
            self._tasks.spawn(work, "answer")

    async def _on_daily_submitted(
        self, ack: Any, view: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        channel = views.daily_channel(view) if payloads.submission_ok(body, view) else None
        if channel is not None:
            commands = views.daily_commands(view)
            work = self._daily_form(
                context.client, _team(context), body["user"]["id"], channel, commands
            )
            self._tasks.spawn(work, "daily")

    # ---- the work: translate, ask the engine, post

    async def _command(self, client: AsyncWebClient, team: str, command: dict[str, Any]) -> None:
        user, channel = command["user_id"], command["channel_id"]
        text = unescape(command.get("text") or "").strip() or "help"
        is_dm = channel.startswith("D")
        who = await self._who(client, team, user)
        if text.lower() == "daily" and who.is_admin and not is_dm and command.get("trigger_id"):
            await self._open_daily_form(client, team, channel, command["trigger_id"], who)
            return
        place = Place(
            channel=channel,
            user=user,
            is_dm=is_dm,
            opens_threads=not is_dm,
            response_url=command.get("response_url"),
        )
        incoming = self._incoming(team, who, user, channel, text, is_dm=is_dm, command=True)
        await self._handle(client, place, incoming, who)

    async def _message(
        self,
        client: AsyncWebClient,
        team: str,
        event_id: str | None,
        event: dict[str, Any],
        bot_user: str | None,
    ) -> None:
        channel, text = event["channel"], event.get("text") or ""
        thread = event.get("thread_ts")
        is_dm = event.get("channel_type") == "im" or channel.startswith("D")
        if not is_dm:
            if not thread or thread == event.get("ts"):
                return  # channel chatter: only replies in threads can be answers
            parent = event.get("parent_user_id")
            if parent and bot_user and parent != bot_user:
                return  # a thread the bot didn't start
            if bot_user and f"<@{bot_user}" in text:
                return  # the app_mention event carries this one
        if event_id and not await self._claims.claim(event_id):
            return  # a retry of an event already handled
        user = event["user"]
        who = await self._who(client, team, user)
        place = Place(channel=channel, user=user, thread=thread, is_dm=is_dm)
        files = await self._attachments(client, place, who, event) if is_dm else ()
        incoming = self._incoming(
            team,
            who,
            user,
            channel,
            unescape(text),
            is_dm=is_dm,
            thread=None if is_dm else thread,
            attachments=files,
        )
        await self._handle(client, place, incoming, who)

    async def _mention(
        self,
        client: AsyncWebClient,
        team: str,
        event_id: str | None,
        event: dict[str, Any],
        bot_user: str | None,
    ) -> None:
        if event_id and not await self._claims.claim(event_id):
            return
        user, channel = event["user"], event["channel"]
        thread = event.get("thread_ts")
        text = event.get("text") or ""
        if bot_user:
            text = re.sub(rf"<@{re.escape(bot_user)}(\|[^<>]*)?>", " ", text)
        who = await self._who(client, team, user)
        place = Place(
            channel=channel,
            user=user,
            thread=thread or event.get("ts"),
            opens_threads=thread is None,
        )
        incoming = self._incoming(
            team, who, user, channel, unescape(text).strip(), is_dm=False, thread=thread
        )
        await self._handle(client, place, incoming, who)

    async def _action(
        self, client: AsyncWebClient, team: str, body: dict[str, Any], action: dict[str, Any]
    ) -> None:
        action_id = str(action.get("action_id") or "")
        user = body["user"]["id"]
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        message_thread = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
        message_ts = container.get("message_ts")
        if container.get("type") == "view" or not channel:  # App Home: reply in the DM
            channel, message_thread, message_ts = await dm_channel(client, user), None, None
        is_dm = channel.startswith("D")
        thread = None if is_dm else message_thread
        reply_thread = message_thread if is_dm else message_thread or message_ts
        who = await self._who(client, team, user)
        name, _, served = action_id.partition(":")
        if name in ("answer", "daily") and served.isdigit():
            place = views.AnswerPlace(int(served), channel, thread, reply_thread, is_dm, name)
            modal = views.answer_modal(self._tr(who), place)
            if body.get("trigger_id"):
                await client.views_open(trigger_id=body["trigger_id"], view=modal)
            return
        place = Place(
            channel=channel,
            user=user,
            thread=reply_thread,
            is_dm=is_dm,
            opens_threads=not is_dm and thread is None,
            response_url=body.get("response_url"),
        )
        incoming = self._incoming(
            team, who, user, channel, "", is_dm=is_dm, thread=thread, action=action_id
        )
        await self._handle(client, place, incoming, who)

    async def _modal_answer(
        self, client: AsyncWebClient, team: str, user: str, answer: views.AnswerPlace, text: str
    ) -> None:
        who = await self._who(client, team, user)
        place = Place(
            channel=answer.channel,
            user=user,
            thread=answer.reply_thread,
            is_dm=answer.is_dm,
            opens_threads=not answer.is_dm and answer.thread is None,
        )
        incoming = self._incoming(
            team,
            who,
            user,
            answer.channel,
            text,
            is_dm=answer.is_dm,
            thread=answer.thread,
            action=answer.action,
        )
        await self._handle(client, place, incoming, who)

    async def _open_daily_form(
        self, client: AsyncWebClient, team: str, channel: str, trigger_id: str, who: Profile
    ) -> None:
        config = await self._engine.repository.channel_config(tenant_of(team), channel)
        modal = views.daily_modal(
            self._tr(who),
            channel,
            dict(config.daily or {}) if config else {},
            config.grade_delivery if config else "thread",
            config.language if config else None,
            self._engine.languages,
        )
        await client.views_open(trigger_id=trigger_id, view=modal)

    async def _daily_form(
        self, client: AsyncWebClient, team: str, user: str, channel: str, commands: list[str]
    ) -> None:
        who = await self._who(client, team, user)
        place = Place(channel=channel, user=user, opens_threads=True)
        for text in commands:
            incoming = self._incoming(team, who, user, channel, text, is_dm=False, command=True)
            await self._handle(client, place, incoming, who)

    async def _publish_home(self, client: AsyncWebClient, team: str, event: dict[str, Any]) -> None:
        user = event["user"]
        channel = event.get("channel") or await dm_channel(client, user)
        who = await self._who(client, team, user)
        replies: list[Reply] = []
        for text in ("stats", "leaderboard"):
            incoming = self._incoming(team, who, user, channel, text, is_dm=True, command=True)
            replies += await self._engine.handle(incoming)
        await client.views_publish(user_id=user, view=views.home_view(self._tr(who), replies))

    async def _handle(
        self, client: AsyncWebClient, place: Place, incoming: Incoming, who: Profile
    ) -> None:
        try:
            replies = await self._engine.handle(incoming)
        except Exception:
            log.exception("the engine failed on a Slack event")
            text = self._tr(who)("Something went wrong on my side. Please try again.")
            replies = [Reply(text, visibility="ephemeral")]
        replies = [quoting(reply, incoming.text) for reply in replies]
        await self._outbox.send(client, place, replies, tenant=incoming.tenant)

    # ---- translation helpers

    def _incoming(
        self,
        team: str,
        who: Profile,
        user: str,
        channel: str,
        text: str,
        *,
        is_dm: bool,
        thread: str | None = None,
        action: str | None = None,
        command: bool = False,
        attachments: tuple[Attachment, ...] = (),
    ) -> Incoming:
        return Incoming(
            text=text,
            user=user,
            channel=channel,
            tenant=tenant_of(team),
            thread=thread,
            locale=who.locale,
            user_name=who.name,
            is_dm=is_dm,
            is_admin=who.is_admin,
            action=action,
            command=command,
            attachments=attachments,
        )

    async def _who(self, client: AsyncWebClient, team: str, user: str) -> Profile:
        """The user's locale, display name (styling marks made inert: the leaderboard shows it)
        and admin flag (workspace admin or owner, or listed for this workspace)."""
        profile = await self._profiles.get(client, team, user)
        name = inert(profile.name) if profile.name else profile.name
        return Profile(profile.locale, name, profile.is_admin or self._admins(team, user))

    def _tr(self, who: Profile) -> Translator:
        code = primary_language(who.locale)
        return self._engine.translator(code or self._app.settings.default_language)

    async def _attachments(
        self, client: AsyncWebClient, place: Place, who: Profile, event: dict[str, Any]
    ) -> tuple[Attachment, ...]:
        """Files shared in a DM (a bank to import), fetched with the bot token from Slack's file
        hosts. A file over the limit is refused whole, and the user is told."""
        files = [f for f in event.get("files") or [] if isinstance(f, dict)][:MAX_FILES]
        if not files:
            return ()
        found: list[Attachment] = []
        too_large: list[str] = []
        async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
            for item in files:
                name = str(item.get("name") or "bank")
                url = item.get("url_private_download") or item.get("url_private")
                if not isinstance(url, str):
                    continue
                try:
                    if _number(item.get("size")) > MAX_FILE_BYTES:
                        raise TooLarge
                    data = await download(
                        session, url, client.token, self._file_hosts, MAX_FILE_BYTES
                    )
                except TooLarge:
                    too_large.append(name)
                    continue
                except (aiohttp.ClientError, TimeoutError) as exc:
                    log.warning("downloading a shared file failed: %s", type(exc).__name__)
                    continue
                if data is not None:
                    found.append(Attachment(name, data))
        if too_large:
            tr = self._tr(who)
            notes = [
                tr(
                    "{file} was not read: files can be at most {limit} MB.",
                    file=inert(name),
                    limit=MAX_FILE_BYTES // (1024 * 1024),
                )
                for name in too_large
            ]
            await self._outbox.send(client, place, [Reply("\n".join(notes))])
        return tuple(found)

    @property
    def _engine(self) -> ConversationEngine:
        return self._app.engine

    @cached_property
    def _outbox(self) -> Outbox:
        return Outbox(self._engine)


def _team(context: AsyncBoltContext) -> str:
    return str(context.team_id or context.enterprise_id or "unknown")


def _number(value: Any) -> int:
    return value if isinstance(value, int) else 0


def _secret(value: Any) -> str | None:
    return value.get_secret_value() if value is not None else None
