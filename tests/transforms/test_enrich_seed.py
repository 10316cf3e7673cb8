"""The enrich stage on the seed page (third-party text beside the repository, as in test_chaff_text),
with its publication date, after chaff removal: the entities and events the issue names."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.chaff_texts import SEED
from winnow.schemas.config import EnrichOptions, EntityAlias
from winnow.schemas.records import EnrichInput
from winnow.transforms.chaff import clean_text, strip_text
from winnow.transforms.enrich.enricher import enricher

pytestmark = pytest.mark.skipif(not SEED.exists(), reason=f"seed text not found at {SEED}")
# The article never gives Assad's full name: the config's alias table does (README, "Entities").
OPTIONS = EnrichOptions(aliases=(EntityAlias(name="Bashar al-Assad", type="person", aliases=("Assad",)),))


@pytest.fixture(scope="module")
def seed():
    text = clean_text(*strip_text(SEED.read_text("utf-8")))
    result = enricher(OPTIONS).enrich([EnrichInput("seed", None, text, date(2016, 9, 23))])[0]
    names = {e.entity_id: e.name for e in result.entities}
    return result, names


def test_the_named_entities_are_found_under_their_canonical_names(seed):
    result, _ = seed
    found = {(e.name, e.type) for e in result.entities}
    for expected in [
        ("Bashar al-Assad", "person"),
        ("John Kerry", "person"),
        ("Russia", "place"),
        ("United States", "place"),
        ("Syria", "place"),
        ("United Nations", "organisation"),
        ("Islamic State", "organisation"),
        ("al-Qaida", "organisation"),
        ("Aleppo", "place"),
    ]:
        assert expected in found
    by_name = {e.name: e for e in result.entities}
    assert {"U.S.", "Washington"} <= set(by_name["United States"].aliases)
    assert {"Russian", "Moscow"} <= set(by_name["Russia"].aliases)
    assert by_name["Aleppo"].country == "SY" and by_name["Syria"].country == "SY"
    assert "CoH" not in found and not any(name == "CoH" for name, _ in found)  # an agreement, not a person


def test_nothing_comes_from_the_removed_chaff(seed):
    result, _ = seed
    names = " ".join(alias for e in result.entities for alias in (e.name, *e.aliases))
    for chaff in ("Moscow Times", "Prosecutor General", "Privacy Policy", "Friday"):
        assert chaff not in names


def event(seed, event_type, trigger_word):
    result, names = seed
    matches = [e for e in result.events if e.event_type == event_type and e.trigger == trigger_word]
    assert matches, f"no {event_type} event with trigger {trigger_word!r}"
    return matches[0], names


def test_the_coalition_strike_at_deir_iz_zor(seed):
    strike, names = event(seed, "fight", "bombed")
    assert names[strike.actor1] == "United States" and names[strike.actor2] == "Syrian Army"
    assert names[strike.location] == "Deir-iz-Zor"
    assert (strike.event_date, strike.date_precision) == (date(2016, 9, 17), "day")


def test_the_air_strikes_in_al_mashhad(seed):
    strikes, names = event(seed, "fight", "air strikes")
    assert names[strikes.location] in ("al-Mashhad", "Aleppo")
    assert strikes.event_date == date(2016, 9, 21)


def test_the_strike_on_the_un_convoy_near_aleppo(seed):
    strike, names = event(seed, "fight", "air strike")
    assert names[strike.actor2] == "United Nations" and names[strike.location] == "Aleppo"


def test_the_cessation_of_hostilities_began_on_september_12(seed):
    truce, _ = event(seed, "ceasefire", "CoH")
    assert (truce.event_date, truce.date_precision) == (date(2016, 9, 12), "day")


def test_the_us_russia_agreement_in_geneva(seed):
    result, names = seed
    agreements = [e for e in result.events if e.event_type == "cooperate" and "agreement" in e.trigger]
    assert any({names.get(e.actor1), names.get(e.actor2)} == {"United States", "Russia"} for e in agreements)
    assert any(names.get(e.location) == "Geneva" for e in agreements)


def test_salience_puts_the_main_actors_first_and_sums_to_one(seed):
    result, names = seed
    ranked = [names[m.entity_id] for m in sorted(result.mentions, key=lambda m: -m.salience)]
    assert set(ranked[:3]) == {"Russia", "United States", "Syria"}
    assert abs(sum(m.salience for m in result.mentions) - 1) < 0.01
