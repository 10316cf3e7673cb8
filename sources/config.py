"""The sources config: which sites to ingest, from which feeds, and how politely.

The YAML file is checked against the strict pydantic models of its blocks (the sources'
in sources/source_config.py, the stages' settings in schemas/config/), and every problem found is
reported at once in plain words naming the file, the source and the field, because the
people editing this file should not need to know pydantic.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from winnow.schemas.config import EnrichOptions, RunnerConfig, Strict, ValidationSettings
from winnow.sources.config_errors import field_path, validation_messages
from winnow.sources.schedules import ScheduleGroup, Scheduling, schedule_groups
from winnow.sources.source_config import Defaults, SourceConfig

ENV_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


class ConfigError(Exception):
    """The config cannot be used; `messages` lists every problem found, one per line."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("\n".join(messages))
        self.messages = messages


class ConfigFile(Strict):
    """winnow's sources config: the sites to ingest, and the settings of the stages. The file is
    read block by block (parse_config), so that each problem names its source and field; this
    model gives its keys, and the JSON Schema editors check it with (`winnow sources schema`)."""

    model_config = ConfigDict(title="winnow sources config")

    defaults: Defaults = Field(default_factory=Defaults)  # what every source gets unless it sets its own
    sources: list[SourceConfig] = Field(min_length=1)
    enrich: EnrichOptions = Field(default_factory=EnrichOptions)
    validation: ValidationSettings = Field(default_factory=ValidationSettings)
    runner: RunnerConfig = Field(default_factory=RunnerConfig)


class SourcesConfig(ConfigFile):
    """A loaded config file: its sources, fully resolved (the defaults merged in), and its schedules."""

    origin: str  # the file it came from, for messages
    schedules: list[ScheduleGroup] = Field(default_factory=list)

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

    errors = [f"{origin}: field {key}: unknown key" for key in data if key not in ConfigFile.model_fields]
    checked_defaults = _check_block(Defaults, "defaults", data.get("defaults"), origin, errors)
    defaults = checked_defaults.model_dump(exclude_unset=True)
    raw_sources = data.get("sources")
    if not isinstance(raw_sources, list) or not raw_sources:
        errors.append(f"{origin}: field sources: expected a list of one or more sources")
        raw_sources = []

    sources: list[SourceConfig] = []
    scheduling: list[Scheduling] = []
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
            scheduling.append(Scheduling(source, "cron" in raw, f"{origin}: {label}, field cron", origin))
    enrich = _check_block(EnrichOptions, "enrich", data.get("enrich"), origin, errors)
    validation = _check_block(ValidationSettings, "validation", data.get("validation"), origin, errors)
    runner = _check_block(RunnerConfig, "runner", data.get("runner"), origin, errors)
    schedules = schedule_groups(scheduling, errors)
    if errors:
        raise ConfigError(errors)
    # Each part is checked already: put together as they are.
    return SourcesConfig.model_construct(
        defaults=checked_defaults,
        sources=sources,
        enrich=enrich,
        validation=validation,
        runner=runner,
        origin=origin,
        schedules=schedules,
    )


def _check_block(model: type[BaseModel], key: str, raw: Any, origin: str, errors: list[str]) -> Any:
    """A top-level settings block, checked; the defaults when it is absent or unusable (and reported)."""
    if raw is None:
        return model()
    if not isinstance(raw, dict):
        errors.append(f"{origin}: field {key}: expected a mapping of settings")
        return model()
    return _check(model, raw, Path("."), f"{origin}: {key}", errors) or model()


def _check(model: type[Strict], raw: dict, base_dir: Path, where: str, errors: list[str]) -> Any:
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
