import dataclasses

from winnow.schemas.records import FETCH_OUTCOMES, RUN_COUNTERS, RunSummary


def test_every_fetch_outcome_is_counted_in_the_run_summary():
    # The flow counts each fetch result under the summary field named after its outcome.
    fields = {field.name for field in dataclasses.fields(RunSummary)}
    assert set(FETCH_OUTCOMES) <= set(RUN_COUNTERS) <= fields
