"""Editing the sources config file as text: `add_source` appends a source block inside its
`sources:` list (which may be followed by other top-level keys), leaving the rest of the file
as it was, comments included; the result is checked with the config's own rules before
anyone writes it, and written in one step.
"""

from __future__ import annotations

import os
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from winnow.sources.config import ConfigError, parse_config
from winnow.sources.feed_finder import FoundFeed
from winnow.sources.source_config import SourceConfig
from winnow.sources.urls import host_of

NULL_TAG = "tag:yaml.org,2002:null"


@dataclass(frozen=True)
class Addition:
    """A config text with a new source appended, as checked by the config's rules."""

    text: str  # the whole new file
    block: str  # the lines added
    source: SourceConfig  # the new source, with the config's defaults merged in


def configured_sources(text: str, base_dir: Path, origin: str) -> list[SourceConfig]:
    """The sources a config text lists: none for a file with no `sources:` list yet (a new
    or empty file), else all of them. Raises ConfigError when the config is not valid."""
    node = _sources_node(_compose(text, origin))
    if not isinstance(node, SequenceNode) or not node.value:
        return []
    return parse_config(text, base_dir, origin).sources


def add_source(text: str, name: str, feeds: list[FoundFeed], site_url: str, *, base_dir: Path, origin: str) -> Addition:
    """`text` with a source named `name` reading `feeds` appended to its `sources:` list, and
    allowed_domains set only where the config's default (the feeds' hosts) would not admit
    the host of `site_url`. Raises ConfigError, in the config's words, if the result is no
    valid config."""
    addition = _append(text, name, feeds, [], base_dir, origin)
    if addition.source.allows(site_url):
        return addition
    site_host = (host_of(site_url) or "").removeprefix("www.")
    return _append(text, name, feeds, sorted({site_host, *addition.source.allowed_domains}), base_dir, origin)


def read_config_text(path: Path) -> str:
    """The config file's text as it is (line endings kept); "" when there is no file yet."""
    try:
        with open(path, encoding="utf-8", newline="") as file:
            return file.read()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read the file: {exc}"]) from exc


def write_config_text(path: Path, text: str) -> None:
    """Replace the file with `text` in one step (a temporary file, then os.replace), so that
    no reader sees half a file and a failed write leaves the old one. The file keeps its
    permissions, and a symlink its target."""
    target = Path(path).resolve()
    mode = stat.S_IMODE(target.stat().st_mode) if target.exists() else 0o644
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _append(
    text: str, name: str, feeds: list[FoundFeed], allowed_domains: list[str], base_dir: Path, origin: str
) -> Addition:
    newline = "\r\n" if "\r\n" in text else "\n"
    text, offset, dash_column, key_column = _sources_slot(text, newline, origin)
    block = _source_block(name, feeds, allowed_domains, dash_column, key_column, newline)
    head = text[:offset]
    if head and not head.endswith("\n"):
        head += newline
    new_text = head + block + text[offset:]
    # parse_config reads the file as a whole; that the source is in its list shows the
    # block went into `sources:` and not into a key after it.
    source = next((s for s in parse_config(new_text, base_dir, origin).sources if s.name == name), None)
    if source is None:
        raise ConfigError([f"{origin}: the new source {name!r} did not land in the sources list"])
    return Addition(new_text, block, source)


def _compose(text: str, origin: str) -> Node | None:
    try:
        return yaml.compose(text)
    except yaml.YAMLError:
        # parse_config reads the same YAML, so it fails too, and says where in its own words.
        parse_config(text, Path("."), origin)
        raise


def _sources_node(root: Node | None) -> Node | None:
    """The value of the top-level `sources` key (the last one, as the YAML loader takes it)."""
    if not isinstance(root, MappingNode):
        return None
    values = [value for key, value in root.value if isinstance(key, ScalarNode) and key.value == "sources"]
    return values[-1] if values else None


def _sources_slot(text: str, newline: str, origin: str) -> tuple[str, int, int, int]:
    """Where a new item of `sources:` goes: (the text, made ready for it; the offset to insert
    at; the column of the item's dash; the column of its keys)."""
    root = _compose(text, origin)
    if root is not None and not isinstance(root, MappingNode):
        raise ConfigError([f"{origin}: expected a mapping with a 'sources' list at the top"])
    node = _sources_node(root)
    if node is None:  # no sources key yet: add one at the end
        column = root.start_mark.column if root is not None else 0
        head = text if not text or text.endswith("\n") else text + newline
        text = f"{head}{' ' * column}sources:{newline}"
        return text, len(text), column + 2, column + 4
    if isinstance(node, SequenceNode) and not node.flow_style:
        last = node.value[-1]
        end = _after_own_comments(text, _line_end(text, _content_end(last)), node.start_mark.column)
        return text, end, node.start_mark.column, last.start_mark.column
    is_empty_flow = isinstance(node, SequenceNode) and not node.value
    if (isinstance(node, ScalarNode) and node.tag == NULL_TAG) or is_empty_flow:
        # `sources:`, `sources: ~` or `sources: []`: the value goes, the list follows the key.
        text = text[: node.start_mark.index] + text[node.end_mark.index :]
        key_column = next(key for key, value in root.value if value is node).start_mark.column
        return text, _line_end(text, node.start_mark.index), key_column + 2, key_column + 4
    if isinstance(node, SequenceNode):
        raise ConfigError(
            [
                f"{origin}: field sources: written as a flow list ([...]); make it a"
                " block list (one '- name: ...' item per source) to add to it"
            ]
        )
    raise ConfigError([f"{origin}: field sources: expected a list of one or more sources"])


def _content_end(node: Node) -> int:
    """The offset where the text of `node` ends: its last scalar or flow collection. A block
    collection's own end mark lies past the blank and comment lines that follow it."""
    ends, pending, seen = [], [node], set()
    while pending:
        current = pending.pop()
        if id(current) in seen:  # aliases share nodes, and may refer back to their parent
            continue
        seen.add(id(current))
        if isinstance(current, ScalarNode) or current.flow_style:
            ends.append(current.end_mark.index)
        elif isinstance(current, MappingNode):
            pending.extend(part for pair in current.value for part in pair)
        else:
            pending.extend(current.value)
    return max(ends)


def _line_end(text: str, offset: int) -> int:
    """The start of the line after the one `offset` is on (`offset` itself at a line start)."""
    if offset == 0 or text[offset - 1] == "\n":
        return offset
    newline = text.find("\n", offset)
    return len(text) if newline == -1 else newline + 1


def _after_own_comments(text: str, offset: int, dash_column: int) -> int:
    """Past the comment lines after the last item that are indented under it (they are its
    own); comments at the dash's column or left of it may be about what follows, so stay."""
    position = scan = offset
    while scan < len(text):
        stop = text.find("\n", scan) + 1 or len(text)
        line = text[scan:stop]
        content = line.lstrip(" ")
        if content.startswith("#") and len(line) - len(content) > dash_column:
            position = stop
        elif content.strip():
            break
        scan = stop
    return position


def _source_block(
    name: str, feeds: list[FoundFeed], allowed_domains: list[str], dash_column: int, key_column: int, newline: str
) -> str:
    keys = " " * key_column
    lines = [" " * dash_column + "-" + " " * (key_column - dash_column - 1) + f"name: {_scalar(name)}", f"{keys}feeds:"]
    for feed in feeds:
        lines += [f"{keys}  - kind: {feed.kind}  # found via {feed.via}", f"{keys}    url: {_scalar(feed.url)}"]
    if allowed_domains:
        domains = ", ".join(_scalar(domain) for domain in allowed_domains)
        lines.append(f"{keys}allowed_domains: [{domains}]  # the site's host is not a feed's")
    return newline.join(lines) + newline


def _scalar(value: str) -> str:
    """`value` as a YAML scalar, quoted only where YAML would read it as something else."""
    dumped = yaml.safe_dump(value, width=float("inf"), allow_unicode=True)
    return dumped.removesuffix("\n...\n").removesuffix("\n")
