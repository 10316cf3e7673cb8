"""The `runner:` block of the sources config: where the extract and enrich work runs.

`local` (the default) runs it in the flow's process: extraction and enrichment on a process
pool of one worker per core. `dask` hands it to a Dask cluster through prefect-dask: a running
scheduler at `address` (any number of machines), or else a local cluster of `workers` started
for the run. Either way discovery, fetching (one crawl per run, for every host's politeness) and
the DuckDB writes stay in the flow's process: the workers hand their records back, and one
loader merges them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from winnow.schemas.config.strict import Strict

DASK_SCHEMES = ("tcp", "tls", "ws", "wss", "inproc", "ucx")  # the comms a Dask scheduler listens on


class RunnerConfig(Strict):
    """How the flows run their stages; every field is optional."""

    kind: Literal["local", "dask"] = "local"
    address: str | None = None  # dask: a running scheduler, e.g. tcp://10.0.0.5:8786
    workers: int | None = Field(None, ge=1)  # dask without address: local workers (default: one per core)
    processes: bool = True  # dask without address: workers are processes (False: threads of this one)

    @field_validator("address")
    @classmethod
    def _scheduler_address(cls, value: str | None) -> str | None:
        scheme, _, rest = (value or "").partition("://")
        if value is not None and (scheme not in DASK_SCHEMES or not rest):
            raise ValueError(f"{value!r} is no scheduler address; expected e.g. tcp://host:8786")
        return value

    @model_validator(mode="after")
    def _dask_settings_need_dask(self) -> RunnerConfig:
        if self.kind == "local" and (self.address or self.workers or not self.processes):
            raise ValueError("address, workers and processes are settings of kind: dask")
        if self.address and (self.workers or not self.processes):
            raise ValueError("workers and processes size a local cluster; a cluster at `address` has its own")
        return self

    @classmethod
    def parse(cls, spec: str) -> RunnerConfig:
        """A runner named on the command line: `local`, `dask` (a local cluster of processes),
        `dask-threads`, or a scheduler address (tcp://host:8786)."""
        if spec in ("local", "dask"):
            return cls(kind=spec)
        if spec == "dask-threads":
            return cls(kind="dask", processes=False)
        if "://" in spec:
            try:
                return cls(kind="dask", address=spec)
            except ValidationError as error:  # one line, as the config's errors are
                raise ValueError(error.errors()[0]["msg"].removeprefix("Value error, ")) from None
        raise ValueError(f"unknown runner {spec!r}; expected local, dask, dask-threads or a scheduler address")

    def describe(self) -> str:
        if self.kind == "local":
            return "local"
        if self.address:
            return f"dask at {self.address}"
        return f"dask, local cluster of {self.workers or 'one per core'} {'processes' if self.processes else 'threads'}"
