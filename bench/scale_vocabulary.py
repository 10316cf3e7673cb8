"""The names and words of bench/scale.py's synthetic warehouse: its sources, countries, event
taxonomy, actor roles and the syllables its entity names are made of; and `sql_list`, which puts
them into its SQL."""

from __future__ import annotations

SOURCES = [
    "vale-courier",
    "harbour-herald",
    "northgate-observer",
    "wire-east",
    "wire-west",
    "metro-daily",
    "coast-times",
    "valley-post",
]
COUNTRIES = ["US", "SY", "GB", "FR", "DE", "UA", "RU", "CN", "IN", "IL", "IR", "TR", "BR", "NG", "ZA", "JP"]
# (type, CAMEO root code, trigger), the taxonomy of transforms/enrich/events.yaml; the first most frequent.
EVENT_TYPES = [
    ("statement", "01", "said"),
    ("consult", "04", "met"),
    ("appeal", "02", "urged"),
    ("cooperate", "05", "signed"),
    ("disapprove", "11", "criticised"),
    ("protest", "14", "protested"),
    ("coerce", "17", "arrested"),
    ("assault", "18", "attacked"),
    ("fight", "19", "shelled"),
    ("demand", "10", "demanded"),
    ("reject", "12", "rejected"),
    ("threaten", "13", "threatened"),
    ("aid", "07", "sent aid"),
    ("reduce_relations", "16", "expelled"),
    ("election", None, "elected"),
    ("ceasefire", "0871", "agreed a truce"),
    ("mass_violence", "20", "massacred"),
]
ROLES = [
    ("police", "COP"),
    ("government", "GOV"),
    ("army", "MIL"),
    ("court", "JUD"),
    ("parliament", "LEG"),
    ("company", "BUS"),
    ("union", "LAB"),
    ("rebels", "REB"),
]
WORDS = (
    "elected council port strike talks harbour ferry storm flood budget school hospital election "
    "court ruling minister resigns market fire rescue bridge rail plan tax vote protest police arrest "
    "border ceasefire summit trade deal energy prices water drought wildfire health funding union"
).split()
SYLLABLES = "ka lo mi ner sa tor vel bri dan ost ren hal mar pet sun gal fen wik dor lin bas cor tam rus el an".split()
FIRST_NAMES = (
    "Ada John Maria Omar Li Elena Tomas Aisha Pierre Sven Nadia Karl Rosa Ivan Mei Jonas Sara Ahmed Lucia Pavel"
).split()
ORG_KINDS = ["Ministry", "Council", "Group", "Bank", "Party", "Union", "Agency", "Institute", "Holdings", "Police"]


def sql_list(values) -> str:
    return "[" + ", ".join("NULL" if v is None else "'" + str(v).replace("'", "''") + "'" for v in values) + "]"
