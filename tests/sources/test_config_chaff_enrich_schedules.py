"""The sources config's chaff rules, enrich settings and schedules, and their mistakes."""

import pytest

from tests.support.config_errors import parse
from winnow.sources.config import ConfigError, parse_config

CHAFF = """
defaults:
  chaff: {repetition_min_articles: 8}
sources:
  - name: a
    feeds: [{kind: rss, url: "https://a.example/feed"}]
    chaff:
      drop_selectors: ["aside.promo", "#donate"]
      patterns: ["^Support us", {pattern: "^Advertisement$", kind: other}]
      cut_markers: [{pattern: "^Sign up for", kind: newsletter}]
  - name: b
    feeds: [{kind: rss, url: "https://b.example/feed"}]
    chaff: {detectors: false}
  - name: c
    feeds: [{kind: rss, url: "https://c.example/feed"}]
"""


def test_chaff_rules_merge_with_the_defaults_key_by_key(tmp_path):
    from winnow.schemas.config import ChaffPattern

    a, b, c = (source.chaff for source in parse_config(CHAFF, tmp_path, "s.yaml").sources)
    assert a.drop_selectors == ("aside.promo", "#donate")
    assert a.patterns == (
        ChaffPattern(pattern="^Support us", kind="other"),
        ChaffPattern(pattern="^Advertisement$", kind="other"),
    )
    assert a.cut_markers == (ChaffPattern(pattern="^Sign up for", kind="newsletter"),)
    assert (a.detectors, a.repetition_min_articles) == (True, 8)
    assert (b.detectors, b.repetition_min_articles) == (False, 8)
    assert (c.detectors, c.repetition_min_articles, c.patterns) == (True, 8, ())


def test_bad_chaff_rules_name_the_source_and_field(tmp_path):
    text = (
        CHAFF.replace('"^Support us"', '"(unclosed"')
        .replace('"#donate"', '"div..x"')
        .replace("kind: newsletter", "kind: banner")
        .replace("{detectors: false}", "{detectors: false, repetition_min_articles: -1}")
    )
    with pytest.raises(ConfigError) as error:
        parse_config(text, tmp_path, "s.yaml")
    assert error.value.messages == [
        "s.yaml: source 'a' (sources[0]), field chaff.drop_selectors[1]: invalid CSS selector 'div..x':"
        " Expected ident, got <DELIM '.' at 4>",
        "s.yaml: source 'a' (sources[0]), field chaff.patterns[0].pattern: invalid regular expression '(unclosed':"
        " missing ), unterminated subpattern at position 0",
        "s.yaml: source 'a' (sources[0]), field chaff.cut_markers[0].kind: must be one of 'newsletter', 'donation',"
        " 'paywall', 'related', 'share', 'cookie', 'app' or 'other'",
        "s.yaml: source 'b' (sources[1]), field chaff.repetition_min_articles: must be at least 0",
    ]


ENRICH = """
sources:
  - name: a
    feeds: [{kind: rss, url: "https://a.example/feed"}]
enrich:
  min_event_confidence: 0.6
  aliases:
    - {name: Bashar al-Assad, type: person, aliases: [Assad]}
    - {name: Geneva, type: place, country: CH}
"""


def test_enrich_settings_and_aliases_become_the_transforms_options(tmp_path):
    from winnow.schemas.config import EntityAlias
    from winnow.schemas.records import DEFAULT_NLP_MODEL

    options = parse_config(ENRICH, tmp_path, "s.yaml").enrich
    assert (options.models, options.min_event_confidence) == ((("en", DEFAULT_NLP_MODEL),), 0.6)
    assert options.aliases == (
        EntityAlias(name="Bashar al-Assad", type="person", aliases=("Assad",)),
        EntityAlias(name="Geneva", type="place", aliases=(), country="CH"),
    )
    assert parse_config(ENRICH.split("enrich:")[0], tmp_path, "s.yaml").enrich.aliases == ()


def test_bad_enrich_settings_name_the_field(tmp_path):
    text = (
        ENRICH.replace("0.6", "1.5").replace("type: person", "type: thing").replace("CH}", "ch}")
        + """
    - {name: Assad family, type: person, aliases: [assad]}
  models: {en: en_core_web_lg}
"""
    )
    with pytest.raises(ConfigError) as error:
        parse_config(text, tmp_path, "s.yaml")
    assert error.value.messages == [
        "s.yaml: enrich, field models: spaCy pipeline 'en_core_web_lg' for 'en' is not installed: install its"
        " package (as pyproject.toml does for the defaults) or give the path of a pipeline folder",
        "s.yaml: enrich, field min_event_confidence: must be at most 1.0",
        "s.yaml: enrich, field aliases[0].type: must be one of 'person', 'organisation' or 'place'",
        "s.yaml: enrich, field aliases[1].country: invalid country 'ch': give an ISO 3166-1 alpha-2 code such as 'GB'",
    ]
    duplicate = ENRICH + "    - {name: Assad family, type: person, aliases: [assad]}\n"
    with pytest.raises(ConfigError) as error:
        parse_config(duplicate, tmp_path, "s.yaml")
    assert error.value.messages == [
        "s.yaml: enrich: alias 'assad' is given to both 'Bashar al-Assad' and 'Assad family'"
    ]


SCHEDULED = """
defaults:
  cron: "17 * * * *"
sources:
  - {name: plain, feeds: [{kind: pages, path: saved}]}
  - {name: own, cron: "0  6 * * *", feeds: [{kind: pages, path: saved}]}
  - {name: wire-a, group: wires, cron: "*/30 * * * *", feeds: [{kind: pages, path: saved}]}
  - {name: also-plain, feeds: [{kind: pages, path: saved}]}
  - {name: wire-b, group: wires, cron: "*/30 * * * *", feeds: [{kind: pages, path: saved}]}
  - {name: paused, enabled: false, cron: "1 1 1 1 1", feeds: [{kind: pages, path: saved}]}
  - {name: unscheduled, cron: null, feeds: [{kind: pages, path: saved}]}
"""


def test_schedule_groups_by_group_own_cron_and_defaults(tmp_path):
    (tmp_path / "saved").mkdir()
    groups = parse_config(SCHEDULED, tmp_path, "s.yaml").schedules

    assert [(g.name, g.cron, g.sources) for g in groups] == [
        ("default", "17 * * * *", ("plain", "also-plain")),  # the defaults' cron
        ("own", "0 6 * * *", ("own",)),  # its own cron, whitespace evened out
        ("wires", "*/30 * * * *", ("wire-a", "wire-b")),
    ]  # disabled and cron-less sources are not scheduled
    assert [g.cron_origin for g in groups] == [
        "s.yaml: defaults, field cron",
        "s.yaml: source 'own' (sources[1]), field cron",
        "s.yaml: source 'wire-a' (sources[2]), field cron",
    ]
    without_crons = SCHEDULED.replace('  cron: "17 * * * *"', "  rate_limit: 1.0")
    assert [g.name for g in parse_config(without_crons, tmp_path, "s.yaml").schedules] == ["own", "wires"]


def test_the_sources_of_a_group_need_one_cron(tmp_path):
    (tmp_path / "saved").mkdir()
    messages = parse(
        SCHEDULED.replace('{name: wire-b, group: wires, cron: "*/30 * * * *",', "{name: wire-b, group: wires,").replace(
            "{name: unscheduled,", "{name: unscheduled, group: wires,"
        ),
        tmp_path,
    )

    assert messages == [
        "sources.yaml: source 'wire-b' (sources[4]), field cron: cron '17 * * * *' (from the defaults), but source"
        " 'wire-a' of the same group 'wires' has cron '*/30 * * * *'; the sources of a group are ingested together,"
        " on one cron",
        "sources.yaml: source 'unscheduled' (sources[6]), field cron: no cron, but source 'wire-a' of the same group"
        " 'wires' has cron '*/30 * * * *'; the sources of a group are ingested together, on one cron",
    ]
