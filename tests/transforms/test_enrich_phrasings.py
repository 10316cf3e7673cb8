"""News phrasings of events that the plain trigger lists miss, each on sentences written for
these tests (the names are made up), through the real small English model."""

from __future__ import annotations

from datetime import date

from tests.support.events import events


def test_bids_or_offers_drawn_from_buyers_are_a_deal_made():
    (bids,) = events("Harwick Aviation Ltd. attracted bids for 40 jets from Nordair Airlines on Tuesday.")
    (offers,) = events("Harwick Aviation Ltd. received offers from three buyers on Tuesday.")

    assert (bids["type"], bids["actor1"], bids["date"]) == ("cooperate", "Harwick Aviation Ltd.", date(2024, 3, 5))
    assert (offers["type"], offers["actor1"]) == ("cooperate", "Harwick Aviation Ltd.")


def test_a_bid_for_office_stays_an_election_and_drawn_criticism_stays_criticism():
    (campaign,) = events("Ada Brennan launched her bid for mayor on Tuesday.")
    (criticism,) = events("Harwick Aviation Ltd. attracted criticism on Tuesday.")

    assert campaign["type"] == "election"
    assert criticism["type"] == "disapprove"
