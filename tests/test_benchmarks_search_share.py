"""The search-share benchmark measures what it says: the same reviews, with the deciding-facts
search answering nothing in its "bare" mode, and restored afterwards."""

from __future__ import annotations

import datetime as dt

from benchmarks import search_share

from secreview import Reviewer

INCOMPLETE = {"personal_data": {"processed": True}, "hosting": {"deployment": "saas"}}


def test_the_bare_mode_removes_only_the_search_and_puts_it_back() -> None:
    reviewer = Reviewer()
    date = dt.date(2026, 11, 26)
    shipped = reviewer.review(INCOMPLETE, date)
    assert shipped.decision.outcome == "incomplete" and shipped.decision.deciding_facts
    with search_share._without_search():
        bare = reviewer.review(INCOMPLETE, date)
    assert bare.decision.outcome == "incomplete" and bare.decision.deciding_facts == []
    assert reviewer.review(INCOMPLETE, date).decision.deciding_facts == \
        shipped.decision.deciding_facts


def test_a_small_run_reports_load_and_review_time() -> None:
    load, review = search_share._run(5, 2026)
    assert load > 0 and review > 0
