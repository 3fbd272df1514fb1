"""Where the bot token may go: Slack's file origin and the configured API origin only."""

import pytest
import yarl

from bot.adapters.slack.files import FileHosts


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://files.slack.com/files-pri/T1-F1/bank.md", True),
        ("https://FILES.slack.com/files-pri/T1-F1/bank.md", True),
        ("http://files.slack.com/files-pri/T1-F1/bank.md", False),
        ("https://files.slack.com:8443/files-pri/T1-F1/bank.md", False),
        ("https://evil.slack.com/files-pri/T1-F1/bank.md", False),
        ("https://files.slack.com.evil.test/bank.md", False),
        ("https://user:pw@files.slack.com/bank.md", False),
        ("http://127.0.0.1:4000/files-pri/T1-F1/bank.md", True),  # the configured API origin
        ("http://127.0.0.1:4001/files-pri/T1-F1/bank.md", False),
        ("https://127.0.0.1:4000/files-pri/T1-F1/bank.md", False),
    ],
)
def test_only_the_file_and_api_origins_are_allowed(url: str, allowed: bool) -> None:
    hosts = FileHosts.for_api("http://127.0.0.1:4000/api/")
    assert hosts.allow(yarl.URL(url)) is allowed
