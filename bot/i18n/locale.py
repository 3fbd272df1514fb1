"""Language tags and platform locales, normalised in one place."""


def primary_language(tag: str | None) -> str | None:
    """The primary subtag of a language tag or platform locale, lower case: "pt_BR" -> "pt",
    "es-419" -> "es"; None when there is none."""
    if not tag:
        return None
    return tag.strip().replace("_", "-").split("-", 1)[0].lower() or None
