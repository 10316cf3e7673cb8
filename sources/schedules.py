"""Schedule groups: the enabled sources ingested together, each group on its one cron (the
`ingest-<group>` deployments)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from winnow.sources.source_config import SourceConfig


@dataclass(frozen=True)
class ScheduleGroup:
    """Enabled sources ingested together on one cron: the `ingest-<name>` deployment."""

    name: str  # the sources' group; else the source's name when it sets its own cron; else "default"
    cron: str
    sources: tuple[str, ...]
    cron_origin: str  # where the cron is set, for messages: "sources.yaml: defaults, field cron"


class Scheduling(NamedTuple):
    """A source as the schedules see it: whether its cron is its own, and where it is set."""

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


def schedule_groups(scheduling: list[Scheduling], errors: list[str]) -> list[ScheduleGroup]:
    """The enabled sources by schedule group: their `group`; else, for a source that sets its own
    cron, the source alone; else the sources that inherit the defaults' cron. The sources of a
    group must resolve to one cron; a group without one is not scheduled."""
    members: dict[str, list[Scheduling]] = {}
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
