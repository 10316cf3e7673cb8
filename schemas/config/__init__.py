"""The settings of the stages, declared once: each model checks the config file's block (or the
source's) and is the very object passed down to its stage (the trafilatura way: one options
object). sources/config.py reads the YAML into them; `winnow sources schema` prints them."""

from winnow.schemas.config.chaff import ChaffPattern, ChaffRules
from winnow.schemas.config.enrich import EnrichOptions, EntityAlias
from winnow.schemas.config.extract import ExtractOptions
from winnow.schemas.config.runner import RunnerConfig
from winnow.schemas.config.strict import Strict
from winnow.schemas.config.validation import ValidationSettings

__all__ = [
    "ChaffPattern",
    "ChaffRules",
    "EnrichOptions",
    "EntityAlias",
    "ExtractOptions",
    "RunnerConfig",
    "Strict",
    "ValidationSettings",
]
