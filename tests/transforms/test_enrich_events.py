"""Events on real news phrasing, one rule family at a time (transforms/enrich/events.py,
factuality.py, arguments.py, actors.py), through the real small English model. The sentences
are written for these tests; the place and people names are made up."""

from __future__ import annotations

from datetime import date

import pytest

from tests.support.events import PUBLISHED, events


def test_a_verb_trigger_gives_type_actors_place_and_date():
    (arrest,) = events("Police arrested three men in Leeds on Monday.")
    assert arrest == {
        "type": "coerce",
        "actor1": "police",
        "actor2": "men",
        "place": "Leeds",
        "date": date(2024, 3, 4),
        "precision": "day",
        "actor1_type": "COP",
        "actor1_country": None,
        "actor1_role": "police",
    }


@pytest.mark.parametrize(
    "text",
    [
        "Police did not arrest anyone in Leeds.",  # negated
        "The army could attack the town of Velka.",  # modal
        "The ministers will meet in Oslo next week.",  # future
        "If the union rejects the offer, dockers in Hull will strike.",  # condition
        "The mayor of Dunmore decided to ban the march.",  # intention
        "Lena Voss has always denied the allegations in Dunmore.",  # a habit, not a happening
        "Union leaders in Dunmore would like to see the port board sign the pay deal.",  # a wish
    ],
)
def test_what_is_not_done_is_not_an_event(text):
    assert events(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "Police arrest protesters in Leeds",  # a heading: no sentence
        "Photo: Police arrested a man in Leeds.",  # a caption
        "Did police arrest the man in Leeds?",  # a question
        "“We will attack their camps,” the general said in Velka.",  # the speaker's words
        "“We got him,” officers in Leeds announced.",  # a saying verb only attributes the quote
    ],
)
def test_headings_captions_questions_and_quotes_report_nothing(text):
    assert events(text) == []


def test_a_noun_counts_where_a_verb_says_it_happened():
    (talks,) = events("The unions held talks with the ministry in Lisbon.")
    assert (talks["type"], talks["actor1"], talks["actor2"], talks["place"]) == (
        "consult",
        "unions",
        "ministry",
        "Lisbon",
    )
    (lawsuit,) = events("Prosecutors filed a lawsuit against Norvik Shipping.")
    assert (lawsuit["type"], lawsuit["actor1"], lawsuit["actor2"]) == ("disapprove", "prosecutors", "Norvik Shipping")
    assert events("A deal is possible in Lisbon.") == []


def test_an_agreement_refused_is_a_rejection():
    (refusal,) = events("The council in Dunmore did not accept the proposal from the developer.")
    assert (refusal["type"], refusal["actor1"], refusal["place"]) == ("reject", "council", "Dunmore")
    (refusal,) = events(
        "The councillors in Dunmore failed to answer the committee's letter."
    )  # no trigger but the refusal
    assert (refusal["type"], refusal["actor1"]) == ("reject", "councillors")


def test_an_unnamed_actor_keeps_its_role_type_and_country():
    (arrest,) = events("Afghan police arrested two suspects in Kabul.")
    assert (arrest["actor1"], arrest["actor1_type"], arrest["actor1_country"]) == ("police", "COP", "AF")
    assert arrest["actor2"] == "suspects"


def test_pronouns_and_role_nouns_stand_for_the_names_before_them():
    (criticism,) = events("Maria Olsen arrived in Bergen on Monday. She criticised the port authority.")
    assert criticism["actor1"] == "Maria Olsen"
    (sacking,) = events(
        "Norvik Shipping Ltd posted losses in March.\nOn Tuesday the company sacked its chief executive, Ann Berg."
    )
    assert (sacking["type"], sacking["actor1"], sacking["actor2"]) == (
        "reduce_relations",
        "Norvik Shipping Ltd",
        "Ann Berg",
    )
    assert sacking["actor1_type"] == "BUS" and sacking["date"] == date(2024, 3, 5)
    (sacking,) = events(
        "Harwick Motors Ltd. posted losses in 2023.\nOn Tuesday the carmaker sacked its chief, Ann Berg."
    )
    assert sacking["actor1"] == "Harwick Motors Ltd."  # "the carmaker", "the lender": the company named last


def test_she_stands_for_the_woman_named_before_not_the_man_named_last():
    text = "Maria Olsen said she would appeal the fine. Henrik Dahl said he was ready to talk. She criticised the port authority."
    (criticism,) = events(text)
    assert criticism["actor1"] == "Maria Olsen"
    (criticism,) = events("Henrik Dahl said he was ready to talk. Ms Olsen criticised him on Monday.")
    assert criticism["actor2"] == "Henrik Dahl"  # no gender told against him


def test_its_in_a_subject_takes_up_the_organisation_an_earlier_sentence_opened_with():
    text = "Arden Air is the largest buyer of Brell Aviation's jumbo jet. In March its cutback of 40 jets forced the maker to end production."
    (cut,) = events(text)
    assert (cut["type"], cut["actor1"]) == ("reduce_relations", "Arden Air")


def test_they_takes_up_two_people_named_together_last():
    (criticism,) = events(
        "The post drew in Senator Ada Brisk and congresswoman Tina Lund. They criticised Harwick Motors on Monday."
    )
    assert (criticism["actor1"], criticism["actor2"]) == ("Ada Brisk", "Harwick Motors")


def test_a_company_named_by_its_owner_is_the_owners():
    (criticism,) = events("On Monday the union criticised Colin Marsh's company in Leeds.")
    assert (criticism["actor1"], criticism["actor2"]) == ("union", "Colin Marsh")


def test_a_subject_pronoun_takes_up_the_person_the_sentence_before_opened_with():
    text = "Maria Olsen's first two novels were printed by a press owned by Henrik Dahl. In an interview in May she criticised him."
    (criticism,) = events(text)
    assert (criticism["actor1"], criticism["actor2"]) == ("Maria Olsen", "Henrik Dahl")
    text = "Henrik Dahl founded the firm in 2001. In March, Maria Olsen joined the board. She criticised the union on Monday."
    (criticism,) = events(text)
    assert criticism["actor1"] == "Maria Olsen"  # an opener two sentences back is no longer the topic


def test_a_named_actor_takes_the_role_its_title_gives():
    (veto,) = events("Gov. Tom Reyes vetoed the budget bill.")
    assert (veto["type"], veto["actor1"], veto["actor1_type"]) == ("reject", "Tom Reyes", "GOV")


def test_news_without_a_time_of_its_own_is_dated_by_publication_as_reported():
    (charge,) = events("Prosecutors have charged the former mayor of Dunmore with fraud.")
    assert (charge["type"], charge["date"], charge["precision"]) == ("coerce", PUBLISHED, "reported")


def test_a_day_the_paragraph_gave_carries_to_the_next_sentence_told_in_the_past():
    raid, arrest = events("On Monday, police raided an office in Tromso. Officers arrested two managers.")
    assert raid["date"] == arrest["date"] == date(2024, 3, 4) and arrest["precision"] == "day"
    (other,) = events("Police raided an office in Tromso on Monday.\nOfficers have arrested Jon Dale in Hull.")[1:]
    assert other["precision"] == "reported"  # another paragraph, and news of now


def test_one_happening_told_twice_is_one_event():
    (arrest,) = events("Police arrested Jon Dale in Hull on Monday. Dale was arrested after a chase, police said.")
    assert (arrest["actor1"], arrest["actor2"], arrest["date"]) == ("police", "Jon Dale", date(2024, 3, 4))
    two = events("Police arrested Jon Dale in Hull on Monday. Police arrested Jon Dale again in York on Thursday.")
    assert [e["date"] for e in two] == [date(2024, 3, 4), date(2024, 3, 7)]  # two days, two arrests


def test_two_steps_of_a_case_told_by_different_words_are_two_events_but_a_statement_retold_is_one():
    steps = events("Jon Dale was charged with fraud in Hull. Dale was sentenced to two years in prison in Hull.")
    assert [(e["type"], e["actor2"]) for e in steps] == [("coerce", "Jon Dale"), ("coerce", "Jon Dale")]
    one_day = events("Jon Dale was convicted in Hull on Monday. Dale was sentenced to two years in prison on Monday.")
    assert [(e["type"], e["date"]) for e in one_day] == [("coerce", date(2024, 3, 4))] * 2  # two steps, one day
    (statement,) = events("Mayor Tom Reyes announced a new budget in Hull. Reyes testified before the Hull council.")
    assert statement["actor1"] == "Tom Reyes"


def test_one_deed_told_in_two_words_of_its_kind_is_one_event():
    # "detained" and "arrested", "resigned" and "stepped down", "fired" and "ousted": one deed
    (arrest,) = events("Police detained Jon Dale in Hull on Monday. Dale was arrested after a chase on Monday.")
    assert (arrest["actor1"], arrest["date"]) == ("police", date(2024, 3, 4))
    (resignation,) = events(
        "Ann Berg resigned as chief executive of Talvik on Monday. Berg stepped down after a row with the board on Monday."
    )
    assert resignation["actor1"] == "Ann Berg"
    (sacking,) = events("Talvik fired Ann Berg on Feb. 2. The board ousted Berg over the losses on Feb. 2.")
    assert (sacking["actor2"], sacking["date"], sacking["precision"]) == ("Ann Berg", date(2024, 2, 2), "day")
    # on two dates, or an arrest and a charge: two
    two = events("Police detained Jon Dale in Hull on Feb. 2. Dale was arrested after a chase on Feb. 9.")
    assert [e["date"] for e in two] == [date(2024, 2, 2), date(2024, 2, 9)]
    assert len(events("Jon Dale was arrested in Hull on Monday. Dale was charged with fraud on Monday.")) == 2


def test_a_telling_with_no_time_of_its_own_names_the_unnamed_side_its_own_way():
    # the one named on a side is the same: "a boy" and "the victim", "officers" and "police"
    (abduction,) = [
        e
        for e in events(
            "Karl Brenn, who abducted a boy, has been jailed for life. "
            "Brenn snatched the victim outside a school in Hull on Feb. 10."
        )
        if e["type"] == "assault"
    ]
    assert (abduction["actor2"], abduction["date"]) == ("victim", date(2024, 2, 10))
    (arrest,) = events("Officers have arrested Karl Brenn. Police arrested Brenn in Hull on Feb. 10.")
    assert (arrest["actor1"], arrest["date"]) == ("police", date(2024, 2, 10))
    # with no one named the same, two unnamed people are two
    two = events("Police have arrested a man in Hull. Police arrested a woman in Hull on Feb. 10.")
    assert [e["actor2"] for e in two] == ["man", "woman"]


def test_who_in_a_relative_clause_is_the_noun_it_describes():
    (election,) = [
        e
        for e in events("Mayor Tom Reyes, who lost the mayoral election in November, criticised the port board.")
        if e["type"] == "election"
    ]
    assert election["actor1"] == "Tom Reyes"


def test_a_count_of_goods_sold_by_no_one_named_is_a_statistic():
    assert events("Shipyards in Kelmouth sold 42 fishing boats last year.") == []
    (sale,) = events("Norvik Shipping bought two ferries from Astrel Yards in February.")
    assert (sale["type"], sale["actor1"]) == ("cooperate", "Norvik Shipping")


def test_a_saying_verb_after_a_quote_the_splitter_cut_off_attributes_it():
    assert events("“All clear!” firefighters in Kelmouth announced through a loudspeaker.") == []


def test_violence_to_a_thing_shared_by_coordinated_verbs_is_no_event():
    assert events("A farmer in Dunmore who shot and cooked a wild goose has fallen ill.") == []
    assert [e["type"] for e in events("Police in Dunmore killed and wounded two men.")] == ["assault"]


def test_news_phrasings_of_pleas_burnings_and_aid_withheld():
    (plea,) = events("Jon Dale pleaded guilty to fraud in a Dunmore court.")
    assert (plea["type"], plea["actor1"]) == ("coerce", "Jon Dale")
    (burning,) = events("A police officer in Dunmore was set on fire by rioters.")
    assert (burning["type"], burning["actor2"], burning["place"]) == ("assault", "police officer", "Dunmore")
    (freeze,) = events("The Corvian government withheld flood relief funds from Ostrava in July.")
    assert freeze["type"] == "reduce_relations"


def test_force_or_a_sanction_promised_on_a_condition_is_a_threat():
    (threat,) = events("The army of Velka said it would attack the rebels unless they surrendered.")
    assert (threat["type"], threat["actor1"]) == ("threaten", "army")
    assert events("The army of Velka said it would attack the rebels.") == []  # a plan, no condition


def test_a_surname_the_tagger_missed_is_the_person_named_in_full():
    found = events("John Mercer replaced David Hollis as manager.\nHollis was fired on Sunday after a run of defeats.")
    assert [(e["type"], e["actor2"]) for e in found] == [("reduce_relations", "David Hollis")]


def test_plural_happenings_in_several_places_are_one_in_each():
    found = events("Dock strikes were staged in March in Leeds, Bristol and Hull.")
    assert sorted(e["place"] for e in found) == ["Bristol", "Hull", "Leeds"]
    assert len({e["type"] for e in found}) == 1
    (arrest,) = events("Police arrested Jon Dale in Hull and York on Monday.")  # one arrest, one event


def test_a_news_conference_between_two_parties_is_a_meeting():
    (meeting,) = events("A joint news conference between Jon Dale and Ann Berg in Hull on Monday ended early.")
    assert (meeting["type"], meeting["actor1"], meeting["actor2"]) == ("consult", "Jon Dale", "Ann Berg")


@pytest.mark.parametrize(
    "text, actor1",
    [
        ("Last week, Mara Kell posted on Instagram accusing the Dunmore council of hiding the report.", "Mara Kell"),
        ("Councillor Ivo Brandt left the hall after accusing the Dunmore mayor of lying.", "Ivo Brandt"),
    ],
)
def test_an_ing_participle_with_no_subject_of_its_own_is_done_by_the_clause_subject(text, actor1):
    accusations = [e for e in events(text) if e["type"] == "disapprove"]
    assert [e["actor1"] for e in accusations] == [actor1]


def test_a_noun_events_own_date_wins_over_the_date_of_the_verb_that_reports_it():
    (order,) = events(
        "Besides its order of ten trains Wednesday, Norrland Rail announced an order of 40 trams on Monday."
    )
    assert (order["type"], order["date"]) == ("cooperate", date(2024, 3, 4))


@pytest.mark.parametrize(
    "text, actor1",
    [
        ("The mayor of Dunmore told the harbour board to resign.", "mayor"),
        ("Cleaners were told by Velka Holdings to sign the new contracts.", "Velka Holdings"),
        (
            "Union leader Ivo Brandt told dockers who filled the hall that Velka Holdings must repay the bonus.",
            "Ivo Brandt",
        ),
    ],
)
def test_a_saying_verb_with_an_order_inside_is_a_demand(text, actor1):
    assert [(e["type"], e["actor1"]) for e in events(text)] == [("demand", actor1)]


@pytest.mark.parametrize(
    "text",
    [
        "Lena Voss told reporters in Dunmore that she should have won.",  # a regret, not an order
        "Lena Voss told reporters in Dunmore about her trip.",  # telling, no order
    ],
)
def test_a_saying_verb_without_an_order_is_no_demand(text):
    assert [e for e in events(text) if e["type"] == "demand"] == []


@pytest.mark.parametrize(
    "text, kind",
    [
        ("The Dunmore council approved the budget despite weeks of protests in Velka.", "protest"),
        ("Health authorities in Velka instituted a curfew.", "coerce"),
        ("The envoy recalled a Feb. 3 conversation between Lena Voss and Ivo Brandt.", "consult"),
    ],
)
def test_a_noun_named_after_despite_instituted_or_with_its_own_date_happened(text, kind):
    assert kind in [e["type"] for e in events(text)]


def test_a_duration_is_no_date_of_its_own_so_the_event_is_reported():
    (criticism,) = events("Lena Voss criticised the Dunmore council for years of neglect.")
    assert (criticism["date"], criticism["precision"]) == (PUBLISHED, "reported")


def test_a_passive_with_no_subject_of_its_own_is_done_by_its_agent():
    (annexation,) = events("Velka argued for years that it was a victim, having been annexed by Norland in 1921.")
    assert (annexation["type"], annexation["actor1"], annexation["date"]) == ("coerce", "Norland", date(1921, 1, 1))


def test_a_passive_participle_with_no_subject_happened_to_the_subject_of_its_clause():
    (deportation,) = events("Ivo Brandt flew back to Velka on Monday after being deported by Norland.")
    assert (deportation["type"], deportation["actor1"], deportation["actor2"]) == ("coerce", "Norland", "Ivo Brandt")


def test_an_infinitive_of_a_passive_is_done_by_the_passives_subject():
    # "was scheduled to start cutting", "was forced to": the one scheduled or forced to it does it
    (cut,) = events("Talvik Energy was scheduled to start cutting off power to 3,000 homes in Kelmouth on Wednesday.")
    assert (cut["type"], cut["actor1"], cut["date"]) == ("reduce_relations", "Talvik Energy", date(2024, 3, 6))


def test_a_coercion_joined_to_a_passive_is_undergone_by_its_subject():
    # the small model tags "jailed" a simple past with no subject: it shares the passive's "was"
    expulsion, sentence = events(
        "Jon Dale was expelled from the party in January and jailed for eight months for fraud."
    )
    assert (sentence["type"], sentence["actor1"], sentence["actor2"]) == ("coerce", None, "Jon Dale")
    # a deed of the subject's own is no coercion undergone
    assert [e["type"] for e in events("Ann Berg was suspended on Monday and resigned on Tuesday.")] == [
        "reduce_relations"
    ]


@pytest.mark.parametrize(
    "text, kind, actor",
    [
        ("Kelmouth Rovers named Ivo Brandt as coach on Monday.", "cooperate", "Kelmouth Rovers"),
        ("Lena Voss claimed victory in Dunmore on Tuesday.", "statement", "Lena Voss"),
    ],
)
def test_a_hire_by_naming_and_a_claim_of_victory(text, kind, actor):
    assert (kind, actor) in [(e["type"], e["actor1"]) for e in events(text)]


def test_naming_a_thing_is_no_hire():
    assert events("Astrel Yards in Kelmouth named its new ferry after a river.") == []


def test_its_in_a_subject_stands_for_the_organisation_not_a_nationality_before_it():
    (grounding,) = events(
        "Astrel Lines ordered two ferries from a Polish yard in 2022.\n"
        "The Norwegian shipping group has struggled since. Its fleet of ferries was grounded in January."
    )
    assert (grounding["type"], grounding["actor2"], grounding["date"]) == ("coerce", "Astrel Lines", date(2024, 1, 1))


def test_the_object_that_makes_a_verb_violent_is_the_weapon_not_the_victim():
    (shooting,) = events("Soldiers fired a rocket at the rebels in Kelmouth on Monday.")
    assert (shooting["type"], shooting["actor1"], shooting["actor2"]) == ("fight", "soldiers", "rebels")
    assert events("A hunter shot a rabbit in Kelmouth on Monday.") == []  # done to a thing


def test_warnings_issued_are_one_warning_whichever_voice_tells_it():
    for text in (
        "The Kelmouth council issued evacuation warnings for three villages on Monday.",
        "Evacuation warnings were issued for three villages near Kelmouth on Monday.",
    ):
        assert [e["type"] for e in events(text)] == ["threaten"]  # not a statement besides


def test_a_saying_noun_dated_after_it_happened_and_its_of_phrase_is_the_speaker():
    (testimony,) = events("The inquiry closed with the testimony Tuesday of Kelmouth mayor Jon Dale.")
    assert (testimony["type"], testimony["actor1"], testimony["date"]) == ("statement", "Jon Dale", date(2024, 3, 5))
    assert events("The inquiry closed with the testimony of Kelmouth mayor Jon Dale.") == []  # only referred to


def test_a_call_with_a_country_told_again_as_one_with_its_leader_is_one_call():
    first = "Mayor Ada Brennan held a phone call with Norwegian Prime Minister Lena Hartley on March 3.\n"
    (call,) = events(first + "Critics in Kelmouth said Brennan's call with Norway was a mistake.")
    assert (call["actor2"], call["date"]) == ("Lena Hartley", date(2024, 3, 3))
    assert len(events(first + "Critics in Kelmouth said Brennan's call with Sweden was a mistake.")) == 2


def test_a_person_told_again_by_age_is_the_person_named_last():
    _, jailing = events("Jon Dale was charged in Kelmouth on Monday. The 62-year-old was jailed in April.")
    assert (jailing["type"], jailing["actor2"], jailing["date"]) == ("coerce", "Jon Dale", date(2023, 4, 1))
    _, arrest = events(
        "Police in Kelmouth questioned Jon Dale on Monday. The 51-year-old carpenter was arrested on Tuesday."
    )
    assert arrest["actor2"] == "Jon Dale"
