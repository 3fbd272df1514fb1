"""The Slack adapter: slack-bolt events in, the engine's `Incoming`/`Reply` through, Block Kit out.

Every listener acknowledges Slack first and then starts the work in a tracked background task, so
Slack gets its answer within its 3 seconds however long grading takes, and shutdown waits for
work in flight. Bolt runs with `process_before_response=True`: a listener's return (ack, spawn)
is what answers the HTTP request, so no untracked task of Bolt's own outlives it.

The parts around it: credentials, modes and per-workspace clients (`slack/credentials.py`, OAuth
in `slack/oauth.py`); in HTTP mode, the signature is checked on the raw bytes, the shape before
Bolt routes it, and a byte-for-byte replay is dropped (`slack/http.py`, `slack/payloads.py`,
`slack/dedup.py`); Bolt middleware drops retried events and attaches the user's profile
(`slack/middleware.py`); payloads become `Incoming` in pure functions (`slack/incoming.py`);
replies are posted by `slack/delivery.py`.

Tenants are `slack:<team id>`. The adapter decides nothing about behaviour: which command is
admin-only, what an answer is, what a reply says are the engine's; the adapter only says who the
user is (locale, display name, admin flag from `users.info`) and where they wrote.
"""

import logging
import re
from typing import Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.slack import incoming as translate
from bot.adapters.slack import payloads, views
from bot.adapters.slack.blocks import quoting
from bot.adapters.slack.credentials import SlackCredentials, Workspaces
from bot.adapters.slack.dedup import EventClaims, claims_store
from bot.adapters.slack.delivery import Outbox, Place, dm_channel
from bot.adapters.slack.escape import inert
from bot.adapters.slack.files import MAX_FILE_BYTES, FileHosts, shared_files
from bot.adapters.slack.http import Signatures, oauth_routes, replay_key, respond, signed_request
from bot.adapters.slack.incoming import TENANT_PREFIX, Turn
from bot.adapters.slack.middleware import (
    attach_profile,
    drop_repeats,
    profile_of,
    team_of,
)
from bot.adapters.slack.profiles import Profile, ProfileCache
from bot.adapters.slack.tasks import BackgroundTasks
from bot.config import Settings
from bot.engine.engine import ConversationEngine, Delivery
from bot.engine.events import Attachment, Reply
from bot.i18n.catalog import Translator
from bot.i18n.locale import primary_language

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
COMMAND = "/interview"
CLOSE_GRACE = 6.0  # seconds shutdown waits for answers being graded (runtime allows 8)


class SlackAdapter:
    name = "slack"

    def __init__(
        self, engine: ConversationEngine, settings: Settings, database: AsyncEngine
    ) -> None:
        credentials = SlackCredentials.from_settings(settings)
        self._engine = engine
        self._credentials = credentials
        self._workspaces = Workspaces(credentials, database)
        self._file_hosts = FileHosts.for_api(credentials.api_url)
        self._signatures = (
            Signatures(credentials.signing_secret) if credentials.signing_secret else None
        )
        self._claims: EventClaims = claims_store(settings.redis_url, database)
        self._profiles = ProfileCache()
        self._outbox = Outbox(engine)
        self._tasks = BackgroundTasks()
        self._socket: AsyncSocketModeHandler | None = None
        self._started = False
        self._register()

    # ---- lifecycle (bot.adapters.Adapter)

    @property
    def bolt(self) -> AsyncApp:
        return self._workspaces.bolt

    @property
    def socket_mode(self) -> bool:
        return self._credentials.socket_mode

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
        if self.bolt.oauth_flow is not None:
            web_app.add_routes(oauth_routes(self.bolt.oauth_flow))

    async def start(self) -> None:
        self._engine.add_notifier(self._push)
        if self._credentials.app_token:
            self._socket = AsyncSocketModeHandler(
                self.bolt, app_token=self._credentials.app_token, web_client=self.bolt.client
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
        client = await self._workspaces.client_for(tenant.removeprefix(TENANT_PREFIX))
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
        client = await self._workspaces.client_for(delivery.tenant.removeprefix(TENANT_PREFIX))
        if client is None:
            return
        place = Place(
            channel=delivery.channel,
            user=delivery.user,
            thread=delivery.thread,
            is_dm=delivery.channel.startswith("D"),
        )
        await self._outbox.send(client, place, replies, tenant=delivery.tenant)

    # ---- Bolt wiring: ack, then spawn

    def _register(self) -> None:
        bolt = self.bolt
        bolt.use(attach_profile(self._profiles, self._credentials.admins))
        once = [drop_repeats(self._claims)]
        bolt.command(COMMAND)(self._on_command)
        bolt.event("message", matchers=[_message_for_bot], middleware=once)(self._on_message)
        bolt.event("message")(_ignore)  # the rest: edits, chatter, bots' own posts
        bolt.event("app_mention", matchers=[_mention_ok], middleware=once)(self._on_mention)
        bolt.event("app_mention")(_ignore)
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
        return await respond(await self.bolt.async_dispatch(signed))

    async def _on_command(
        self, ack: Any, command: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        if not payloads.command_ok(command):
            log.info("ignored a malformed slash command")
            return
        self._tasks.spawn(self._command(context, command), "command")

    async def _on_message(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        self._tasks.spawn(self._message(context, event), "message")

    async def _on_mention(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        self._tasks.spawn(self._mention(context, event), "mention")

    async def _on_home_opened(self, event: dict[str, Any], context: AsyncBoltContext) -> None:
        if payloads.home_opened_ok(event) and event.get("tab") == "home":
            self._tasks.spawn(self._publish_home(context, event), "home")

    async def _on_action(
        self, ack: Any, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        if not payloads.action_ok(body, action):
            log.info("ignored a malformed button click")
            return
        self._tasks.spawn(self._action(context, body, action), "action")

    async def _on_answer_submitted(
        self, ack: Any, view: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if not payloads.submission_ok(body, view):
            await ack()
            log.info("ignored a malformed form submission")
            return
        place = views.AnswerPlace.load(view.get("private_metadata") or "")
        text = views.answer_text(view)  # view state is raw text, unlike message text
        message = self._engine.answer_problem(text) if place is not None else None
        if message is not None:
            await ack(response_action="errors", errors={views.ANSWER_BLOCK: message})
            return
        await ack()
        if place is not None:
            work = self._form_answer(context, body["user"]["id"], place, text)
            self._tasks.spawn(work, "answer")

    async def _on_daily_submitted(
        self, ack: Any, view: dict[str, Any], body: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        channel = views.daily_channel(view) if payloads.submission_ok(body, view) else None
        if channel is not None:
            commands = views.daily_commands(view)
            work = self._daily_form(context, body["user"]["id"], channel, commands)
            self._tasks.spawn(work, "daily")

    # ---- the work: translate, ask the engine, post

    async def _command(self, context: AsyncBoltContext, command: dict[str, Any]) -> None:
        who = await profile_of(context).get()
        if translate.opens_daily_form(command, who):
            await self._open_daily_form(context, command["channel_id"], command["trigger_id"], who)
            return
        await self._handle(context.client, translate.from_command(team_of(context), who, command))

    async def _message(self, context: AsyncBoltContext, event: dict[str, Any]) -> None:
        client = context.client
        who = await profile_of(context).get()
        files: tuple[Attachment, ...] = ()
        if translate.message_is_dm(event) and event.get("files"):
            files = await self._attachments(client, who, event)
        await self._handle(client, translate.from_message(team_of(context), who, event, files))

    async def _mention(self, context: AsyncBoltContext, event: dict[str, Any]) -> None:
        who = await profile_of(context).get()
        turn = translate.from_mention(team_of(context), who, event, context.bot_user_id)
        await self._handle(context.client, turn)

    async def _action(
        self, context: AsyncBoltContext, body: dict[str, Any], action: dict[str, Any]
    ) -> None:
        client, action_id = context.client, str(action.get("action_id") or "")
        channel, thread, message_ts = translate.action_spot(body)
        if channel is None:  # App Home: reply in the DM
            channel = await dm_channel(client, body["user"]["id"])
        who = await profile_of(context).get()
        form = translate.answer_form(action_id, channel, thread, message_ts)
        if form is not None:
            if body.get("trigger_id"):
                modal = views.answer_modal(self._tr(who), form)
                await client.views_open(trigger_id=body["trigger_id"], view=modal)
            return
        spot = (channel, thread, message_ts)
        await self._handle(
            client, translate.from_action(team_of(context), who, body, action_id, spot)
        )

    async def _form_answer(
        self, context: AsyncBoltContext, user: str, answer: views.AnswerPlace, text: str
    ) -> None:
        who = await profile_of(context).get()
        turn = translate.from_answer_form(team_of(context), who, user, answer, text)
        await self._handle(context.client, turn)

    async def _open_daily_form(
        self, context: AsyncBoltContext, channel: str, trigger_id: str, who: Profile
    ) -> None:
        tenant = translate.tenant_of(team_of(context))
        current = await self._engine.channel_settings(tenant, channel)
        modal = views.daily_modal(
            self._tr(who),
            channel,
            current.daily,
            current.grade_delivery,
            current.language,
            self._engine.languages,
        )
        await context.client.views_open(trigger_id=trigger_id, view=modal)

    async def _daily_form(
        self, context: AsyncBoltContext, user: str, channel: str, commands: list[str]
    ) -> None:
        who = await profile_of(context).get()
        for text in commands:
            turn = translate.from_daily_form(team_of(context), who, user, channel, text)
            await self._handle(context.client, turn)

    async def _publish_home(self, context: AsyncBoltContext, event: dict[str, Any]) -> None:
        client, user = context.client, event["user"]
        channel = event.get("channel") or await dm_channel(client, user)
        who = await profile_of(context).get()
        replies: list[Reply] = []
        for text in ("stats", "leaderboard"):
            turn = translate.incoming(
                team_of(context), who, user, channel, text, is_dm=True, command=True
            )
            replies += await self._engine.handle(turn)
        await client.views_publish(user_id=user, view=views.home_view(self._tr(who), replies))

    async def _handle(self, client: AsyncWebClient, turn: Turn) -> None:
        incoming, place = turn
        try:
            replies = await self._engine.handle(incoming)
        except Exception:
            log.exception("the engine failed on a Slack event")
            tr = self._engine.translator(primary_language(incoming.locale) or self._default)
            replies = [Reply(tr("Something went wrong. Please try again."), visibility="ephemeral")]
        replies = [quoting(reply, incoming.text) for reply in replies]
        await self._outbox.send(client, place, replies, tenant=incoming.tenant)

    # ---- helpers

    @property
    def _default(self) -> str:
        return self._engine.context.default_language

    def _tr(self, who: Profile) -> Translator:
        return self._engine.translator(primary_language(who.locale) or self._default)

    async def _attachments(
        self, client: AsyncWebClient, who: Profile, event: dict[str, Any]
    ) -> tuple[Attachment, ...]:
        """Files shared in a DM (a bank to import). A file over the limit is refused whole, and
        the user is told."""
        found, too_large = await shared_files(event, client.token, self._file_hosts)
        if too_large:
            tr = self._tr(who)
            limit = MAX_FILE_BYTES // (1024 * 1024)
            notes = [
                tr(
                    "{file} was not read: files can be at most {limit} MB.",
                    file=inert(name),
                    limit=limit,
                )
                for name in too_large
            ]
            await self._outbox.send(
                client, translate.message_place(event), [Reply("\n".join(notes))]
            )
        return found


async def _message_for_bot(event: dict[str, Any], context: AsyncBoltContext) -> bool:
    return payloads.message_ok(event) and translate.message_for_bot(event, context.bot_user_id)


async def _mention_ok(event: dict[str, Any]) -> bool:
    if not payloads.message_ok(event):
        log.info("ignored a malformed app_mention event")
        return False
    return not event.get("bot_id")


async def _ignore() -> None:
    """Acknowledges an event the bot doesn't answer."""
