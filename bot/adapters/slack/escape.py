"""Escaping text for Slack's mrkdwn, so nothing a user typed can ping anyone.

Slack turns `<!channel>`, `<!here>`, `<!everyone>`, `<@U…>` and `<#C…>` into mentions and links
only while their angle brackets are literal. Escaping `&`, `<` and `>` (the three characters Slack
asks apps to escape) makes every one of them inert text, wherever it came from: an answer, a
display name, a setting echoed back.
"""

_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"))
_LONGEST_ENTITY = max(len(entity) for _, entity in _ENTITIES)


def escape(text: str) -> str:
    for raw, entity in _ENTITIES:
        text = text.replace(raw, entity)
    return text


def safe_cut(text: str, limit: int) -> int:
    """A cut position <= `limit` that doesn't split an entity such as `&amp;` in escaped text."""
    if limit >= len(text):
        return len(text)
    start = text.rfind("&", max(0, limit - _LONGEST_ENTITY + 1), limit)
    if start != -1 and ";" not in text[start:limit]:
        return start
    return limit


def unescape(text: str) -> str:
    """Text as the user typed it: Slack sends `&`, `<` and `>` of messages as entities."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
