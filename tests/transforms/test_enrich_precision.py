"""What news language tells without reporting a happening: testimony's content, habits and views
told in the present, warnings of a state, and a statement or hearing told again as "the" one.
The sentences are written for these tests; the names are made up."""

from __future__ import annotations

from datetime import date

from tests.support.events import events


def test_testimony_is_an_event_but_what_was_testified_is_its_content():
    (testimony,) = events("Jon Dale testified before the Kelmouth council on Tuesday.")
    assert (testimony["type"], testimony["actor1"], testimony["date"]) == ("statement", "Jon Dale", date(2024, 3, 5))
    assert events("Jon Dale also testified that the harbour board had ignored the survey.") == []
    assert events("The harbour board ignored the survey, Jon Dale testified.") == []


def test_what_was_confirmed_or_admitted_is_told_as_said_that_is():
    assert events("Dunmore police confirmed on Tuesday that the van had been stolen.") == []
    assert events("At his trial, Jon Dale admitted that he had taken the van.") == []
    found = events("Jon Dale admitted to stealing the van and was arrested in Kelmouth on Tuesday.")
    assert [e["type"] for e in found] == ["coerce"]
    (confirmed,) = events("The Kelmouth council confirmed the appointment of a new harbour master on Tuesday.")
    assert confirmed["type"] == "statement"


def test_a_statement_told_of_what_it_speaks_about_is_its_own():
    found = events(
        "Ada Brennan took the floor at the Kelmouth council on Tuesday, defending the levy approved in April."
    )
    assert sorted((e["type"], e["actor1"]) for e in found if e["type"] == "statement") == [("statement", "Ada Brennan")]


def test_said_in_a_statement_that_it_quotes_only_attributes_the_quote():
    assert events('"We are delighted to welcome him," Harwick Rovers said in a statement on Tuesday.') == []
    found = events("Harwick Rovers said in a statement on Tuesday that the coach had left the club.")
    assert ("statement", "Harwick Rovers") in [(e["type"], e["actor1"]) for e in found]


def test_a_statement_put_out_on_a_website_or_an_account_is_a_post_even_with_its_words_quoted():
    (posted,) = events('"We never sold the stadium," Harwick Rovers said in a statement on the club’s site on Tuesday.')
    assert (posted["type"], posted["actor1"], posted["date"]) == ("statement", "Harwick Rovers", date(2024, 3, 5))
    (posted,) = events(
        '"The ferry will run," the Kelmouth council said in a statement on the council’s Facebook page on Monday.'
    )
    assert (posted["type"], posted["actor1"], posted["date"]) == ("statement", "Kelmouth council", date(2024, 3, 4))


def test_the_simple_present_without_a_date_tells_a_habit_or_a_view():
    assert events("The Kelmouth port board bans dogs from its ferries.") == []  # a standing rule


def test_the_simple_present_with_a_date_or_told_of_charges_still_reports():
    (hearing,) = events("The Kelmouth council holds a hearing with the harbour board on Wednesday.")
    assert (hearing["type"], hearing["date"]) == ("consult", date(2024, 3, 6))
    (charges,) = events("Jon Dale faces fraud charges in Kelmouth.")
    assert (charges["type"], charges["actor2"]) == ("coerce", "Jon Dale")


def test_a_warning_of_what_is_is_not_a_threat():
    assert events("The Kelmouth coastguard warned that the cliffs near the harbour are unstable.") == []
    (threat,) = events("The Harwick Motors union warned that its members will strike in Kelmouth.")
    assert threat["type"] == "threaten"


def test_the_statement_or_hearing_told_again_as_the_one_is_not_a_second_event():
    (statement,) = events(
        "The Kelmouth council said in a statement on Monday that the port would reopen. "
        "“We are proud of our port,” Mayor Jon Dale said in the statement."
    )
    assert (statement["type"], statement["actor1"]) == ("statement", "Kelmouth council")
    (hearing,) = events(
        "The Kelmouth council held a hearing on the port on Monday. "
        "At the hearing, Jon Dale said that the port was safe."
    )
    assert (hearing["type"], hearing["actor1"]) == ("consult", "Kelmouth council")


def test_the_charge_a_trial_convicts_of_is_not_a_second_happening():
    (conviction,) = events("A jury in Kelmouth convicted Jon Dale of assaulting Ada Brennan on Monday.")
    assert (conviction["type"], conviction["actor2"], conviction["date"]) == ("coerce", "Jon Dale", date(2024, 3, 4))
    (charge,) = events("Jon Dale was charged with assaulting Ada Brennan in Kelmouth.")
    assert charge["type"] == "coerce"
    (assault,) = events("Jon Dale assaulted Ada Brennan in Kelmouth on Monday.")
    assert (assault["type"], assault["actor1"]) == ("assault", "Jon Dale")


def test_a_habit_told_in_the_present_in_a_clause_of_reason_or_concession_is_no_happening():
    assert (
        events(
            "Although Harwick Aviation's rules ban smoking on its jets, Ada Brennan lit a cigar on the flight on Tuesday."
        )
        == []
    )
    assert (
        events(
            "Tenants of Marlow Docks say they fear the winter because Marlow Docks evicts anyone who falls behind on rent."
        )
        == []
    )
