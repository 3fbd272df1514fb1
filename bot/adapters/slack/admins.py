"""Who is an admin in which Slack workspace, besides the workspace's own admins and owners.

`SLACK_ADMIN_USER_IDS` lists `TEAM:USER` pairs (`T012AB3CD:U045EF6GH`): that user is an admin in
that workspace only. A bare user id (`U045EF6GH`) is accepted only while the bot serves a single
workspace (one `SLACK_BOT_TOKEN`, no OAuth install): with OAuth, any workspace can install the
app and the same id would mean nothing there, so a bare id is a configuration error.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from bot.errors import ConfigError

_TEAM = re.compile(r"[TE][A-Z0-9]{2,}")
_USER = re.compile(r"[UW][A-Z0-9]{2,}")


@dataclass(frozen=True)
class Admins:
    pairs: frozenset[tuple[str, str]] = frozenset()
    single_workspace: frozenset[str] = frozenset()  # bare ids: only without OAuth

    def __call__(self, team: str, user: str) -> bool:
        return (team, user) in self.pairs or user in self.single_workspace


def parse_admins(entries: Iterable[str], *, multi_workspace: bool) -> Admins:
    pairs: set[tuple[str, str]] = set()
    bare: set[str] = set()
    for raw in entries:
        entry = raw.strip()
        team, colon, user = entry.rpartition(":")
        if colon and _TEAM.fullmatch(team) and _USER.fullmatch(user):
            pairs.add((team, user))
        elif not colon and _USER.fullmatch(user):
            if multi_workspace:
                raise ConfigError(
                    f"SLACK_ADMIN_USER_IDS: {entry!r} needs its workspace with OAuth installs, "
                    f"as TEAM:USER (e.g. T012AB3CD:{entry})"
                )
            bare.add(user)
        else:
            raise ConfigError(
                f"SLACK_ADMIN_USER_IDS: {entry!r} is not a Slack user id (U…) or TEAM:USER pair"
            )
    return Admins(frozenset(pairs), frozenset(bare))
