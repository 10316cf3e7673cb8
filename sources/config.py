"""The sources config: which sites to ingest, from which feeds, and how politely.

The YAML file is checked against strict pydantic models, and every problem found is
reported at once in plain words naming the file, the source and the field, because the
people editing this file should not need to know pydantic.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple
from urllib.parse import urlsplit
from urllib.request import url2pathname

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from winnow.schemas.config import ChaffRules, EnrichOptions, RunnerConfig, ValidationSettings
from winnow.sources.addresses import parse_networks
from winnow.sources.config_errors import field_path, validation_messages
from winnow.sources.urls import WEB_SCHEMES, host_of

DEFAULT_USER_AGENT = "winnow/0.1 (+https://example.org/contact)"
SLUG_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")
LANGUAGE_RE = re.compile(r"[a-z]{2}")
ENV_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
DOMAIN_RE = re.compile(r"[^\s/:@?#]+")
CRON_RE = re.compile(r"\S+(\s+\S+){4}")


class ConfigError(Exception):
    """The config cannot be used; `messages` lists every problem found, one per line."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


def _web_url(value: str) -> str:
    try:
        usable = urlsplit(value).scheme in WEB_SCHEMES and host_of(value) is not None
    except ValueError:
        usable = False
    if not usable:
        raise ValueError(f"invalid URL {value!r}: must be an absolute http(s) URL")
    return value


def _slug(value: str) -> str:
    if not SLUG_RE.fullmatch(value):
        raise ValueError(
            f"invalid name {value!r}: must be lower-case letters, digits, '-' or '_', starting with a letter or digit"
        )
    return value


def _language(value: str) -> str:
    if not LANGUAGE_RE.fullmatch(value):
        raise ValueError(f"invalid language {value!r}: must be a 2-letter lower-case ISO 639-1 code such as 'en'")
    return value


def _domain(value: str) -> str:
    if not DOMAIN_RE.fullmatch(value) or value.startswith("."):
        raise ValueError(f"invalid domain {value!r}: give a host name such as 'herald.example'")
    return value.lower()


def _cron(value: str) -> str:
    # The shape only: Prefect's own check (flows.deployments.check_crons) runs where schedules are
    # made, since importing Prefect here would cost every command that reads the config a second.
    if not CRON_RE.fullmatch(value.strip()):
        raise ValueError(
            f"invalid cron {value!r}: expected 5 fields (minute hour day-of-month month"
            " day-of-week), such as '17 * * * *'"
        )
    return " ".join(value.split())


def _network(value: str) -> str:
    try:
        (network,) = parse_networks([value])
    except ValueError as exc:
        raise ValueError(f"invalid network {value!r}: give a CIDR such as '127.0.0.0/8' or '::1/128'") from exc
    return str(network)


WebURL = Annotated[str, AfterValidator(_web_url)]
Language = Annotated[str, AfterValidator(_language)]
Slug = Annotated[str, AfterValidator(_slug)]
Cron = Annotated[str, AfterValidator(_cron)]
CIDR = Annotated[str, AfterValidator(_network)]


class _Strict(BaseModel):
    # strict: YAML already types its values, so "2" for a number is a mistake to report.
    model_config = ConfigDict(extra="forbid", strict=True)


class RssFeed(_Strict):
    """An RSS 0.9x/1.0/2.0 or Atom feed."""

    kind: Literal["rss"]
    url: WebURL


class SitemapFeed(_Strict):
    """A sitemap index, urlset or Google News sitemap (plain or gzipped)."""

    kind: Literal["sitemap"]
    url: WebURL
    max_depth: int = Field(3, ge=1, le=10)  # how deep sitemap indexes may nest


class PagesFeed(_Strict):
    """A folder of saved .html / .html.gz pages, for offline ingest."""

    kind: Literal["pages"]
    path: Path

    @field_validator("path", mode="before")
    @classmethod
    def _existing_folder(cls, value: Any, info: ValidationInfo) -> Any:
        if not isinstance(value, (str, Path)):
            raise ValueError(f"expected a folder path, got {value!r}")
        base_dir = Path((info.context or {}).get("base_dir", "."))
        folder = (base_dir / Path(value).expanduser()).resolve()
        if not folder.is_dir():
            raise ValueError(f"folder {str(value)!r} does not exist (looked for {folder})")
        return folder


class WarcFeed(_Strict):
    """WARC files, read as a stream: local (`path`, a file or a glob, relative to the config
    file) or at an http(s) `url`. Robots.txt and rate limits do not apply to an archive; the
    source's allowed domains do."""

    kind: Literal["warc"]
    path: str | None = None
    url: WebURL | None = None

    @model_validator(mode="after")
    def _one_place(self) -> WarcFeed:
        if (self.path is None) == (self.url is None):
            raise ValueError("give either path (a WARC file or a glob of them) or url, not both")
        return self

    @field_validator("path", mode="after")
    @classmethod
    def _absolute_glob(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is None:
            return None
        base_dir = Path((info.context or {}).get("base_dir", "."))
        return str((base_dir / Path(value).expanduser()).absolute())


class CCNewsFeed(_Strict):
    """Common Crawl's CC-NEWS archive over a date range (UTC days, both included): the WARC
    files of those days, their records on the source's allowed domains."""

    kind: Literal["ccnews"]
    start: date
    end: date
    index: WebURL = "https://data.commoncrawl.org"  # where crawl-data/CC-NEWS/ is served

    @model_validator(mode="after")
    def _ordered(self) -> CCNewsFeed:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


ARCHIVE_FEEDS = (WarcFeed, CCNewsFeed)
Feed = Annotated[RssFeed | SitemapFeed | PagesFeed | WarcFeed | CCNewsFeed, Field(discriminator="kind")]


class Defaults(_Strict):
    """Settings every source gets unless it sets its own."""

    user_agent: str = Field(DEFAULT_USER_AGENT, min_length=1)
    rate_limit: float = Field(1.0, gt=0, allow_inf_nan=False)  # requests per second per host
    max_pages: int = Field(200, gt=0)  # pages fetched per source per run
    # Seconds a run may spend fetching this source's pages; what is not asked by then is due next
    # run (a scheduled run then ends before the next one starts). None: no deadline.
    fetch_deadline: float | None = Field(None, gt=0, allow_inf_nan=False)
    language: Language | None = None
    # Languages a page of this source may be in; empty: `language` alone, or any when that is unset.
    languages: list[Language] = Field(default_factory=list)
    chaff: ChaffRules = ChaffRules()  # merged key by key with the defaults'
    cron: Cron | None = None  # when to ingest, in UTC; a source without one is not scheduled
    # Private, loopback or link-local networks this source's URLs may lead to (sources.addresses).
    allowed_networks: list[CIDR] = Field(default_factory=list)


class SourceConfig(Defaults):
    """One site to ingest, with the defaults merged in."""

    name: Slug
    feeds: list[Feed] = Field(min_length=1)
    group: Slug | None = None  # the sources of a group are ingested together, on their one cron
    allowed_domains: list[Annotated[str, AfterValidator(_domain)]] = Field(default_factory=list)
    enabled: bool = True

    @model_validator(mode="after")
    def _default_domains(self) -> SourceConfig:
        if "allowed_domains" not in self.model_fields_set:
            if self.archive_feeds():
                # An archive's host is not the site: the pages to take from it must be named.
                raise ValueError(
                    "a source with a warc or ccnews feed must list allowed_domains:"
                    " the sites whose pages to take from the archive"
                )
            # "www." is dropped so a feed on www.herald.example also admits herald.example.
            hosts = (host_of(feed.url) for feed in self.feeds if isinstance(feed, (RssFeed, SitemapFeed)))
            self.allowed_domains = sorted({h.removeprefix("www.") for h in hosts if h})
        return self

    def archive_feeds(self) -> list[WarcFeed | CCNewsFeed]:
        """The source's web archives, read apart from its feeds (no discovery, no fetching)."""
        return [feed for feed in self.feeds if isinstance(feed, ARCHIVE_FEEDS)]

    def accepted_languages(self) -> list[str]:
        """The languages this source's pages may be in; empty: any."""
        return self.languages or ([self.language] if self.language else [])

    def allows(self, url: str) -> bool:
        """Whether `url` belongs to this source: on an allowed domain or one of its
        subdomains, or (file://) inside one of its pages folders."""
        parts = urlsplit(url)
        if parts.scheme == "file":
            path = Path(url2pathname(parts.path)).resolve()
            return any(path.is_relative_to(feed.path) for feed in self.feeds if isinstance(feed, PagesFeed))
        host = host_of(url)
        if parts.scheme not in WEB_SCHEMES or host is None:
            return False
        return any(host == domain or host.endswith("." + domain) for domain in self.allowed_domains)


@dataclass(frozen=True)
class ScheduleGroup:
    """Enabled sources ingested together on one cron: the `ingest-<name>` deployment."""

    name: str  # the sources' group; else the source's name when it sets its own cron; else "default"
    cron: str
    sources: tuple[str, ...]
    cron_origin: str  # where the cron is set, for messages: "sources.yaml: defaults, field cron"


@dataclass(frozen=True)
class SourcesConfig:
    """A loaded config file: its sources, fully resolved."""

    sources: list[SourceConfig]
    origin: str  # the file it came from, for messages
    enrich: EnrichOptions = EnrichOptions()
    validation: ValidationSettings = ValidationSettings()
    runner: RunnerConfig = RunnerConfig()
    schedules: list[ScheduleGroup] = field(default_factory=list)

    def select(self, names: list[str] | None = None) -> list[SourceConfig]:
        """The named sources (even if disabled), or every enabled one when no names are given."""
        if not names:
            return [source for source in self.sources if source.enabled]
        by_name = {source.name: source for source in self.sources}
        known = ", ".join(sorted(by_name)) or "none"
        unknown = [f"{self.origin}: no source named {name!r} (known: {known})" for name in names if name not in by_name]
        if unknown:
            raise ConfigError(unknown)
        return [by_name[name] for name in dict.fromkeys(names)]


def load_config(path: Path) -> SourcesConfig:
    """Read and check a sources YAML file; relative folder paths resolve against its folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError([f"{path}: cannot read the file: {exc}"]) from exc
    return parse_config(text, path.parent, str(path))


def parse_config(text: str, base_dir: Path, origin: str) -> SourcesConfig:
    """Check the YAML `text` of a sources config; `origin` names it in messages."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([f"{origin}: {where}invalid YAML: {problem}"]) from exc
    if not isinstance(data, dict):
        raise ConfigError([f"{origin}: expected a mapping with a 'sources' list at the top"])

    errors = [
        f"{origin}: field {key}: unknown key"
        for key in data
        if key not in ("defaults", "sources", "enrich", "validation", "runner")
    ]
    defaults = _check_defaults(data.get("defaults"), origin, errors)
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        errors.append(f"{origin}: field sources: expected a list of one or more sources")
        raw_sources = []

    sources: list[SourceConfig] = []
    scheduling: list[_Scheduling] = []
    first_index: dict[str, int] = {}
    for index, raw in enumerate(raw_sources):
        name = raw.get("name") if isinstance(raw, dict) else None
        label = f"source {name!r} (sources[{index}])" if isinstance(name, str) else f"source sources[{index}]"
        if not isinstance(raw, dict):
            errors.append(f"{origin}: {label}: expected a mapping of settings")
            continue
        if isinstance(name, str) and name in first_index:
            errors.append(
                f"{origin}: {label}, field name: duplicate name, already used by sources[{first_index[name]}]"
            )
        elif isinstance(name, str):
            first_index[name] = index
        merged = {**defaults, **raw}
        if isinstance(defaults.get("chaff"), dict) and isinstance(raw.get("chaff"), dict):
            merged["chaff"] = {**defaults["chaff"], **raw["chaff"]}
        source = _check(SourceConfig, merged, base_dir, f"{origin}: {label}", errors)
        if source is not None:
            sources.append(source)
            scheduling.append(_Scheduling(source, "cron" in raw, f"{origin}: {label}, field cron", origin))
    enrich = _check_block(EnrichOptions, "enrich", data.get("enrich"), origin, errors)
    validation = _check_block(ValidationSettings, "validation", data.get("validation"), origin, errors)
    runner = _check_block(RunnerConfig, "runner", data.get("runner"), origin, errors)
    schedules = _schedule_groups(scheduling, errors)
    if errors:
        raise ConfigError(errors)
    return SourcesConfig(sources, origin, enrich, validation, runner, schedules=schedules)


class _Scheduling(NamedTuple):
    source: SourceConfig
    own_cron: bool  # set in the source itself, not inherited from the defaults
    where: str  # the source's cron field, for messages
    origin: str

    @property
    def cron_origin(self) -> str:
        return self.where if self.own_cron else f"{self.origin}: defaults, field cron"

    def describe_cron(self) -> str:
        if self.source.cron is None:
            return "no cron"
        return f"cron {self.source.cron!r}" + ("" if self.own_cron else " (from the defaults)")


def _schedule_groups(scheduling: list[_Scheduling], errors: list[str]) -> list[ScheduleGroup]:
    """The enabled sources by schedule group: their `group`; else, for a source that sets its own
    cron, the source alone; else the sources that inherit the defaults' cron. The sources of a
    group must resolve to one cron; a group without one is not scheduled."""
    members: dict[str, list[_Scheduling]] = {}
    for item in scheduling:
        if item.source.enabled:
            name = item.source.group or (item.source.name if item.own_cron else "default")
            members.setdefault(name, []).append(item)
    groups = []
    for name, items in members.items():
        first, cron = items[0], items[0].source.cron
        for item in items[1:]:
            if item.source.cron != cron:
                errors.append(
                    f"{item.where}: {item.describe_cron()}, but source {first.source.name!r} of the same"
                    f" group {name!r} has {first.describe_cron()}; the sources of a group are ingested"
                    " together, on one cron"
                )
        if cron is not None:
            groups.append(ScheduleGroup(name, cron, tuple(item.source.name for item in items), first.cron_origin))
    return groups


def _check_defaults(raw: Any, origin: str, errors: list[str]) -> dict[str, Any]:
    """The defaults the user set, checked; an unusable block is reported and ignored."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        errors.append(f"{origin}: field defaults: expected a mapping of settings")
        return {}
    checked = _check(Defaults, raw, Path("."), f"{origin}: defaults", errors)
    return checked.model_dump(exclude_unset=True) if checked else {}


def _check_block(model: type[BaseModel], key: str, raw: Any, origin: str, errors: list[str]) -> Any:
    """A top-level settings block, checked; the defaults when it is absent or unusable (and reported)."""
    if raw is None:
        return model()
    if not isinstance(raw, dict):
        errors.append(f"{origin}: field {key}: expected a mapping of settings")
        return model()
    return _check(model, raw, Path("."), f"{origin}: {key}", errors) or model()


def _check(model: type[_Strict], raw: dict, base_dir: Path, where: str, errors: list[str]) -> Any:
    """Expand ${ENV_VAR}s and validate `raw` as `model`; append problems to `errors`."""
    expanded, env_errors = _expand_env(raw, ())
    errors.extend(f"{where}, field {field_path(loc)}: {message}" for loc, message in env_errors)
    try:
        return model.model_validate(expanded, context={"base_dir": base_dir})
    except ValidationError as exc:
        env_locs = {loc for loc, _ in env_errors}  # already reported, more precisely
        errors.extend(validation_messages(exc, where, skip=env_locs))
        return None


def _expand_env(value: Any, loc: tuple) -> tuple[Any, list[tuple[tuple, str]]]:
    """`value` with ${VAR} replaced in every string, and (field, message) for unset ones."""
    if isinstance(value, str):
        unset = [name for name in ENV_VAR_RE.findall(value) if name not in os.environ]
        if unset:
            return value, [(loc, f"environment variable {name!r} is not set") for name in unset]
        return ENV_VAR_RE.sub(lambda match: os.environ[match[1]], value), []
    if not isinstance(value, (dict, list)):
        return value, []
    keys = list(value) if isinstance(value, dict) else range(len(value))
    results = [_expand_env(value[key], loc + (key,)) for key in keys]
    problems = [problem for _, item_problems in results for problem in item_problems]
    items = [item for item, _ in results]
    return (dict(zip(keys, items)) if isinstance(value, dict) else items), problems
