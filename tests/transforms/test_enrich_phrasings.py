"""News phrasings of events that the plain trigger lists miss, each on sentences written for
these tests (the names are made up), through the real small English model."""

from __future__ import annotations

from datetime import date

from tests.support.events import events


def test_bids_or_offers_drawn_from_buyers_are_a_deal_made():
    (bids,) = events("Harwick Aviation Ltd. attracted bids for 40 jets from Nordair Airlines on Tuesday.")
    (offers,) = events("Harwick Aviation Ltd. received offers from three buyers on Tuesday.")

    # the buyer named bid to the seller; buyers left unnamed leave the seller as the one who dealt
    assert (bids["type"], bids["actor1"], bids["actor2"], bids["date"]) == (
        "cooperate",
        "Nordair Airlines",
        "Harwick Aviation Ltd.",
        date(2024, 3, 5),
    )
    assert (offers["type"], offers["actor1"]) == ("cooperate", "Harwick Aviation Ltd.")


def test_each_buyer_a_seller_drew_offers_from_made_one():
    found = events(
        "On Tuesday the shipyard Marlow Docks received offers for its two ferries "
        "from Talvik Shipping Co., Baltic Lines AB and an unnamed fund."
    )

    assert sorted((e["type"], e["actor1"], e["actor2"]) for e in found) == [
        ("cooperate", "Baltic Lines AB", "Marlow Docks"),
        ("cooperate", "Talvik Shipping Co.", "Marlow Docks"),
    ]


def test_a_bid_for_office_stays_an_election_and_drawn_criticism_stays_criticism():
    (campaign,) = events("Ada Brennan launched her bid for mayor on Tuesday.")
    (criticism,) = events("Harwick Aviation Ltd. attracted criticism on Tuesday.")

    assert campaign["type"] == "election"
    assert criticism["type"] == "disapprove"


def test_a_name_owning_the_noun_after_in_is_not_the_place():
    # "in MVX's rules": the rules are where, MVX owns them and stays an organisation that can act
    (announced,) = events("Regulators found flaws in MVX's trading rules. MVX announced new rules on Tuesday.")

    assert (announced["type"], announced["actor1"]) == ("statement", "MVX")


def test_a_person_a_letter_went_to_stays_a_person():
    (resigned,) = events("Doctors sent a letter to Marta Keller on Tuesday. Keller resigned on Wednesday.")

    assert (resigned["type"], resigned["actor1"], resigned["date"]) == (
        "reduce_relations",
        "Marta Keller",
        date(2024, 3, 6),
    )


def test_the_company_is_its_own_sentence_subject_before_an_object():
    (unveiled,) = events(
        "Harwick Aviation Ltd. will offer Nordair Airlines its new jet that the company unveiled in May."
    )

    assert (unveiled["type"], unveiled["actor1"]) == ("statement", "Harwick Aviation Ltd.")


def test_met_with_in_the_passive_is_a_reception_not_a_meeting():
    assert events("The mayor's plan was met with jeers in Dunmore on Tuesday.") == []
    assert [e["type"] for e in events("Ada Brennan met with union leaders in Dunmore on Tuesday.")] == ["consult"]
    assert [e["type"] for e in events("Ada Brennan was met by union leaders in Dunmore on Tuesday.")] == ["consult"]


def test_a_place_never_used_as_one_can_act_as_a_subject():
    # a town's name standing for its club: the gazetteer makes it a place, the article never does
    (posted,) = events("Watford posted a video of the new coach on its website on Tuesday.")

    assert (posted["type"], posted["actor1"], posted["date"]) == ("statement", "Watford", date(2024, 3, 5))


def test_a_place_the_article_uses_as_a_location_does_not_act():
    text = "Fans gathered in Watford on Monday. Watford posted a video of the new coach on its website on Tuesday."

    assert [e for e in events(text) if e["type"] == "statement"] == []


def test_a_conjunct_with_a_tense_of_its_own_is_not_covered_by_the_first_verbs_modal():
    text = "Residents will remember the day and were shocked when a shopkeeper was set on fire in Dunmore on Tuesday."
    (fire,) = events(text)

    assert (fire["type"], fire["place"], fire["date"]) == ("assault", "Dunmore", date(2024, 3, 5))
    assert events("Police could stop and search anyone in Leeds.") == []  # the modal still covers both


def test_two_words_for_one_reaction_by_no_one_named_are_one_event():
    (reaction,) = events("The new parking fee drew a storm of complaints and outrage in Dunmore on Monday.")

    assert (reaction["type"], reaction["place"], reaction["date"]) == ("disapprove", "Dunmore", date(2024, 3, 4))


def test_a_deed_one_was_forced_or_led_to_do_is_done_by_the_one_forced():
    (resignation,) = events("The scandal forced Kelmouth mayor Jon Dale to resign on Monday.")
    assert (resignation["type"], resignation["actor1"], resignation["date"]) == (
        "reduce_relations",
        "Jon Dale",
        date(2024, 3, 4),
    )
    (announcement,) = events(
        "Harwick Motors Ltd. builds vans in Kelmouth.\n"
        "Its losses early last year led the carmaker to announce it would scrap the Kelmouth plant."
    )
    assert (announcement["type"], announcement["actor1"], announcement["date"]) == (
        "statement",
        "Harwick Motors Ltd.",
        date(2023, 1, 1),
    )
    assert events("The scandal could force Kelmouth mayor Jon Dale to resign.") == []  # a possibility


def test_a_quote_tweeted_is_a_statement_of_the_day_it_was_posted():
    (tweet,) = events(
        'Ferries to Kelmouth will run again. "In the end we will win and keep our harbour open," '
        "Mayor Ada Brennan tweeted soon after the port board voted on Tuesday."
    )  # the parse joins "tweeted" to the quote's "will win": the quote's future is not the tweet's
    assert (tweet["type"], tweet["actor1"], tweet["date"]) == ("statement", "Ada Brennan", date(2024, 3, 5))
    assert events('"We will keep the harbour open," Mayor Ada Brennan said on Tuesday.') == []  # only attributed


def test_a_deal_or_aid_a_party_committed_or_agreed_to_was_made_by_it():
    (deal,) = events("The Kelmouth council agreed to a deal with the dockers union on Monday.")
    assert (deal["type"], deal["actor1"], deal["date"]) == ("cooperate", "Kelmouth council", date(2024, 3, 4))
    (funding,) = events("Harwick Motors committed to emergency funding for the Kelmouth ferry line in February.")
    assert (funding["type"], funding["actor1"], funding["date"]) == ("aid", "Harwick Motors", date(2024, 2, 1))


def test_one_dragged_out_by_police_was_taken_by_force_and_dragged_to_court_was_sued():
    (removal,) = events("In April, Jon Dale was dragged out of a Kelmouth warehouse by police.")
    assert (removal["type"], removal["actor1"], removal["actor2"], removal["date"]) == (
        "coerce",
        "police",
        "Jon Dale",
        date(2023, 4, 1),
    )
    (lawsuit,) = events("Jon Dale was dragged to court by the Kelmouth council.")
    assert lawsuit["type"] == "disapprove"


def test_refuge_or_asylum_sought_is_an_appeal_dated_by_its_own_year():
    (asylum,) = events("Ada Brennan sought asylum at the Velka consulate in Kelmouth in 2017.")
    assert (asylum["type"], asylum["actor1"], asylum["date"], asylum["precision"]) == (
        "appeal",
        "Ada Brennan",
        date(2017, 1, 1),
        "year",
    )


def test_which_stands_for_the_noun_it_follows_and_an_unnamed_firm_for_its_owner():
    (acquired,) = events("Harwick Records, which was acquired by Nordair Holdings in March, cut staff.")
    (bought,) = events("The mill was bought in 2022 by a group led by Colin Marsh.")

    assert (acquired["type"], acquired["actor1"], acquired["actor2"]) == (
        "cooperate",
        "Nordair Holdings",
        "Harwick Records",
    )
    assert (bought["type"], bought["actor1"]) == ("cooperate", "Colin Marsh")


def test_a_march_led_to_protest_is_one_protest():
    (marched,) = events("Union leaders led a march through Dunmore on Friday to protest the new tax.")

    assert (marched["type"], marched["actor1"], marched["date"]) == ("protest", "union leaders", date(2024, 3, 8))


def test_a_passive_joined_to_a_clause_befalls_that_clauses_subject():
    (arrested,) = events("Jon Dale admitted to stealing the van and was arrested in Kelmouth on Tuesday.")

    assert (arrested["type"], arrested["actor2"], arrested["date"]) == ("coerce", "Jon Dale", date(2024, 3, 5))


def test_a_firm_paid_for_its_work_carried_out_a_contract_but_a_fine_paid_is_no_deal():
    (paid,) = events("The Kelmouth council paid a printing firm in Leeds for the new harbour signs in March.")

    assert (paid["type"], paid["actor1"], paid["date"]) == ("cooperate", "Kelmouth council", date(2024, 3, 1))
    assert events("Harwick Motors paid the company a fine of $2 million.") == []


def test_a_strike_its_own_clause_tells_happened_is_done_by_the_sentences_subject():
    # "to seek" is a purpose, not an appeal made; "a strike that closed two clinics" happened
    (strike,) = events(
        "Nurses lined the hospital steps on Tuesday to seek shorter shifts in a strike that closed two clinics."
    )

    assert (strike["type"], strike["actor1"], strike["date"]) == ("protest", "nurses", date(2024, 3, 5))


def test_a_role_of_three_words_acts_and_a_warning_of_what_others_will_undergo_is_no_threat():
    (protest,) = events(
        "Health care providers in Kelmouth protested the new hospital rules on Monday, warning that patients would suffer."
    )

    assert (protest["type"], protest["actor1_type"]) == ("protest", "HLH")


def test_a_role_word_before_an_event_noun_is_the_kind_of_actor_not_an_organisation_named_for_it():
    found = events(
        "The Kelmouth Police Federation met the mayor in May. Police raids were carried out last year in Leeds."
    )
    (raids,) = [e for e in found if e["type"] == "coerce"]

    assert (raids["actor1"], raids["actor1_type"], raids["place"]) == ("police", "COP", "Leeds")


def test_a_dated_participle_on_a_noun_was_done_to_the_noun():
    # "truckers arrested on Jan. 15": the truckers were arrested, by someone unnamed
    (arrested,) = events(
        "Relations between Mexico and Canada soured in May. "
        "Ottawa has refunded the 40 Mexican truckers arrested on Jan. 15 at the border."
    )

    assert (arrested["type"], arrested["actor1"], arrested["actor2"], arrested["date"]) == (
        "coerce",
        None,
        "Mexico",
        date(2024, 1, 15),
    )


def test_a_dated_duty_imposed_on_goods_was_imposed_on_their_country():
    (imposed,) = events(
        "Relations between Mexico and Canada soured in May. "
        "Builders in Ottawa now hope to see an end to the 5% duty on Mexican cement imposed on Jan. 15."
    )

    assert (imposed["type"], imposed["actor2"], imposed["date"]) == ("reduce_relations", "Mexico", date(2024, 1, 15))


def test_an_owned_happening_told_of_by_a_passive_happened_by_then():
    found = events(
        "Mayor Ada Brennan addressed the council. Her veto of the budget was greeted with jeers on Tuesday. "
        "His visit to Kenya was postponed on Wednesday. Their ban on cars was lifted on Thursday."
    )

    # the veto drew the jeers, so it was cast; a postponed visit did not take place, and a ban
    # lifted on Thursday was not imposed then
    assert [(e["type"], e["actor1"], e["date"]) for e in found] == [("reject", "Ada Brennan", date(2024, 3, 5))]


def test_a_past_tense_the_parse_took_for_a_modifier_between_two_names_is_done_by_the_first():
    # the small model reads "Orban blasted Lindqvist" as a noun phrase, "blasted" modifying Lindqvist
    (criticism,) = events("On Sunday Orban blasted Lindqvist for the delays at the port.")

    assert (criticism["type"], criticism["actor1"], criticism["actor2"], criticism["date"]) == (
        "disapprove",
        "Orban",
        "Lindqvist",
        date(2024, 3, 3),
    )


def test_an_agency_named_by_acronym_before_what_it_keeps_still_acts():
    # "in NDA custody" makes the tagger's NDA a place; the custody is the place, NDA keeps it
    found = events(
        "Two detainees died last winter while in NDA custody near the river. "
        "NDA announced on Monday its plan to close the camp."
    )

    assert [(e["type"], e["actor1"], e["date"]) for e in found] == [("statement", "NDA", date(2024, 3, 4))]


def test_a_measure_a_relative_clause_says_someone_put_in_place_was_done_by_them():
    (ban,) = events("Harbour pilots are suing over the ban the Kelmouth council put in place in 2020.")
    (sanctions,) = events("Growers in Kenya keep asking about the sanctions Norway placed on their tea in 2021.")
    (deal,) = events("The deal, which Harwick Aviation signed in 2022, was defended by Ada Brennan.")

    assert (ban["type"], ban["actor1"], ban["date"]) == ("coerce", "Kelmouth council", date(2020, 1, 1))
    assert (sanctions["type"], sanctions["actor1"], sanctions["date"]) == (
        "reduce_relations",
        "Norway",
        date(2021, 1, 1),
    )
    assert (deal["type"], deal["actor1"]) == ("cooperate", "Harwick Aviation")  # one event: the verb tells the noun's


def test_a_participle_joined_to_a_passive_is_passive_too():
    # "were detained and deported": the dockers were deported, not Norway
    found = events("Two of the dockers, Jon Varga and Ali Keane, were detained and deported to Norway on Friday.")

    assert sorted((e["type"], e["actor2"], e["date"]) for e in found) == [
        ("coerce", "Jon Varga", date(2024, 3, 8)),
        ("coerce", "Jon Varga", date(2024, 3, 8)),
    ]


def test_a_person_grabbed_is_assaulted_and_a_thing_grabbed_is_not():
    (grabbed,) = events("Jon Varga grabbed Ada Brennan on Saturday as she left the library.")

    assert (grabbed["type"], grabbed["actor1"], grabbed["actor2"], grabbed["date"]) == (
        "assault",
        "Jon Varga",
        "Ada Brennan",
        date(2024, 3, 2),
    )
    assert events("Jon Varga grabbed the microphone on Saturday and sang.") == []


def test_a_day_the_tagger_folded_into_a_name_still_dates_the_noun_after_it():
    # the tagger reads "Keller’s June 4" as one person's name
    (visit,) = events("Reporters asked about Keller’s June 4 visit to the shipyard.")

    assert (visit["type"], visit["actor1"], visit["date"]) == ("consult", "Keller", date(2023, 6, 4))


def test_a_day_owning_the_noun_is_its_date_but_the_day_of_the_story_is_not():
    (attack,) = events("Witnesses described Tuesday's attack on Ada Brennan outside the library.")

    assert (attack["type"], attack["actor2"], attack["date"]) == ("fight", "Ada Brennan", date(2024, 3, 5))
    assert events("In Kelmouth, Ada Brennan said she had watched the day's testimony.") == []


def test_the_owner_of_an_arrest_underwent_it_unless_an_of_phrase_names_who_did():
    (arrest,) = events("Jon Dale's arrest in Kelmouth on Tuesday drew a crowd.")
    (detention,) = events("The army's detention of two reporters in Kelmouth on Monday lasted six hours.")

    assert (arrest["actor1"], arrest["actor2"]) == (None, "Jon Dale")
    assert detention["actor1"] == "army"


def test_a_happening_told_with_no_one_takes_the_place_of_the_body_that_tells_it():
    # no one is named as holding the walkouts: the authority's town is where, and the event is kept
    (walkouts,) = events(
        "The Leeds transport authority apologised to passengers on Friday because two walkouts were held at the depot on Wednesday."
    )

    assert (walkouts["type"], walkouts["place"], walkouts["date"]) == ("protest", "Leeds", date(2024, 3, 6))


def test_it_stands_for_no_name_that_only_tells_a_kind_of_thing():
    # "12 Harwick Aviation jets" names a make of jet, not someone "it" can stand for
    found = events(
        "Nordair Airlines flew 90 planes in May. After leasing 12 Harwick Aviation jets, "
        "it announced a purchase of 20 more jets on Monday."
    )

    assert found and {(e["type"], e["actor1"]) for e in found} == {("cooperate", "Nordair Airlines")}


def test_a_verdict_of_condemnation_pronounced_is_disapproval():
    (letter,) = events(
        "In a March 2 letter, the Kelmouth Energy Office told grid operators their response to the storm "
        "had been “unacceptable”."
    )
    (called,) = events("The union called the ruling outrageous on Monday.")

    assert (letter["type"], letter["actor1"], letter["actor2"], letter["date"]) == (
        "disapprove",
        "Kelmouth Energy Office",
        "grid operators",
        date(2024, 3, 2),
    )
    assert (called["type"], called["actor1"], called["date"]) == ("disapprove", "union", date(2024, 3, 4))


def test_a_verdict_word_only_describing_or_only_supposed_is_no_disapproval():
    assert events("Rioters caused unacceptable damage in Kelmouth on Monday.") == []
    assert events("The Kelmouth Energy Office said on Monday that any delay would be unacceptable.") == []
    assert events("The Kelmouth Energy Office said on Monday that the delay was not unacceptable.") == []


def test_a_rate_decision_is_announced_and_a_dated_decision_was_carried_out():
    (cut,) = events("The Kelmouth Central Bank cut interest rates on Tuesday.")
    (decided,) = events(
        "The Kelmouth Central Bank's decision to lower rates by half a point in January has helped home buyers."
    )

    assert (cut["type"], cut["actor1"], cut["date"]) == ("statement", "Kelmouth Central Bank", date(2024, 3, 5))
    assert (decided["type"], decided["actor1"], decided["date"], decided["precision"]) == (
        "statement",
        "Kelmouth Central Bank",
        date(2024, 1, 1),
        "month",
    )


def test_a_decision_with_no_date_of_its_own_tells_nothing_done():
    assert events("The Kelmouth Central Bank’s decision to lower interest rates surprised traders on Tuesday.") == []


def test_a_condition_of_a_deal_set_by_saying_so_is_a_demand():
    (condition,) = events(
        "Norway's trade ministry stated in March that lifting the export quotas is a precondition for a settlement."
    )

    assert (condition["type"], condition["actor1_country"], condition["date"], condition["precision"]) == (
        "demand",
        "NO",
        date(2024, 3, 1),
        "month",
    )
    assert events("Doctors said on Monday that his condition was critical.") == []


def test_a_name_set_off_before_a_verb_the_parse_left_without_subject_is_its_subject():
    found = events(
        "When founder Ada Brennan left the firm in March, Talvik, its biggest shareholder, provided a $2 billion bailout."
    )

    assert ("aid", "Talvik") in {(e["type"], e["actor1"]) for e in found}
    assert ("reduce_relations", "Ada Brennan") in {(e["type"], e["actor1"]) for e in found}


def test_a_verb_joined_to_or_under_one_whose_subject_is_the_name_set_before_shares_that_subject():
    # the parse hangs "Talvik" on the date and leaves "provided" without subject; "fired" joins
    # "provided", which hangs on "left": Brennan left, Talvik fired
    found = events(
        "When founder Ada Brennan left the firm in March, Talvik, its biggest shareholder, provided a bailout "
        "and fired the board."
    )
    cuts = {(e["actor1"], e["actor2"]) for e in found if e["type"] == "reduce_relations"}

    assert ("Talvik", None) in cuts
    assert ("Ada Brennan", "Talvik") not in cuts
    # so does the infinitive of such a verb: "began" has Talvik, and Talvik began to sack them
    (began,) = [
        e
        for e in events(
            "When founder Ada Brennan left the firm in March, Talvik, its biggest shareholder, "
            "began to sack the managers."
        )
        if e["actor2"] == "managers"
    ]
    assert began["actor1"] == "Talvik"


def test_putting_someone_in_a_post_is_a_hire_and_putting_up_a_thing_is_not():
    (named,) = events("Talvik Capital installed Marta Keller on Tuesday to lead a restructuring.")
    (post,) = events("Marta Keller was installed as chief executive of Talvik Capital on Tuesday.")
    (coach,) = events("Kelmouth Rovers installed a new coach on Tuesday.")

    assert (named["type"], named["actor1"], named["actor2"], named["date"]) == (
        "cooperate",
        "Talvik Capital",
        "Marta Keller",
        date(2024, 3, 5),
    )
    assert (post["type"], post["actor2"]) == ("cooperate", "Marta Keller")
    assert coach["type"] == "cooperate"
    assert events("Talvik Capital installed cameras at its depots on Tuesday.") == []
    assert events("Talvik Capital installed new software on Tuesday.") == []
    assert events("Talvik Capital installed Harwick Electronics scanners at its depots on Tuesday.") == []


def test_an_act_of_authority_told_in_the_passive_is_the_tellers():
    (arrest,) = events("Police said two men were arrested in Kelmouth on Monday.")
    (own,) = events("Ada Brennan said she was arrested in Kelmouth on Monday.")

    assert (arrest["type"], arrest["actor1"], arrest["actor2"]) == ("coerce", "police", "men")
    assert (own["type"], own["actor1"], own["actor2"]) == ("coerce", None, "Ada Brennan")


def test_assassinations_hijackings_and_opening_fire_are_violence():
    (killed,) = events("Rebels assassinated the governor of Kelmouth on Monday.")
    (fired,) = events("Soldiers opened fire on protesters in Kelmouth on Monday.")
    (noun,) = events("The assassination of the governor in Kelmouth on Monday shocked the country.")

    assert (killed["type"], killed["actor1"], killed["actor2"]) == ("assault", "rebels", "governor")
    assert (fired["type"], fired["actor1"], fired["actor2"], fired["place"]) == (
        "fight",
        "soldiers",
        "protesters",
        "Kelmouth",
    )
    assert (noun["type"], noun["place"]) == ("assault", "Kelmouth")


def test_cuts_to_come_announced_are_the_announcement():
    (informed,) = events("Managers informed the Kelmouth plant's staff that layoffs would follow.")
    (said,) = events("The carmaker Talvik Motors said on Monday that it will lay off 200 workers.")

    assert (informed["type"], informed["actor1"], informed["actor2"], informed["precision"]) == (
        "statement",
        "managers",
        "staff",
        "reported",
    )
    assert (said["type"], said["actor1_role"], said["date"]) == ("statement", "carmaker", date(2024, 3, 4))


def test_cuts_denied_or_threatened_are_no_announcement_of_cuts():
    assert events("The carmaker Talvik Motors said on Monday that it will not lay off workers.") == []
    (threat,) = events("The government of Norway said on Monday it would impose tariffs if talks failed.")
    assert threat["type"] == "threaten"


def test_a_happening_named_inside_a_verbs_phrase_is_where_that_verb_is():
    (protests,) = events("The bank's move to stay in Kelmouth despite months of street protests reassured investors.")

    assert (protests["type"], protests["place"], protests["precision"]) == ("protest", "Kelmouth", "reported")


def test_a_count_of_people_is_those_people():
    (walkout,) = events("A total of 40 nurses walked out at the Kelmouth clinic on Monday.")

    assert (walkout["type"], walkout["actor1"], walkout["actor1_type"]) == ("protest", "nurses", "HLH")


def test_a_denial_told_in_the_news_present_is_a_statement():
    (denial,) = events("Marlow Media Group denies that the results were decided in advance.")

    assert (denial["type"], denial["actor1"], denial["precision"]) == ("statement", "Marlow Media Group", "reported")
    assert events("The Kelmouth ferry board bans dogs from its ferries.") == []


def test_a_name_set_beside_a_subject_after_its_relative_clause_is_the_subjects():
    found = events(
        "Harwick Holdings Inc. sold the show in May. "
        "The firm that runs the show, Talvik Productions, denies that the dates were changed."
    )

    assert ("statement", "Talvik Productions") in {(e["type"], e["actor1"]) for e in found}


def test_money_given_is_aid_and_a_year_the_tagger_folded_into_the_owners_name_still_dates_it():
    (gift,) = events("The Harwick Trust gave $40,000 to the Kelmouth lifeboat appeal in May.")
    assert (gift["type"], gift["actor1"], gift["date"], gift["precision"]) == (
        "aid",
        "Harwick Trust",
        date(2023, 5, 1),
        "month",
    )
    assert events("The Harwick Trust gave the lifeboat crew a party in Kelmouth in May.") == []
    # the tagger reads "Keller’s 2018" as one organisation's name
    (gift,) = events(
        "Mayor Ann Keller flew to Leeds for a meeting of the Northern Mayors Association, which gave "
        "$2 million toward Keller’s 2018 campaign."
    )
    assert (gift["type"], gift["actor1"]) == ("aid", "Northern Mayors Association")
    assert (gift["date"], gift["precision"]) == (date(2018, 1, 1), "year")


def test_what_a_speaker_says_a_named_party_must_or_has_to_do_is_demanded_of_it():
    (demand,) = events(
        'The Kelmouth mayor insisted on Tuesday that Harwick Motors "will have to rebuild the harbour road."'
    )
    assert (demand["type"], demand["actor1"], demand["actor2"], demand["date"]) == (
        "demand",
        "Kelmouth mayor",
        "Harwick Motors",
        date(2024, 3, 5),
    )
    (demand,) = events("Mayor Ann Berg said on Monday that Norway must lift its tariffs on fish.")
    assert (demand["type"], demand["actor1"], demand["actor2"]) == ("demand", "Ann Berg", "Norway")
    (demand,) = events("Mayor Ann Berg said on Monday that Norway must repay the loan.")  # no other trigger word
    assert (demand["type"], demand["actor2"], demand["date"]) == ("demand", "Norway", date(2024, 3, 4))
    assert events("Mayor Ann Berg said Norway had to lift its tariffs on fish.") == []  # what was needed
    assert events("Mayor Ann Berg said Norway must be proud of its fleet.") == []  # no deed
    assert events("Mayor Ann Berg said Norway will have to lift its tariffs on fish if talks fail.") == []


def test_a_past_tense_the_parse_joined_to_an_infinitive_is_done_by_the_governing_verbs_subject():
    (firing,) = events("Harwick Motors wanted to expand its plant in Kelmouth and fired 40 workers in May.")
    assert (firing["type"], firing["actor1"], firing["date"]) == (
        "reduce_relations",
        "Harwick Motors",
        date(2023, 5, 1),
    )
    (arrest,) = events("Police were trying to clear the square in Kelmouth and arrested Jon Dale on Monday.")
    assert (arrest["type"], arrest["actor1"], arrest["actor2"]) == ("coerce", "police", "Jon Dale")
    assert events("Harwick Motors wants to expand its plant in Kelmouth and fire 40 workers in May.") == []


def test_an_arrest_or_assault_a_quote_tells_befell_its_speaker_is_reported():
    (deportation,) = events(
        "“Two guards stopped me at the gate of the depot and detained me for a week in Velka,” Jon Dale said."
    )
    assert (deportation["type"], deportation["actor2"]) == ("coerce", "Jon Dale")
    assert events("“I arrested the thief myself,” Jon Dale said.") == []  # the speaker's own deed: no one befallen
    assert events("“That song grabbed me at once in Kelmouth,” Jon Dale said.") == []  # violence only as a figure
    assert events("“They will arrest me in Kelmouth,” Jon Dale said.") == []
    assert events("“I have been arrested four times in Kelmouth,” said Jon Dale.") == []  # a count, not the deed


def test_he_saying_the_next_quote_is_the_last_quotes_speaker_not_a_name_in_its_attribution():
    found = events(
        "“We lost everything,” said Jon Berg, a cousin of Tom Dale.\n"
        "“I was arrested by police in Kelmouth on May 3,” he said."
    )
    (arrest,) = [e for e in found if e["type"] == "coerce"]
    assert (arrest["actor1"], arrest["actor2"], arrest["date"]) == ("police", "Jon Berg", date(2023, 5, 3))


def test_a_role_in_the_plural_is_no_one_titled_person_nor_a_body_named_with_the_singular():
    found = events(
        "Republican Gov. Ann Berg met leaders of the Western Republican Mayors Association in Kelmouth on Monday.\n"
        "Last May, Republicans on the council approved the harbour levy."
    )
    (approval,) = [e for e in found if e["type"] == "cooperate"]
    assert approval["actor1"] == "Republicans"  # not the governor, nor an association of mayors
    found = events("The Kelmouth Teachers Union met the council on Monday.\nTeachers marched in Kelmouth on Tuesday.")
    (march,) = [e for e in found if e["type"] == "protest"]
    assert march["actor1"] == "Kelmouth Teachers Union"  # a body named with the plural is theirs
