"""`SLACK_ADMIN_USER_IDS`: admins per workspace."""

import pytest

from bot.adapters.slack.admins import parse_admins
from bot.errors import ConfigError


def test_a_team_user_pair_is_an_admin_in_that_workspace_only() -> None:
    admins = parse_admins(["T0A:U0LEAD", " E0ORG:W0BOSS "], multi_workspace=True)
    assert admins("T0A", "U0LEAD") and not admins("T0B", "U0LEAD")
    assert admins("E0ORG", "W0BOSS") and not admins("T0A", "W0BOSS")


def test_a_bare_id_counts_only_while_one_workspace_is_served() -> None:
    admins = parse_admins(["U0LEAD"], multi_workspace=False)
    assert admins("T0A", "U0LEAD")
    with pytest.raises(ConfigError, match="TEAM:USER"):
        parse_admins(["U0LEAD"], multi_workspace=True)


@pytest.mark.parametrize("entry", ["", "lead", "T0A:", ":U0LEAD", "U0LEAD:T0A", "T0A:U0LEAD:x"])
def test_anything_else_is_a_configuration_error(entry: str) -> None:
    with pytest.raises(ConfigError, match="SLACK_ADMIN_USER_IDS"):
        parse_admins([entry], multi_workspace=False)
