"""The live decision panel's view (web/decision_view.py): what the project lead sees after each
answer, the worst case included in words when the unknown answers could lead elsewhere."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reviewers import bundled_reviewer
from secreview.web.decision_view import decision_view
from secreview.web.pages_support import environment, translator

DATE = dt.date(2026, 11, 26)
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
TWO_ANSWERS = {"system": {"name": "Lärplattform"}, "personal_data": {"processed": True},
               "vendor": {"third_country_law_access": True}}


def test_the_panel_says_where_the_unknown_answers_could_lead() -> None:
    review = bundled_reviewer().review(TWO_ANSWERS, DATE)
    assert review.decision.outcome == "incomplete"
    view = decision_view(review, "sv")
    assert view.worst_statement is not None
    assert view.worst_statement.startswith("Om konfidentialitetsnivån (KLASSA) är 3 eller högre")
    assert decision_view(review, "en").worst_statement.startswith(  # type: ignore[union-attr]
        "If the confidentiality level (KLASSA) is 3 or higher")
    html = environment().get_template("_decision.html.j2").render(view=view, t=translator("sv"))
    assert '<p class="worst-statement">Om konfidentialitetsnivån (KLASSA)' in html


def test_no_worst_case_sentence_when_it_leads_where_the_decision_does() -> None:
    review = bundled_reviewer().review(EXAMPLES / "room-booking.yaml", DATE)
    assert review.decision.worst_case is not None
    assert review.decision.worst_case.outcome == review.decision.outcome
    view = decision_view(review, "sv")
    assert view.worst_statement is None
    html = environment().get_template("_decision.html.j2").render(view=view, t=translator("sv"))
    assert "worst-statement" not in html


def test_the_confirmed_level_is_what_the_known_answers_establish_not_the_worst_case() -> None:
    """With the vendor able to reach the data under foreign law, the foreign-law finding is
    critical only if the unknown classification turns out high: the panel's confirmed level is
    the finding's confirmed one (moderate), its worst case critical; the decision, which rejects
    only on confirmed levels, is incomplete."""
    review = bundled_reviewer().review(
        {**TWO_ANSWERS, "hosting": {"vendor_access": True}}, DATE)
    assert review.decision.outcome == "incomplete"
    view = decision_view(review, "en")
    assert (view.confirmed.id, view.worst_case.id) == ("moderate", "critical")


def test_the_counts_take_their_plural_form() -> None:
    """"1 brist", never "1 brister": each count in words takes the form its number needs."""
    one_each = {"access": {"mfa_admins": False}, "archiving": {"public_records": True}}
    review = bundled_reviewer().review(one_each, DATE)
    view = decision_view(review, "sv")
    unknown = view.counts["unknown"]
    assert (view.counts["finding"], view.counts["pass"]) == (1, 1) and unknown > 1
    assert view.counts_text == f"1 brist, {unknown} overifierade, 1 uppfyllt krav"
    assert decision_view(review, "en").counts_text == \
        f"1 finding, {unknown} unverified, 1 requirement met"
    html = environment().get_template("_decision.html.j2").render(view=view, t=translator("sv"))
    assert f'<p class="counts">{view.counts_text}</p>' in html
    none = decision_view(bundled_reviewer().review(TWO_ANSWERS, DATE), "sv")
    assert none.counts_text.startswith("0 brister, ")
