"""Who an event's actor is: the named entity the parse points to, or the one a pronoun or a role
noun stands for in the article, with the actor's role and country as the text gives them.

A head noun that only counts ("a total of 40 nurses", "hundreds of workers") is those it counts. A
head noun resolves, in order: to the name it is part of ("Gov. Ada Brennan"); to the name set
beside it ("the suspect, Colin Marsh"; "the firm that runs the show, Talvik Productions,
denied"); for "he", "she" or "the 62-year-old", to the person last named before it, for "it" or
"they", to the organisation or country last named close before (not a name that only modifies a
noun of the pronoun's own sentence: "after leasing 12 Harwick Aviation jets, it ..."); for a role
noun (roles.yaml), to the person the article gives that title, the organisation whose name holds the
word ("the police": "Dunmore Police Department"), or for "the company" or "the group", the
organisation last named; else to a name among its modifiers ("the Nordair fleet"), or for a subject
owned by "its", the organisation "its" stands for ("Its fleet was grounded"; a nationality, as in
"the Norwegian group ... its", is not one). Of places only countries act, and a place the
article never uses as a location, as a subject ("Watford posted a video": the club). A role
noun that resolves to no name stays the actor as the text gives it ("Afghan police": police,
COP, AF).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml
from spacy.tokens import Doc, Token

from winnow.transforms.enrich.entities import ROLE_SUFFIX
from winnow.transforms.enrich.factuality import inside_quotes
from winnow.transforms.enrich.geo import Gazetteer
from winnow.transforms.enrich.occurrences import Occurrence, Resolved, resolved_id
from winnow.transforms.enrich.surroundings import LOCATIVE_WORDS, holds_premises
from winnow.transforms.enrich.triggers import noun_forms

PERSON_PRONOUNS = {"he", "she", "him", "her", "his"}
GROUP_PRONOUNS = {"it", "its", "they", "them", "their"}
PLURAL_PRONOUNS = {"they", "them", "their"}
PLURAL_TAGS = {"NNS", "NNPS"}
SENTENCE_END = re.compile(r"[.!?][\"”’']?\s+[\"“‘']?[A-Z]")  # a sentence ending, another starting
# Between two people named together: "and", with a title of the second's ("and congresswoman").
# A name or pronoun right after a closing quote, as its speaker: '”, said Dale', '.” Dale said', '”, he said'.
AFTER_A_QUOTE = re.compile(r"[,.!?]?[”\"]\s*(?:(?:said|says|added|told)\s+)?$")
PAIRING = re.compile(r",? (?:and|&) (?:[A-Za-z.]+ ){0,2}")
PRONOUN_GENDERS = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}
TITLE_GENDERS = {"mr": "m", "sir": "m", "lord": "m", "mrs": "f", "ms": "f", "miss": "f", "dame": "f", "lady": "f"}
TITLE_VOTES = 3  # a title tells a person's gender more surely than a pronoun after the name
# Nouns for a person of one gender: a pronoun after one may stand for it rather than for a name before.
GENDERED_NOUNS = frozenset(
    """
    woman women girl girls mother daughter wife sister grandmother aunt niece lady widow
    man men boy boys father son husband brother grandfather uncle nephew
""".split()
)
# A definite one of these ("the company") is the organisation named last before it.
LAST_ORGANISATION_WORDS = frozenset(
    """
    company firm carrier airline group club side team utility organisation organization coalition
    movement party network bank agency department commission committee authority office board
    regulator manufacturer maker automaker carmaker retailer lender insurer operator startup supplier
    broadcaster
""".split()
)
# "a total of 40 nurses", "hundreds of workers": the noun only counts those after "of".
COUNTING_NOUNS = frozenset("total number dozens hundreds thousands tens scores handful majority".split())
# "a firm owned by X", "a group led by X": the one who owns or leads an unnamed body.
OWNING = frozenset("owned controlled run led founded headed backed".split())
OWNED_BODIES = frozenset("company firm business startup".split())  # "Colin Marsh's company": his
PRONOUN_REACH = 400  # characters back to look for what "it" or "they" stands for
MODIFIERS = ("amod", "compound", "nmod", "poss", "npadvmod")
WORD_BEFORE = re.compile(r"(\w+)\W+(?:the\W+)?$", re.IGNORECASE)
OWNING_ACRONYM = re.compile(r"[A-Z]{2,6} [A-Za-z]")  # an acronym before a noun owns it
NEXT_WORD = re.compile(r" (\w+)")


@dataclass(frozen=True, slots=True)
class Actor:
    """One side of an event: a named entity, a role, or both."""

    entity: str | None  # entity_id
    name: str  # the entity's name, or else the role
    role: str | None = None  # the title of a named actor ("president"), or the role as the text gives it
    type: str | None = None  # its CAMEO agent code
    country: str | None = None  # ISO 3166-1 alpha-2


@cache
def role_codes() -> dict[str, tuple[str, str]]:
    """Every form of every role noun (one or two words) -> (the role, its CAMEO agent code)."""
    raw = yaml.safe_load(resources.files(__package__).joinpath("roles.yaml").read_text("utf-8"))
    table = {}
    for code, spec in raw.items():
        for entry in spec["roles"]:
            singular, *plural = entry.split("/")  # "man/men": an irregular plural
            words = singular.split()
            for form in plural or noun_forms(words[-1]):
                table[" ".join(words[:-1] + [form])] = (singular, code)
            table[singular] = (singular, code)
    return table


def role_of(head: Token) -> tuple[str, str] | None:
    """The role a head noun names, preferring more words ("health care provider", "police chief") to
    one ("chief")."""
    if head.pos_ not in ("NOUN", "PROPN"):
        return None
    codes = role_codes()
    for size in (3, 2):
        words = head.doc[max(head.i - size + 1, 0) : head.i + 1]
        if len(words) == size and (found := codes.get(words.text.lower())):
            return found
    if head.lower_ in codes:
        return codes[head.lower_]
    # A closed compound ends with its role: "dockworkers", "steelworkers", "policemen".
    return next((codes[head.lower_[i:]] for i in range(2, len(head.lower_) - 4) if head.lower_[i:] in codes), None)


class ActorResolver:
    """Resolves the head nouns of one sentence's parse to actors of the article."""

    def __init__(
        self,
        occurrences: list[Occurrence],
        gazetteer: Gazetteer,
        offset: int,
        extra: list[Occurrence],
        located: frozenset[str] | None = None,
        genders: dict[str, str] | None = None,
        text: str = "",
    ) -> None:
        self.occurrences = [o for o in occurrences if not o.in_title]
        self.genders = genders or {}  # entity_id -> "f" or "m", as the article tells (person_genders)
        self.text = text  # the article's text, which the occurrences' offsets index
        self.gazetteer = gazetteer
        self.offset = offset  # of the parsed sentence in the article's text
        self.extra = extra  # names found only here ("U.S.-led"), for the article's entities
        self.located = located  # places the article uses as a location (located_places); None: not known

    def actor(self, head: Token, actors_only: bool = True) -> Actor | None:
        """The actor a head noun (subject, object, possessor) stands for, or None."""
        if head.tag_ in ("WDT", "WP") and head.head.dep_ == "relcl" and head.head.head != head.head:
            return self.actor(head.head.head, actors_only)  # "Harwick, which was taken over by ...": Harwick
        counted = next((g for c in head.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"), None)
        if head.lower_ in COUNTING_NOUNS and counted is not None:
            return self.actor(counted, actors_only)  # "a total of 40 nurses", "hundreds of workers": the people
        role = role_of(head)
        country = self._country_among(head)
        named = self._named_at(head) or next(
            (n for c in [*head.children, *_set_beside(head)] if c.dep_ == "appos" for n in [self._named_at(c)] if n),
            None,
        )
        if named is None and (head.lower_ in PERSON_PRONOUNS | GROUP_PRONOUNS or _told_by_age(head)):
            named = self._antecedent(head)
        if named is None and role is not None:
            # "police raids": the kind of actor, not an organisation whose name holds the word
            named = None if head.dep_ == "compound" else self._for_role(head, role[0]) or self._owner(head)
        if named is None and role is None:
            named = next((n for c in head.children if c.dep_ in MODIFIERS for n in [self._named_at(c)] if n), None)
        if named is None and role is None and head.dep_ in ("nsubj", "nsubjpass"):
            # "its fleet was grounded": the organisation "its" stands for (of an object, "its" is the subject's)
            named = next((self._antecedent(c) for c in head.children if c.dep_ == "poss" and c.lower_ == "its"), None)
        if named is not None and actors_only and not self._can_act(named) and not self._acts_as_subject(head, named):
            named = None
        if named is None and role is None:
            return None
        if named is not None and named.resolved.type == "place":
            country = country or named.resolved.country
        if named is not None and role is None:
            role = self._title_role(named)
        if named is None:
            phrase = self._role_phrase(head)
            return Actor(None, phrase, phrase, role[1], country)
        return Actor(
            resolved_id(named.resolved),
            named.resolved.name,
            role[0] if role else None,
            role[1] if role else None,
            country,
        )

    def all_actors(self, token: Token) -> list[Actor]:
        """Every actor named at a token: both countries of "U.S.-Russia"."""
        start = self.offset + token.idx
        return [
            Actor(resolved_id(o.resolved), o.resolved.name, None, None, o.resolved.country)
            for o in self.occurrences
            if o.start <= start < o.end and self._can_act(o)
        ]

    def places_in(self, tokens: list[Token]) -> list[Occurrence]:
        """The places named within these tokens, in order."""
        found: list[Occurrence] = []
        for token in sorted(tokens, key=lambda t: t.i):
            o = self._named_at(token)
            if o is not None and o.resolved.type == "place" and o not in found:
                found.append(o)
        return found

    def _named_at(self, token: Token) -> Occurrence | None:
        start = self.offset + token.idx
        found = next((o for o in self.occurrences if o.start <= start < o.end), None)
        if found is None and token.tag_ == "NNP":  # a surname the tagger missed here, of a person named in full
            found = next(
                (
                    o
                    for o in self.occurrences
                    if o.resolved.type == "person"
                    and " " in o.resolved.name
                    and o.resolved.name.split()[-1] == token.text
                ),
                None,
            )
        if found is None and ROLE_SUFFIX.search(token.text):  # "U.S.-led": its country
            country = self.gazetteer.country(ROLE_SUFFIX.sub("", token.text))
            if country is not None:
                found = Occurrence(
                    Resolved(country.name, "place", country.code, fixed=True),
                    token.text,
                    start,
                    start + len(token.text),
                    False,
                )
                self.occurrences.append(found)
                self.extra.append(found)
        return found

    def _can_act(self, named: Occurrence) -> bool:
        """People and organisations act; of places, only countries (their governments)."""
        return named.resolved.type != "place" or self.gazetteer.country(named.resolved.name) is not None

    def _acts_as_subject(self, head: Token, named: Occurrence) -> bool:
        """A place the article never uses as a location, doing something as a subject, is an
        organisation the tagger took for a place ("Watford posted ...": the club)."""
        return (
            head.dep_ == "nsubj"
            and named.resolved.type == "place"
            and self.located is not None
            and resolved_id(named.resolved) not in self.located
        )

    def _antecedent(self, pronoun: Token) -> Occurrence | None:
        start = self.offset + pronoun.idx
        before = [o for o in self.occurrences if o.end <= start]
        if pronoun.lower_ in PERSON_PRONOUNS or _told_by_age(pronoun):
            gender = PRONOUN_GENDERS.get(pronoun.lower_)
            earlier = [self._named_at(t) for t in reversed(pronoun.sent[: pronoun.i - pronoun.sent.start])]
            if _in_subject(pronoun) and not any(o is not None and o.resolved.type == "person" for o in earlier):
                earlier = [self._previous_opener(before)]  # the one the sentence before was about
                if AFTER_A_QUOTE.search(self.text, max(0, start - 12), start):
                    earlier = [self._last_speaker(before), *earlier]  # '”, he said': the quotes' speaker
            return next(
                (
                    o
                    for o in [*earlier, *reversed(before)]  # the sentence's own first
                    if o is not None
                    and o.resolved.type == "person"
                    and (gender is None or self.genders.get(resolved_id(o.resolved), gender) == gender)
                ),
                None,
            )
        if pronoun.lower_ in PLURAL_PRONOUNS and (pair := self._people_paired(before, start)):
            return pair
        candidates = [
            o
            for o in reversed(before)
            if start - o.end <= PRONOUN_REACH
            and not (o.resolved.adjective and pronoun.lower_ == "its")  # "the American giant ... its"
            and not self._names_a_kind(o, pronoun)
            and (o.resolved.type == "organisation" or self._can_act(o) and o.resolved.type == "place")
        ]
        if candidates and candidates[0].start < self.offset and _in_subject(pronoun):
            # "Arden is the top buyer of Brell's jets. In March its cutback ...": the subject takes up the
            # organisation the sentence before opened with, not one named inside it
            opener = self._previous_opener(before)
            if opener in candidates:
                return opener
        return next(iter(candidates), None)

    def _last_speaker(self, before: list[Occurrence]) -> Occurrence | None:
        """The last person named as a quote's speaker ('“...,” said Dale, 24, from Hull'), if no person
        has been named since but inside that speaker's own sentence: "he" saying the next quote is
        that speaker, not a name in the attribution's trimmings."""
        people = [o for o in before if o.resolved.type == "person"]
        speaker = next(
            (o for o in reversed(people) if AFTER_A_QUOTE.search(self.text, max(0, o.start - 12), o.start)), None
        )
        if speaker is None or any(
            o.start > speaker.end and SENTENCE_END.search(self.text, speaker.end, o.start) for o in people
        ):
            return None
        return speaker

    def _previous_opener(self, before: list[Occurrence]) -> Occurrence | None:
        """The name that opens the sentence just before this one (its subject, as a rule), if any."""
        opener = next((o for o in reversed(before) if o.sentence_start), None)
        between = self.text[opener.end : self.offset].rstrip() if opener is not None else ""
        return opener if opener is not None and not SENTENCE_END.search(between) else None

    def _people_paired(self, before: list[Occurrence], start: int) -> Occurrence | None:
        """ "Senator Ada Brisk and Mayor Tom Lund ... They criticised ...": the first of two people
        named together last before "they", if no organisation or country is named after them."""
        if len(before) < 2 or start - before[-1].end > PRONOUN_REACH:
            return None
        first, second = before[-2:]
        if first.resolved.type != "person" or second.resolved.type != "person" or first.resolved == second.resolved:
            return None
        return first if PAIRING.fullmatch(self.text, first.end, second.start) else None

    def _names_a_kind(self, named: Occurrence, pronoun: Token) -> bool:
        """Whether a name in the pronoun's own sentence only tells a kind of thing ("after leasing 12
        Harwick Aviation jets, it ..."): a name modifying a common noun is no one a pronoun can stand for."""
        tokens = [t for t in pronoun.sent if named.start <= self.offset + t.idx < named.end]
        last = tokens[-1] if tokens else None
        return (
            last is not None
            and last.dep_ == "compound"
            and last.head.pos_ == "NOUN"
            and not named.start <= self.offset + last.head.idx < named.end
        )

    def _for_role(self, head: Token, role: str) -> Occurrence | None:
        """The person given this title, the organisation whose name holds the role word, or for a
        definite company or group, the organisation named last before it (its own sentence's
        subject first). A role in the plural ("Republicans", "teachers") is no one person, and
        stands for an organisation only if its name holds the plural ("State Teachers Association",
        not "Republican Governors Association": an association of governors)."""
        start = self.offset + head.idx
        word = role.split()[-1]
        plural = head.tag_ in PLURAL_TAGS and head.lower_ != word
        forms = {head.lower_} if plural else set(noun_forms(word))
        ordered = sorted(self.occurrences, key=lambda o: (o.end > start, -o.start if o.end <= start else o.start))
        for o in ordered:
            if o.resolved.type == "person" and set(role.split()) <= set(o.titles) and not plural:
                return o
        for o in ordered:
            if o.resolved.type == "organisation" and forms & {w.lower() for w in o.resolved.name.split()}:
                return o
        definite = any(c.dep_ in ("det", "poss") and c.lower_ in ("the", "its", "their") for c in head.children)
        if definite and head.lower_ in LAST_ORGANISATION_WORDS:
            before = [o for o in ordered if o.end <= start and o.resolved.type == "organisation"]
            # In its own sentence, the subject before an object: "A will offer B its lander that the company unveiled"
            subjects = (
                o
                for o in before
                for t in head.sent
                if t.i < head.i and o.start <= self.offset + t.idx < o.end and t.dep_ in ("nsubj", "nsubjpass")
            )
            return next(subjects, None) or next(iter(before), None)
        return None

    def _owner(self, head: Token) -> Occurrence | None:
        """ "a firm owned by Colin Marsh", "a group led by Ada Brennan", "Colin Marsh's company": an
        unnamed body is its owner's."""
        owners = [
            owner
            for clause in head.children
            if clause.dep_ == "acl" and clause.lower_ in OWNING
            for agent in clause.children
            if agent.dep_ == "agent"
            for owner in agent.children
            if owner.dep_ == "pobj"
        ]
        if head.lower_ in OWNED_BODIES:
            owners += [c for c in head.children if c.dep_ == "poss"]
        return next(
            (
                named
                for owner in owners
                for named in [self._named_at(owner)]
                if named is not None and named.resolved.type in ("person", "organisation")
            ),
            None,
        )

    def _title_role(self, named: Occurrence) -> tuple[str, str] | None:
        """The role a name's title gives ("Foreign Secretary Lena Hartley": foreign secretary)."""
        codes, titles = role_codes(), named.titles
        pairs = [f"{a} {b}" for a, b in zip(titles, titles[1:])]
        return next((codes[t] for t in pairs + list(titles) if t in codes), None)

    def _country_among(self, head: Token) -> str | None:
        """A country the head's modifiers name ("Afghan police", "U.S. troops", "officials from Kenya")."""
        candidates = [c for c in head.children if c.dep_ in MODIFIERS]
        candidates += [g for c in candidates if c.dep_ == "compound" for g in c.children if g.dep_ in MODIFIERS]
        candidates += [
            g
            for c in head.children
            if c.dep_ == "prep" and c.lower_ in ("of", "from")
            for g in c.children
            if g.dep_ == "pobj"
        ]
        for token in candidates:
            country = self.gazetteer.country(token.text) or self.gazetteer.country_of_demonym(token.text)
            if country is None:
                o = self._named_at(token)
                country = self.gazetteer.country(o.resolved.name) if o else None
            if country is not None:
                return country.code
        return None

    def _role_phrase(self, head: Token) -> str:
        """A role as the text gives it, with the words that qualify it ("federal prosecutors"),
        less its country, which is a column of its own ("Afghan police": police)."""
        words = [
            c
            for c in head.children
            if c.dep_ in ("compound", "amod")
            and c.i < head.i
            and c.is_alpha
            and c.pos_ in ("NOUN", "PROPN", "ADJ")
            and not self._names_country(c)
            and all(t.dep_ in ("compound", "amod") for t in c.subtree)
        ]
        return " ".join(t.lower_ if t.pos_ != "PROPN" else t.text for t in sorted(words + [head], key=lambda t: t.i))

    def _names_country(self, token: Token) -> bool:
        return bool(self.gazetteer.country(token.text) or self.gazetteer.country_of_demonym(token.text))


def _set_beside(head: Token) -> list[Token]:
    """ "The firm that runs the show, Talvik Productions, denied ...": the parse hangs the name set beside a
    subject after its relative clause on that clause's last noun; a name closing just before the
    subject's own verb is the subject's."""
    verb = head.head
    if head.dep_ not in ("nsubj", "nsubjpass") or not any(c.dep_ == "relcl" for c in head.children):
        return []
    return [
        t
        for c in head.children
        if c.dep_ == "relcl"
        for t in c.subtree
        if t.dep_ == "appos" and t.i + 2 == verb.i and t.doc[t.i + 1].text == ","
    ]


def person_genders(body: Doc, occurrences: list[Occurrence], quoted: list[tuple[int, int]]) -> dict[str, str]:
    """The people the article tells the gender of (entity_id -> "f" or "m"), so "she" never
    stands for a man: by a title ("Ms Brisk"), or by the first "he" or "she" (his, her, ...) after
    the name in a sentence naming no other person before it ("Brisk said she ..."); not by one
    opening the next sentence, which may stand for someone unnamed or named earlier. A pronoun in a
    quotation, or after a word for a person of one gender ("Brisk met the girl as she ..."), tells
    nothing; a person called both ways, neither twice as often, is left out."""
    people = [o for o in occurrences if not o.in_title and o.resolved.type == "person"]
    votes: dict[str, Counter] = defaultdict(Counter)
    for o in people:
        for title in o.titles:
            if title in TITLE_GENDERS:
                votes[resolved_id(o.resolved)][TITLE_GENDERS[title]] += TITLE_VOTES
    by_surname: dict[str, set[str]] = defaultdict(set)  # "Brisk" the tagger missed, of "Ada Brisk"
    for o in people:
        if " " in o.resolved.name:
            by_surname[o.resolved.name.split()[-1]].add(resolved_id(o.resolved))
    for sentence in body.sents:
        named = [(o.end, resolved_id(o.resolved)) for o in people if sentence.start_char <= o.start < sentence.end_char]
        named += [
            (t.idx + len(t), next(iter(by_surname[t.text])))
            for t in sentence
            if len(by_surname.get(t.text, ())) == 1 and not any(o.start <= t.idx < o.end for o in people)
        ]
        named.sort()
        for token in sentence:
            gender = PRONOUN_GENDERS.get(token.lower_)
            if gender is None or inside_quotes(token.idx, quoted):
                continue
            before = [(end, key) for end, key in named if end <= token.idx]
            ids = {key for _, key in before}
            between = body.char_span(before[-1][0], token.idx, alignment_mode="expand") if before else sentence[:0]
            if len(ids) == 1 and between is not None and not any(t.lower_ in GENDERED_NOUNS for t in between):
                votes[ids.pop()][gender] += 1
            break
    return {
        key: gender
        for key, count in votes.items()
        for gender, other in (("f", "m"), ("m", "f"))
        if count[gender] > 0 and count[gender] >= 2 * count[other]
    }


def _in_subject(token: Token) -> bool:
    """Whether a token is its clause's subject or the subject's possessor ("its cutback was ...")."""
    subjects = ("nsubj", "nsubjpass")
    return token.dep_ in subjects or token.dep_ == "poss" and token.head.dep_ in subjects


def _told_by_age(head: Token) -> bool:
    """ "the 62-year-old", "the 30-year-old singer": a person of the story told again by age."""
    aged = [head] + [c for c in head.children if c.dep_ == "amod"]
    return any(c.dep_ == "det" and c.lower_ == "the" for c in head.children) and any(
        a.lower_ == "old" and any(c.lower_ in ("year", "years") for c in a.children) for a in aged
    )


def located_places(text: str, occurrences: list[Occurrence], dateline: str | None) -> frozenset[str]:
    """The places an article uses as a location at least once: after a word of place ("in Leeds",
    "from the Gulf") or as its dateline; not an acronym that owns the place after it ("in NDA custody"),
    nor a name that owns the premises after it ("in Brandco buildings")."""
    found = {dateline} if dateline else set()
    for o in occurrences:
        before = WORD_BEFORE.search(text, max(0, o.start - 20), o.start) if not o.in_title else None
        if OWNING_ACRONYM.match(text, o.start) and text[o.start : o.end].isupper():
            continue  # "in NTSB custody", "near ICE facilities": the body that keeps the place, not a place
        if (after := NEXT_WORD.match(text, o.end)) and holds_premises(after.group(1)):
            continue  # "in Brandco buildings": the company's buildings
        if o.resolved.type == "place" and before and before.group(1).lower() in LOCATIVE_WORDS:
            found.add(resolved_id(o.resolved))
    return frozenset(found)
