"""Refuse a costly or unsafe YAML bank before it is built: one pass over the parser's events.

A few kilobytes of anchors and aliases ("billion laughs") describe gigabytes once expanded, and
building the document, validating it or writing it back expands them. The events are streamed
and nothing is built here: each anchor's expanded size is summed as its events go by, each alias
adds its anchor's size, and the first limit passed stops the parse. Tags other than YAML's own
(`!!python/object/apply:os.system`) are refused with their line; the safe loader would refuse
them later, with a traceback instead of a reason.
"""

import yaml

from bot.bank.limits import MAX_EXPANDED_CHARS, MAX_YAML_ALIASES, MAX_YAML_DEPTH
from bot.errors import BankError

_CORE = "tag:yaml.org,2002:"
_SAFE_TAGS = frozenset(
    _CORE + name
    for name in ("str", "int", "float", "bool", "null", "seq", "map", "timestamp", "merge")
)


def check_yaml(
    text: str,
    *,
    source: str,
    loader: type = yaml.SafeLoader,
    max_depth: int = MAX_YAML_DEPTH,
    max_aliases: int = MAX_YAML_ALIASES,
    max_chars: int = MAX_EXPANDED_CHARS,
) -> None:
    """Raise BankError, with the line, for the first tag, depth or alias limit `text` passes.
    Malformed YAML is left for the loader to report."""
    anchors: dict[str, int] = {}
    open_nodes: list[list] = []  # [anchor, expanded size so far] per open sequence or mapping
    aliases = expanded = 0
    try:
        for event in yaml.parse(text, Loader=loader):
            line = event.start_mark.line + 1 if event.start_mark else None
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > max_aliases:
                    raise BankError(
                        f"more than {max_aliases} YAML aliases (*name); write the entries out",
                        path=source,
                        line=line,
                    )
                size = anchors.get(event.anchor, 0)
            elif isinstance(event, yaml.ScalarEvent | yaml.CollectionStartEvent):
                _check_tag(event.tag, source, line)
                if isinstance(event, yaml.CollectionStartEvent):
                    open_nodes.append([event.anchor, 1])
                    if len(open_nodes) > max_depth:
                        raise BankError(
                            f"nested deeper than {max_depth} levels", path=source, line=line
                        )
                    continue
                size = len(event.value) + 1
                if event.anchor:
                    anchors[event.anchor] = size
            elif isinstance(event, yaml.CollectionEndEvent) and open_nodes:
                anchor, size = open_nodes.pop()
                if anchor:
                    anchors[anchor] = size
                if open_nodes:
                    open_nodes[-1][1] += size
                continue
            else:
                continue
            expanded += size
            if open_nodes:
                open_nodes[-1][1] += size
            if expanded > max_chars:
                raise BankError(
                    f"expands to more than {max_chars:,} characters through its aliases",
                    path=source,
                    line=line,
                )
    except yaml.YAMLError:
        return  # malformed: the loader says where, in its own words


def _check_tag(tag: str | None, source: str, line: int | None) -> None:
    if tag is None or tag == "!" or tag in _SAFE_TAGS:
        return
    shown = "!!" + tag.removeprefix(_CORE) if tag.startswith(_CORE) else tag
    if tag.startswith(_CORE + "python/"):
        reason = "Python object tags are not allowed in a bank file"
    else:
        reason = "only plain YAML (text, numbers, lists, mappings) is allowed in a bank file"
    raise BankError(f"YAML tag {shown}: {reason}", path=source, line=line)
