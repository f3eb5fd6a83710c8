"""Routing data: the questionnaire's routing questions, applied."""

from __future__ import annotations

from secreview.facts import core_facts
from secreview.questionnaire import ROUTING
from secreview.routing import hidden_facts, routes


def test_every_routing_question_has_a_route_and_names_real_facts() -> None:
    facts = [p for p in core_facts() if not p.startswith("derived.")]
    assert [r.question for r in routes()] == list(ROUTING)
    for route in routes():
        assert route.question in facts
        for pattern in route.hides:
            assert any(route.covers(p) or p == pattern for p in facts), pattern
        assert not route.covers(route.question)


def test_a_routing_answer_hides_its_branch_and_unknown_hides_nothing() -> None:
    facts = list(core_facts())
    hidden = hidden_facts({"personal_data.processed": False}, facts)
    assert "personal_data.categories" in hidden and "dpia_screening.large_scale" in hidden
    assert "contract.processor_agreement.signed" in hidden
    assert "personal_data.processed" not in hidden and "contract.audit_rights" not in hidden
    assert hidden_facts({"personal_data.processed": None}, facts) == set()
    assert hidden_facts({"personal_data.processed": True}, facts) == set()
    onprem = hidden_facts({"hosting.deployment": "on_premises"}, facts)
    assert "hosting.storage_countries" in onprem and "hosting.encryption_at_rest" not in onprem
