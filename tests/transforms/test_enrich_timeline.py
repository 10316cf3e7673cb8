"""The date a story sets for its clauses told in the past (transforms/enrich/timeline.py and the
date rules of event_dates.py), through the real small English model. The sentences are written for
these tests; the names are made up."""

from __future__ import annotations

from datetime import date

from tests.support.events import PUBLISHED, events  # published on a Friday, 2024-03-08


def test_the_leads_day_dates_later_paragraphs_told_in_the_past():
    sacking, criticism = events(
        "The harbour board of Kelmouth sacked its director, Ann Berg, on Tuesday.\n"
        "Board chair Ruth Penn criticised Berg's spending in a letter to staff."
    )
    assert sacking["date"] == criticism["date"] == date(2024, 3, 5) and criticism["precision"] == "day"


def test_news_of_now_and_news_of_the_publication_day_stay_reported():
    arrest = events("Police raided a warehouse in Kelmouth on Tuesday.\nOfficers have arrested Jon Dale in Hull.")[1]
    assert arrest["precision"] == "reported"  # told as news of now
    sacking, criticism = events(
        "The harbour board of Kelmouth sacked its director, Ann Berg, on Friday.\n"
        "Board chair Ruth Penn criticised Berg's spending in a letter to staff."
    )
    assert criticism["date"] == PUBLISHED and criticism["precision"] == "reported"


def test_a_count_later_counts_from_the_sentences_earlier_date():
    found = events(
        "In May, the council signed a contract with Astrel Systems, and Astrel Systems terminated "
        "the contract two months later."
    )
    (award,), (cancellation,) = ([e for e in found if e["type"] == kind] for kind in ("cooperate", "reduce_relations"))
    assert award["date"] == date(2023, 5, 1) and cancellation["date"] == date(2023, 7, 1)
    assert cancellation["precision"] == "month"


def test_a_date_of_a_relative_clause_or_of_a_clause_beside_it_is_not_the_triggers():
    (criticism,) = [
        e
        for e in events(
            "Mayor Tom Reyes, who lost the mayoral election in November, criticised the port board in Kelmouth."
        )
        if e["type"] == "disapprove"
    ]
    assert criticism["precision"] == "reported"
    lead = "Ferries to Kelmouth\nA new timetable drops the early boat.\nIslanders are angry.\n"  # no news day
    (petition,) = events(lead + "Islanders in Kelmouth started a petition, and by Thursday it had gathered 900 names.")
    assert petition["precision"] == "reported"


def test_a_date_of_a_coordinated_verb_with_the_same_subject_is_shared():
    found = events("Jon Dale was convicted of fraud in Hull and fined 2,000 pounds last Thursday.")
    assert [e["date"] for e in found] == [date(2024, 3, 7)]  # convicted and fined: one coercion, that day


def test_a_dateline_is_not_the_subject_of_its_sentence():
    (arrest,) = events("OSLO, Norway (AP) — Police arrested two men on Monday.")
    assert (arrest["actor1"], arrest["place"].lower()) == ("police", "oslo")
    (arrest,) = events(
        "Two held after Oslo raid\nOSLO, Norway (AP) — Police arrested two men on Monday."
    )  # a standfirst first
    assert (arrest["actor1"], arrest["place"].lower()) == ("police", "oslo")


def test_a_happening_only_presupposed_takes_no_date_from_the_story():
    found = events("Ann Berg testified in Kelmouth on Tuesday.\nShe said the meeting with Tom Dale was a mistake.")
    (meeting,) = [e for e in found if e["type"] == "consult"]
    assert meeting["precision"] == "reported"


def test_a_paragraph_opening_with_a_date_frames_the_next_told_in_the_past():
    (evacuation,) = events("In May last year, floods cut off the valley.\nRescuers evacuated forty hikers from Velka.")
    assert (evacuation["type"], evacuation["date"], evacuation["precision"]) == ("aid", date(2023, 5, 1), "month")
    (evacuation,) = events("Floods cut off the valley in May last year.\nRescuers evacuated forty hikers from Velka.")
    assert evacuation["precision"] == "reported"  # a date inside a paragraph is only its own


def test_a_vaguer_date_earlier_in_the_paragraph_tells_no_day_for_the_next_clause():
    found = events("The Dunmore council rejected the plan last week. Lena Voss criticised the vote in Dunmore.")
    (criticism,) = [e for e in found if e["type"] == "disapprove"]
    assert criticism["precision"] == "reported"


def test_the_days_happening_is_the_last_day_of_the_news_week_the_story_named():
    found = events(
        "KELMOUTH - The harbour inquiry reaches its third witness at Friday morning's hearing.\n\n"
        "The inquiry follows the testimony Tuesday of two harbour pilots.\n\n"
        "Berg told the panel that the board had ignored her warnings about a February 20 meeting.\n\n"
        "Mayor Jon Dale followed the day's testimony on the radio and criticised the inquiry."
    )
    (criticism,) = [e for e in found if e["type"] == "disapprove"]
    assert (criticism["date"], criticism["precision"]) == (date(2024, 3, 5), "day")  # not February 20: another thread


def test_a_clause_about_a_dated_happening_takes_its_date():
    (complaint,) = events(
        "The blackout is the latest of the utility's outages, including one last month that cut power to "
        "200,000 homes and angered mayors who accused the utility of negligence."
    )
    assert (complaint["type"], complaint["date"], complaint["precision"]) == ("disapprove", date(2024, 2, 1), "month")


def test_what_a_verb_is_about_or_thanks_for_takes_no_date_from_that_verb():
    (rescue,) = [
        e
        for e in events("Firefighter Ivo Brandt was thanked on Tuesday for rescuing two children in Hull.")
        if e["type"] == "aid"
    ]
    assert rescue["precision"] == "reported"  # the rescue came before the thanks
    (told,) = events("Ivo Brandt spoke on Tuesday about rescuing two children from a fire in Hull.")
    assert (told["type"], told["precision"]) == ("aid", "reported")
    (strike,) = events("Dockers in Hull joined a wave of strikes on Tuesday.")  # a noun's "of": no grounds
    assert strike["date"] == date(2024, 3, 5)


def test_a_date_before_a_noun_spoken_about_is_that_nouns_not_the_triggers():
    found = events(
        "Harbour inspector Jon Dale testified before the Kelmouth council about a January 12 meeting with the port board."
    )
    (testimony,) = [e for e in found if e["type"] == "statement"]
    assert testimony["precision"] == "reported"  # the meeting was on January 12, not the testimony
    (plea,) = events("In a January 12 petition, the fishermen of Kelmouth urged the port board to reopen the quay.")
    assert (plea["type"], plea["date"]) == ("appeal", date(2024, 1, 12))  # pleaded in that letter: its date


def test_a_day_told_ahead_is_no_day_for_the_story_told_in_the_past():
    found = events(
        "The Kelmouth port board says the ferry will sail to Hull on Sunday.\nThe board sacked its director, Ann Berg."
    )
    (sacking,) = [e for e in found if e["type"] == "reduce_relations"]
    assert sacking["precision"] == "reported"  # "on Sunday" is the Sunday to come, not last Sunday


def test_a_story_told_before_its_day_is_named_takes_that_day():
    lead = "A shepherd who attacked a ranger in Velka was jailed for six years.\n"
    arrest, rescue, attack = events(
        lead + "The next morning, police arrested the shepherd, Jon Dale, at a farm near Velka.\n"
        "Officers rescued the ranger, Ann Berg, from a barn.\n"
        "Dale attacked Berg on Saturday, Nov. 11, court papers show."
    )
    assert arrest["date"] == rescue["date"] == attack["date"] == date(2023, 11, 11)
    assert rescue["precision"] == "day"
    arrest, rescue, _ = events(  # no time counting from an unnamed day: news of now
        lead + "Police arrested the shepherd, Jon Dale, at a farm near Velka.\n"
        "Officers rescued the ranger, Ann Berg, from a barn.\n"
        "Dale attacked Berg on Saturday, Nov. 11, court papers show."
    )
    assert arrest["precision"] == rescue["precision"] == "reported"


def test_an_ing_clause_is_told_in_the_tense_of_the_clause_it_hangs_on():
    lead = "Thieves raided a depot in Kelmouth on Tuesday.\n"
    arrest = events(lead + "Police then moved fast, arresting Jon Dale in Hull.")[-1]
    assert (arrest["actor2"], arrest["date"], arrest["precision"]) == ("Jon Dale", date(2024, 3, 5), "day")
    arrest = events(lead + "Police are moving fast, arresting Jon Dale in Hull.")[-1]
    assert (arrest["actor2"], arrest["precision"]) == ("Jon Dale", "reported")


def test_a_things_date_does_not_date_the_clauses_after_it():
    lead = "The harbour of Kelmouth\n"
    sacking = events(
        lead + "In a Feb. 12 letter, Ann Berg asked the board for a new budget. The board sacked its director."
    )
    assert sacking[-1]["precision"] == "reported"  # the letter's date, not the sacking's
    sacking = events(lead + "On Feb. 12, Ann Berg asked the board for a new budget. The board sacked its director.")
    assert (sacking[-1]["date"], sacking[-1]["precision"]) == (date(2024, 2, 12), "day")


def test_a_date_of_a_clause_to_come_is_read_in_that_clauses_tense():
    (criticism,) = events("Ann Berg criticised the harbour board of Kelmouth, saying it will close the port on Sunday.")
    assert criticism["precision"] == "reported"  # the closing's Sunday is to come: no date of the criticism


def test_a_clause_in_the_past_perfect_is_before_the_storys_day():
    lead = "Thieves raided a depot in Kelmouth on Tuesday.\n"
    arrest = events(lead + "Police had arrested Jon Dale in Hull.")[-1]
    assert (arrest["actor2"], arrest["precision"]) == ("Jon Dale", "reported")  # some time before Tuesday


def test_a_when_clause_after_a_dated_noun_takes_that_nouns_date():
    found = events("Lawmakers asked about Dale's Feb. 14 call, when he urged Berg to arrest Jon Hale.")
    (appeal,) = [e for e in found if e["type"] == "appeal"]
    assert (appeal["actor2"], appeal["date"], appeal["precision"]) == ("Berg", date(2024, 2, 14), "day")
    found = events(
        "Reporters questioned the minister about the Feb. 14 meeting in Hull when Dale urged the union to strike."
    )
    (appeal,) = [e for e in found if e["type"] == "appeal"]
    assert (appeal["actor2"], appeal["date"]) == ("union", date(2024, 2, 14))
    (testimony,) = events("Ann Berg testified about a Feb. 14 meeting in Hull.")[1:]
    assert testimony["precision"] == "reported"  # the meeting's date, not the testimony's


def test_a_yearless_day_of_a_clause_told_in_the_past_is_the_one_gone_by():
    # published 2024-03-08: May 16, 2024 is nearer than May 16, 2023, but the arrest is done
    (arrest,) = events("Police arrested Jon Dale in Hull on May 16.")
    assert (arrest["actor2"], arrest["date"], arrest["precision"]) == ("Jon Dale", date(2023, 5, 16), "day")


def test_a_day_of_a_thing_still_ahead_is_not_moved_a_year_back():
    # "ahead of the audit on May 20": the audit's day, to come; the sacking is not of May 20, 2023
    found = events("The Kelmouth council sacked its treasurer ahead of the audit on May 20.")
    assert [e["date"] for e in found if e["date"] == date(2023, 5, 20)] == []
    (sacking,) = events("The Kelmouth council sacked its treasurer on May 20.")
    assert sacking["date"] == date(2023, 5, 20)


def test_a_date_to_come_is_no_date_of_a_clause_told_in_the_past():
    lead = "Thieves raided a depot in Kelmouth on Tuesday.\n"
    arrest = events(lead + "Police arrested the 2030 mayoral hopeful, Jon Dale, in Hull.")[-1]
    assert (arrest["actor2"], arrest["date"], arrest["precision"]) == ("Jon Dale", date(2024, 3, 5), "day")


def test_a_day_the_ner_tagged_inside_a_name_still_dates():
    # the NER takes "Gorman’s June 14" (curly apostrophe) for an organisation's name
    found = events("Critics pointed to Gorman’s June 14 speech, when he urged Berg to arrest Jon Hale.")
    (appeal,) = [e for e in found if e["type"] == "appeal"]
    assert (appeal["actor2"], appeal["date"], appeal["precision"]) == ("Berg", date(2023, 6, 14), "day")


def test_a_date_of_another_happening_dates_the_trigger_only_as_far_as_its_count_of_time():
    lead = "Ferries to Kelmouth\nA new timetable drops the early boat.\nIslanders are angry.\n"  # no news day

    def dated(sentence: str, kind: str) -> tuple:
        (event,) = [e for e in events(lead + sentence) if e["type"] == kind]
        return event["date"], event["precision"]

    # a count of days: that many days from the other's date
    assert dated("Ann Berg met Tom Reyes a day before the vote on March 5.", "consult") == (date(2024, 3, 4), "day")
    # "days" is some days: the month they all fall in, else the year
    assert dated("Ann Berg met Tom Reyes days before the vote on March 25.", "consult") == (date(2024, 3, 1), "month")
    assert dated("Ann Berg met Tom Reyes days before the vote on March 5.", "consult") == (date(2024, 1, 1), "year")
    # with no count, "before" may be a place: the date stays the clause's
    assert dated("Ann Berg testified before the harbour committee on Tuesday.", "statement") == (
        date(2024, 3, 5),
        "day",
    )
    found = events(lead + "Police in Hull arrested the skipper on Monday, days after the raid on March 2.")
    assert sorted(e["date"] for e in found) == [date(2024, 3, 2), date(2024, 3, 4)]  # the arrest's own Monday


def test_a_paragraph_opening_with_a_phrase_of_its_occasion_and_day_frames_the_next():
    lead = "Ferries to Kelmouth\nA new timetable drops the early boat.\nIslanders are angry.\n"  # no news day
    found = events(
        lead + "At the council meeting in Kelmouth on Tuesday, the two members argued over the ferry.\n"
        "Ann Berg criticised Tom Reyes over the port budget."
    )
    (criticism,) = [e for e in found if e["type"] == "disapprove"]
    assert (criticism["date"], criticism["precision"]) == (date(2024, 3, 5), "day")


def test_a_year_before_a_noun_a_verb_speaks_about_is_that_things_not_the_verbs():
    (criticism,) = events("Ann Berg criticised Tom Reyes over the 2016 deal.")
    assert criticism["precision"] == "reported"  # the deal's year; the criticism is news
    (lawsuit,) = events("Ann Berg sued Tom Reyes in Hull over his 2016 remarks.")
    assert lawsuit["precision"] == "reported"
    # money given toward a campaign is given while it runs: the campaign's year
    (gift,) = events("The union donated money toward Ann Berg's 2016 campaign.")
    assert (gift["date"], gift["precision"]) == (date(2016, 1, 1), "year")


def test_the_next_morning_is_the_day_after_the_storys_day():
    found = events("Police raided a depot in Kelmouth on Feb. 26. The next morning, officers arrested Jon Dale.")
    (arrest,) = [e for e in found if e["actor2"] == "Jon Dale"]
    assert (arrest["date"], arrest["precision"]) == (date(2024, 2, 27), "day")


def test_later_that_year_is_the_year_of_the_sentences_earlier_date():
    found = events(
        "In May 2015, Ann Berg won a seat on the Kelmouth council, and later that year she sued the harbour board."
    )
    (lawsuit,) = [e for e in found if e["type"] == "disapprove"]
    assert (lawsuit["date"], lawsuit["precision"]) == (date(2015, 1, 1), "year")


def test_a_yearless_day_of_a_past_participle_describing_a_noun_is_the_one_gone_by():
    # published 2024-03-08: "detained on May 16" describing Dale is done, so May 16, 2023, not the
    # nearer May 16, 2024 (which, after publication, dropped the detention as a plan)
    for text in (
        "Jon Dale, detained on May 16 at the Kelmouth border, says he was beaten.",
        "Ann Berg, arrested in Kelmouth on May 16, denies the charges.",
    ):
        (detention,) = [e for e in events(text) if e["type"] == "coerce"]
        assert (detention["date"], detention["precision"]) == (date(2023, 5, 16), "day")


def test_a_yearless_day_carried_to_a_clause_told_in_the_past_is_the_one_gone_by():
    # published 2024-03-08: the frame of a clause told in the past is a day gone by, May 16, 2023;
    # a day the sentence tells as planned ("is set for") stays the nearest one, no frame for the past
    (arrest,) = events("Jon Dale crossed the border into Velka on May 16. Guards arrested him at a checkpoint.")
    assert (arrest["actor2"], arrest["date"], arrest["precision"]) == ("Jon Dale", date(2023, 5, 16), "day")
    (arrest,) = events("The hearing is set for May 16. Police arrested Jon Dale in Hull.")
    assert arrest["precision"] == "reported"


def test_a_sentence_going_on_with_the_previous_ones_story_takes_its_date():
    # "But"/"Then" opening a paragraph go on with the last sentence's story, in its time (a month too)
    (arrest,) = events("Jon Dale flew home to Hull in September.\nBut police arrested him at the airport.")
    assert (arrest["date"], arrest["precision"]) == (date(2023, 9, 1), "month")
    (arrest,) = events("Jon Dale flew home to Hull on Tuesday.\nThen police arrested him at the airport.")
    assert (arrest["date"], arrest["precision"]) == (date(2024, 3, 5), "day")
    (arrest,) = events("Jon Dale flew home to Hull in September.\nPolice arrested him at the airport.")
    assert arrest["precision"] == "reported"  # no word going on with the story: only the paragraph's date
